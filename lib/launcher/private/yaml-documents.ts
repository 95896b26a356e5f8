import type * as JsYaml from 'js-yaml';
import { BlockYaml } from './block-yaml';
import { CoreScalars } from './core-scalars';

/**
 * The fast path for reading YAML manifests: js-yaml's `loadAll` is several
 * times faster than the `yaml` package's document parser on plain
 * manifests (verify reads megabytes of them). It reads with the scalars of
 * the YAML 1.2 core schema exactly as the `yaml` package resolves them
 * (`CoreScalars`; no `<<` merges), so both parsers give the same objects. The `yaml` package
 * stays the reference: a text js-yaml refuses (its messages are poorer)
 * and a text that may use aliases (js-yaml shares the aliased node, so an
 * alias bomb would expand in the checks instead of failing at the
 * `yaml` package's alias limit) are left to it.
 */
export class YamlDocuments {
  /**
   * Every document of `text`, or undefined when the `yaml` package must
   * decide (js-yaml refused the text, or it may hold an alias).
   */
  public static loadAll(text: string): unknown[] | undefined {
    const jsYaml = YamlDocuments.jsYaml();
    // An alias that resolves needs an anchor (js-yaml refuses an unknown one). The text test is
    // cheap but also matches `*` inside quoted and block scalars (wildcard hostnames in contracts):
    // such a text is read with a listener that sees every node's anchor, and left to the `yaml`
    // package only if one has any.
    let anchored = false;
    const listener = MAYBE_ALIAS.test(text)
      ? (event: JsYaml.EventType, state: JsYaml.State): void => {
        // `anchor` is js-yaml's state of the node being closed (not in its type declarations).
        if (event === 'close' && (state as unknown as { anchor: string | null }).anchor !== null) anchored = true;
      }
      : undefined;
    try {
      const docs = jsYaml.module.loadAll(text, undefined, { schema: jsYaml.schema, listener });
      return anchored ? undefined : docs;
    } catch {
      return undefined;
    }
  }

  /**
   * Every document of a UTF-8 file, or undefined as `loadAll`. The file is
   * cut at its `---` lines (a line of exactly `---` always starts a
   * document: YAML forbids it inside any scalar) and each piece decoded
   * and parsed alone: a manifest with one non-ASCII character would
   * otherwise become one UTF-16 string twice the file's size, copied again
   * by the parser, and every small string of it would keep that copy alive.
   */
  public static loadAllBytes(bytes: Buffer): unknown[] | undefined {
    const out: unknown[] = [];
    const printable = BlockYaml.isPrintable(bytes);
    let start = 0;
    for (;;) {
      const marker = bytes.indexOf(DOCUMENT_MARKER, start);
      const end = marker < 0 ? bytes.length : marker + 1;
      const text = bytes.toString('utf8', start, end);
      // Block YAML as cdk8s writes it first (fastest); js-yaml for what it leaves.
      const block = printable ? BlockYaml.parsePrintable(text) : undefined;
      if (block !== undefined) {
        out.push(block);
      } else {
        const docs = YamlDocuments.loadAll(text);
        if (docs === undefined) {
          return undefined;
        }
        for (const doc of docs) out.push(doc);
      }
      if (marker < 0) {
        return out;
      }
      // The next piece starts with its `---` line, as the document did.
      start = marker + 1;
    }
  }

  private static loaded?: { module: typeof JsYaml; schema: JsYaml.Schema };

  /** Loaded on first use: a launcher that renders from JSON never pays for a YAML parser. */
  private static jsYaml(): { module: typeof JsYaml; schema: JsYaml.Schema } {
    if (!YamlDocuments.loaded) {
      const module = require('js-yaml') as typeof JsYaml;
      const schema = module.FAILSAFE_SCHEMA.extend({
        implicit: CoreScalars.ALL.map(scalar => new module.Type(scalar.tag, {
          kind: 'scalar',
          resolve: (s: unknown) => typeof s === 'string' && CoreScalars.matches(scalar, s),
          construct: scalar.construct,
        })),
      });
      YamlDocuments.loaded = { module, schema };
    }
    return YamlDocuments.loaded;
  }

  private constructor() {}
}

/** Where a document starts in cdk8s output: a `---` line. */
const DOCUMENT_MARKER = Buffer.from('\n---\n');

/**
 * An alias (`*name`) can only start where a node starts: after a
 * separator, an indicator or at a line's start. Quoted `"*"` (RBAC verbs)
 * and `a * b` (CEL) do not match; a false match only costs speed.
 */
const MAYBE_ALIAS = /(?:^|[\s,[{])\*[^\s,[\]{}]/m;
