import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { YamlDocuments } from '../../lib/launcher/private/yaml-documents';
import { SynthOutput } from '../../lib/launcher/synth-output';
import { AgentTrustErrors } from '../../lib/model/validation';

// SynthOutput reads YAML with js-yaml (fast) and leaves to the `yaml`
// package what js-yaml refuses or what may hold aliases: both must give the
// same objects, and every failure keeps the `yaml` package's message.

/** The reference: the `yaml` package as SynthOutput used it before (errors thrown). */
function reference(text: string): unknown[] {
  return YAML.parseAllDocuments(text).map(d => {
    if (d.errors.length > 0) throw d.errors[0];
    return d.toJS();
  }).filter(d => d !== null && d !== undefined);
}

const fast = (text: string): unknown[] | undefined => YamlDocuments.loadAll(text)?.filter(d => d !== null && d !== undefined);

describe('YamlDocuments: js-yaml with the `yaml` package\'s core schema', () => {
  test.each([
    ['nulls', 'a:\nb: ~\nc: null\nd: Null\ne: NULL\n'],
    ['booleans (YAML 1.2: yes/no/on/off are strings)', 'x: [true, True, TRUE, false, yes, no, on, off, y, n]\n'],
    ['integers (no 0b, no signed hex, no underscores)', 'i: [0, 007, +5, -3, 0o17, 0x1F, 0b101, -0x1F, 1_000, 0o8, 0x]\n'],
    ['floats', 'f: [1.5, .5, 1., 1e3, -1E-3, +.5, -.5e3, 1.0e+3, "1.5"]\n'],
    ['no timestamps', 't: [2024-01-01, 2024-01-01T00:00:00Z]\n'],
    ['no merge keys', '<<: {a: 1}\nb: 2\n'],
    ['explicit tags', 'k: !!str 5\nj: !!int "7"\n'],
    ['empty documents and markers', '---\n---\na: 1\n...\n---\n'],
    ['a manifest with block scalars and quoted stars', 'kind: Role\nrules:\n  - verbs: ["*"]\n    resources: [\'*\']\nexpr: |-\n  a * b\n'],
  ])('%s: the same values as the `yaml` package', (_name, text) => {
    expect(fast(text)).toEqual(reference(text));
  });

  test('infinities and NaN as the `yaml` package reads them', () => {
    const text = 'f: [.inf, -.Inf, +.INF, .nan, .NaN, .NAN]\n';
    expect(fast(text)).toEqual([{ f: [Infinity, -Infinity, Infinity, NaN, NaN, NaN] }]);
    expect(reference(text)).toEqual([{ f: [Infinity, -Infinity, Infinity, NaN, NaN, NaN] }]);
  });

  test('leaves a text that may hold aliases to the `yaml` package (its alias limit applies)', () => {
    expect(YamlDocuments.loadAll('a: &x [1]\nb: *x\n')).toBeUndefined();
    // Anchors anywhere (a key, a nested node, a later document) leave the text to the `yaml` package.
    expect(YamlDocuments.loadAll('a: [1, &x 2]\nb: *x\n')).toBeUndefined();
    expect(YamlDocuments.loadAll('&k a: 1\nb: *k\n')).toBeUndefined();
    expect(YamlDocuments.loadAll('a: *x\n')).toBeUndefined();
    expect(YamlDocuments.loadAll('a: 1\n---\nb: &x {c: 1}\nd: *x\n')).toBeUndefined();
    expect(YamlDocuments.loadAll('verbs: ["*"]\nexpr: a * b\n')).toEqual([{ verbs: ['*'], expr: 'a * b' }]);
  });

  test('a star inside a scalar (wildcard hostnames) stays on the fast path', () => {
    // The text test matches these; without an anchor they cannot alias anything.
    const text = 'a: |\n  *x\n  *.s3.example.com:443/TCP\nb: "x,*.s3.example.com"\nc: [\'*.y\']\n';
    expect(fast(text)).toEqual(reference(text));
    expect(fast(text)).toEqual([{ a: '*x\n*.s3.example.com:443/TCP\n', b: 'x,*.s3.example.com', c: ['*.y'] }]);
  });

  test('returns undefined where js-yaml refuses the text (the `yaml` package words the error)', () => {
    expect(YamlDocuments.loadAll('a: [1\n')).toBeUndefined();
    expect(YamlDocuments.loadAll('a: 1\na: 2\n')).toBeUndefined();
    expect(YamlDocuments.loadAll('%YAML 1.2\n---\na: 1\n')).toEqual([{ a: 1 }]);
  });

  test('bytes cut at `---` lines read like the whole text, non-ASCII included', () => {
    const text = 'a: 1\n---\nb: "≤ 900 s"\n---\n---\nc: [x, y]\n--- \nd: 2\n';
    expect(YamlDocuments.loadAllBytes(Buffer.from(text, 'utf8'))?.filter(d => d !== null)).toEqual(reference(text));
    // A piece js-yaml refuses (a directive before a cut) sends the whole file to the `yaml` package.
    expect(YamlDocuments.loadAllBytes(Buffer.from('a: 1\n---\n%YAML 1.2\n---\nb: 2\n'))).toBeUndefined();
  });

  test('property: any JSON-like document the `yaml` package writes reads back the same with both parsers', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
      fc.constantFrom('0o17', '0x1F', '0b1', '1e3', '.inf', 'yes', 'No', '~', '2024-01-01', '*', '&a', '- x', '---', '...', '≤'));
    const value = fc.letrec(tie => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 12 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), docs => {
      const text = docs.map(d => YAML.stringify(d)).join('---\n');
      const expected = reference(text);
      const viaText = fast(text);
      const viaBytes = YamlDocuments.loadAllBytes(Buffer.from(text, 'utf8'))?.filter(d => d !== null && d !== undefined);
      // Undefined = left to the `yaml` package, which is then the answer by construction.
      if (viaText !== undefined) expect(viaText).toEqual(expected);
      if (viaBytes !== undefined) expect(viaBytes).toEqual(expected);
    }), { numRuns: 300 });
  });
});

describe('SynthOutput.readFile with the fast path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-output-yaml-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test('a broken file still fails with the `yaml` package\'s message, naming the file', () => {
    const file = write('broken.yaml', 'kind: ConfigMap\n---\nmetadata: {name: [x\n');
    let thrown: unknown;
    try {
      SynthOutput.readFile(file);
    } catch (e) {
      thrown = e;
    }
    const problems = AgentTrustErrors.problemsOf(thrown);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(file);
    expect(problems[0].message).toMatch(/^is not valid YAML \(/);
    expect(problems[0].message).toContain(YAML.parseAllDocuments('kind: ConfigMap\n---\nmetadata: {name: [x\n')
      .flatMap(d => d.errors)[0].message.split('\n')[0]);
  });

  test('aliases are read by the `yaml` package, within its alias limit', () => {
    expect(SynthOutput.readFile(write('alias.yaml', 'kind: A\nx: &a [1, 2]\ny: *a\n'))).toEqual([{ kind: 'A', x: [1, 2], y: [1, 2] }]);
    const bomb = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
      .concat(Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`))
      .join('\n');
    expect(() => SynthOutput.readFile(write('bomb.yaml', `${bomb}\n`))).toThrow(/is not valid YAML/);
  });

  test('List objects and documents of a multi-document file, in order', () => {
    const file = write('list.yaml', 'kind: ConfigMapList\nitems:\n  - {kind: ConfigMap, metadata: {name: a}}\n---\nkind: Role\nmetadata: {name: b}\n');
    expect(SynthOutput.readFile(file).map(o => o.metadata.name)).toEqual(['a', 'b']);
  });
});
