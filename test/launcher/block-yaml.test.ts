import { Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { customLadderChart } from '../../examples/custom-ladder/k8s';
import { defaultChart } from '../../examples/default/k8s';
import { fleetChart } from '../../examples/fleet/k8s';
import { BlockYaml } from '../../lib/launcher/private/block-yaml';
import { YamlDocuments } from '../../lib/launcher/private/yaml-documents';

// BlockYaml is verify's fastest reader: it must read what it reads exactly as the `yaml` package does,
// and leave (undefined) everything else to the general parsers. A wrong value here would be a wrong
// verdict on a security review, so it is compared with the reference on generated, written and
// mutated texts.

/** The reference: one document read by the `yaml` package (YAML 1.2 core), or an error. */
function reference(text: string): { value?: unknown; error?: string } {
  const docs = YAML.parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length !== 1) {
    return { error: `${list.length} documents` };
  }
  if (list[0].errors.length > 0) {
    return { error: list[0].errors[0].message };
  }
  return { value: list[0].toJS() };
}

/** What BlockYaml reads must be the reference's value (and the reference must accept the text). */
function agrees(text: string): boolean {
  const fast = BlockYaml.parse(text);
  if (fast === undefined) {
    return true;
  }
  const ref = reference(text);
  expect(ref.error).toBeUndefined();
  expect(fast).toEqual(ref.value);
  return true;
}

const cdk8sWrite = (value: unknown): string => Yaml.stringify(value);

