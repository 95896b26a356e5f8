import type * as JsYaml from 'js-yaml';

/**
 * The fast path for reading YAML manifests: js-yaml's `loadAll` is several
 * times faster than the `yaml` package's document parser on plain
 * manifests (verify reads megabytes of them). It reads with the scalars of
 * the YAML 1.2 core schema exactly as the `yaml` package resolves them
 * (`0o17`, `0x1F`, `1e3`, `.inf`; no `0b`, no signed hex, no timestamps, no
 * `<<` merges), so both parsers give the same objects. The `yaml` package
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
    let start = 0;
    for (;;) {
      const marker = bytes.indexOf(DOCUMENT_MARKER, start);
      const end = marker < 0 ? bytes.length : marker + 1;
      const docs = YamlDocuments.loadAll(bytes.toString('utf8', start, end));
      if (docs === undefined) {
        return undefined;
      }
      for (const doc of docs) out.push(doc);
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
      // `first`: the characters such a scalar can start with (besides the empty scalar), so most
      // plain strings (names, labels) are told apart without a regular expression.
      const scalar = (tag: string, first: string, test: RegExp, construct: (s: string) => unknown): JsYaml.Type =>
        new module.Type(tag, {
          kind: 'scalar',
          resolve: (s: unknown) => typeof s === 'string' && (s.length === 0 || first.includes(s[0])) && test.test(s),
          construct,
        });
      // The `yaml` package's core schema (dist/schema/core and common/null), scalar for scalar.
      const schema = module.FAILSAFE_SCHEMA.extend({
        implicit: [
          scalar('tag:yaml.org,2002:null', '~nN', /^(?:~|[Nn]ull|NULL)?$/, () => null),
          scalar('tag:yaml.org,2002:bool', 'tTfF', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, s => s[0] === 't' || s[0] === 'T'),
          scalar('tag:yaml.org,2002:int', '-+0123456789', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/,
            s => s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
          scalar('tag:yaml.org,2002:float', '-+.0123456789',
            /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
            s => s.endsWith('nan') || s.endsWith('NaN') || s.endsWith('NAN') ? NaN
              : /inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : parseFloat(s)),
        ],
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