describe('BlockYaml: the block YAML cdk8s writes, read as the `yaml` package reads it', () => {
  test('every document of the examples is read on the fast path, with the values js-yaml and the `yaml` package read', () => {
    const manifests = [defaultChart, fleetChart, customLadderChart].flatMap(chart => Testing.synth(chart(Testing.app())));
    expect(manifests.length).toBeGreaterThan(40);
    for (const m of manifests) {
      const text = cdk8sWrite(m);
      const fast = BlockYaml.parse(text);
      expect({ kind: m.kind, name: m.metadata?.name, fast: fast !== undefined }).toEqual({ kind: m.kind, name: m.metadata?.name, fast: true });
      expect(fast).toEqual(m);
      expect(fast).toEqual(reference(text).value);
      expect(fast).toEqual(YamlDocuments.loadAll(text)?.[0]);
    }
  });

  test.each([
    ['mappings, sequences, compact entries', 'a: 1\nb:\n  c: x\n  d:\n    - 1\n    - - 2\n      - 3\n    - e: f\n      g: h\n', { a: 1, b: { c: 'x', d: [1, [2, 3], { e: 'f', g: 'h' }] } }],
    ['a sequence under its key at the key\'s column', 'a:\n- x\n- y\nb: 2\n', { a: ['x', 'y'], b: 2 }],
    ['empty values and collections', 'a:\nb: {}\nc: []\nd: ""\ne: \'\'\n', { a: null, b: {}, c: [], d: '', e: '' }],
    ['core-schema scalars', 'a: [x]\n', undefined], // flow: left to the general parsers
    ['plain scalars resolve as the core schema', 'i: 010\nh: 0x1F\no: 0o17\nb: 0b1\nf: 1e3\nt: True\nn: ~\ny: yes\nd: 2024-01-01\ns: -x\n',
      { i: 10, h: 31, o: 15, b: '0b1', f: 1000, t: true, n: null, y: 'yes', d: '2024-01-01', s: '-x' }],
    ['quoted scalars', 'a: "x: \\"y\\" \\u00e9 \\\\ \\/"\nb: \'it\'\'s # not a comment\'\n', { a: 'x: "y" é \\ /', b: 'it\'s # not a comment' }],
    ['literal block scalars: clip and strip, blank lines kept inside', 'a: |\n  x\n\n    y\n\n\nb: |-\n  z\n  w\nc: 1\n', { a: 'x\n\n  y\n', b: 'z\nw', c: 1 }],
    ['a literal in a sequence entry', '- |-\n  a\n- b\n', ['a', 'b']],
    ['a document marker first', '---\na: 1\n', { a: 1 }],
  ])('%s', (_name, text, expected) => {
    expect(BlockYaml.parse(text)).toEqual(expected);
    agrees(text);
  });

  test.each([
    ['an anchor', 'a: &x 1\nb: 2\n'],
    ['an alias', 'a: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a comment line', '# c\na: 1\n'],
    ['a trailing comment', 'a: 1 # c\n'],
    ['a folded scalar', 'a: >\n  x\n'],
    ['a keep-chomped literal', 'a: |+\n  x\n\n'],
    ['an indentation indicator', 'a: |2\n   x\n'],
    ['a multi-line plain scalar', 'a: x\n  y\n'],
    ['a multi-line quoted scalar', 'a: "x\n  y"\n'],
    ['a quoted key', '"a": 1\n'],
    ['a non-string key', '1: a\n'],
    ['a null key', 'null: a\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['a blank line between entries', 'a: 1\n\nb: 2\n'],
    ['a tab', 'a:\t1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a byte-order mark', '\uFEFFa: 1\n'],
    ['a control character', 'a: x\u0001y\n'],
    ['a character outside the BMP', 'a: 😀\n'],
    ['a YAML-only escape', 'a: "\\x41"\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a scalar document', 'x\n'],
    ['an empty document', '---\n'],
    ['wider indentation after a dash', '-   a\n'],
    ['an item on the next line', '-\n  a: 1\n'],
  ])('%s: left to the general parsers', (_name, text) => {
    expect(BlockYaml.parse(text)).toBeUndefined();
  });

  test('isPrintable decides on the bytes as the character test decides on the text', () => {
    const chars = fc.constantFrom('a', ' ', '\n', '\t', '\r', '\u0001', '\u007f', '\u0080', '\u0085', '\u009f', '\u00a0', 'é', '≤',
      '\uFEFF', '\uFFFE', '\uFFFF', '\uFFFD', '😀', '\uE000');
    fc.assert(fc.property(fc.array(chars, { maxLength: 12 }), parts => {
      const text = parts.join('');
      const decidedOnText = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF\t\r]/.test(text);
      expect(BlockYaml.isPrintable(Buffer.from(text, 'utf8'))).toBe(!decidedOnText);
    }), { numRuns: 3000 });
  });

  const scalar = fc.oneof(
    fc.string({ maxLength: 24 }),
    fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
    fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
    fc.constantFrom('0o17', '0x1F', '0b1', '1e3', '.inf', '-.inf', '.nan', 'yes', 'No', '~', 'null', '2024-01-01', '*', '&a', '!x', '- x',
      '---', '...', '≤', 'a: b', 'a #b', 'a#b', ' lead', 'trail ', '"q"', '\'s\'', 'x\ny', 'x\n', '\nx', '|', '>', '{}', '[]', '@a', '%a',
      '-', '-1', '?', ':x', 'a:', 'http://a:1/b', 'é\u0085', '\\', 'tab\there'),
  );
  const key = fc.oneof(fc.stringMatching(/^[a-zA-Z_./][a-zA-Z0-9_./-]{0,15}$/), fc.string({ maxLength: 8 }),
    fc.constantFrom('1', 'true', 'null', '~', '-a', 'a b', 'a:b', '__proto__', '.5', '*'));
  const value = fc.letrec(tie => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 5 })),
  })).node;
  const root = fc.oneof(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), fc.array(value, { minLength: 1, maxLength: 5 }));

  test('property: any document cdk8s writes reads back as the `yaml` package reads it', () => {
    let fast = 0;
    fc.assert(fc.property(root, doc => {
      const text = cdk8sWrite(doc);
      if (BlockYaml.parse(text) !== undefined) fast++;
      return agrees(text);
    }), { numRuns: 3000 });
    // Many generated documents stay on the fast path (the rest have arbitrary keys or strings it leaves; the examples test covers real output).
    expect(fast).toBeGreaterThan(300);
  });

  test('property: documents written with other settings (folding at 80 columns, other quoting) are read right or left', () => {
    const options = fc.constantFrom<YAML.ToStringOptions>({}, { lineWidth: 20, minContentWidth: 0 }, { defaultStringType: 'QUOTE_SINGLE' },
      { indentSeq: false }, { indent: 4 }, { blockQuote: 'literal' }, { defaultKeyType: 'PLAIN', doubleQuotedAsJSON: true });
    fc.assert(fc.property(root, options, (doc, opts) => agrees(YAML.stringify(doc, opts))), { numRuns: 3000 });
  });

  test('property: mutated documents are read right or left, never misread', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.integer({ min: 0, max: 2 }),
      insert: fc.constantFrom('', ' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', '\'', '|', '|-', '>', '\n', '\n  ', '&a ', '*a', '!', '{', '[', 'a', '1',
        '---\n', '...', '\t', '\\', '?', ',', '%'),
    });
    fc.assert(fc.property(root, fc.array(edit, { minLength: 1, maxLength: 3 }), (doc, edits) => {
      let text = cdk8sWrite(doc);
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
      }
      return agrees(text);
    }), { numRuns: 6000 });
  });
});
