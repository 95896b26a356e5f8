import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { main } from '../../bin/agent-trust';
import { defaultChart } from '../../examples/default/k8s';
import { LauncherContractFiles } from '../../lib/k8s';
import { compileCli, removeCompiled } from './compile';

/**
 * Bad input of every kind to every command: one line per problem on stderr
 * naming the file or flag, a documented exit code, never a stack trace.
 */
let compiled: string;
let work: string;
let dist: string;
let tf: string;
let contractFile: string;
let contractText: string;
let manifestText: string;

const EVIDENCE = JSON.stringify({
  agent: 'diagnostics', currentPhase: 'read-only', investigations: 60, successRate: 0.93, policyViolations: 0,
  daysInPhase: 15, approvals: [{ approver: 'alice' }],
});

beforeAll(() => {
  compiled = compileCli();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-bad-input-'));
  dist = path.join(work, 'dist');
  const app = new App({ outdir: dist });
  defaultChart(app);
  app.synth();
  LauncherContractFiles.write(app);
  contractFile = path.join(dist, 'contracts', 'agents.diagnostics.contract.json');
  contractText = fs.readFileSync(contractFile, 'utf8');
  manifestText = fs.readFileSync(path.join(dist, 'agent-trust.k8s.yaml'), 'utf8');
  // The smallest Terraform output verify accepts: an object (findings are fine here).
  tf = path.join(work, 'cdk.tf.json');
  fs.writeFileSync(tf, '{}');
});

afterAll(() => {
  removeCompiled(compiled);
  fs.rmSync(work, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

/** The compiled CLI, spawned with node as a user runs it. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [path.join(compiled, 'bin', 'agent-trust.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI in-process (for property runs): exit code and stderr lines. */
function inProcess(args: string[]): { code: number; err: string[]; out: string } {
  const err: string[] = [];
  let out = '';
  const code = main(args, { out: t => { out += t; }, err: t => err.push(t) });
  return { code, err, out };
}

let n = 0;
function file(name: string, content: string | Uint8Array): string {
  const f = path.join(work, `${n++}-${name}`);
  fs.writeFileSync(f, content);
  return f;
}

const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$|^\w*Error: /m;

/** One documented line per problem: prefixed by the command, no stack, no "undefined". */
function expectClean(command: string, stderr: string | string[]): void {
  const lines = Array.isArray(stderr) ? stderr : stderr.split('\n').filter(l => l !== '');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).not.toContain('\n');
    expect(line).not.toMatch(STACK);
    expect(line).not.toMatch(/unexpected error/);
    expect(line.startsWith(`agent-trust ${command}: `) || line.startsWith('warning: ')).toBe(true);
  }
}

describe('every command on bad files: one line naming the file, exit 3', () => {
  const cases: Array<{ name: string; make: () => string; message: RegExp }> = [
    { name: 'a missing file', make: () => path.join(work, 'nope.json'), message: /cannot be read \(ENOENT\)/ },
    { name: 'an empty JSON file', make: () => file('empty.json', ''), message: /is empty/ },
    { name: 'a truncated contract', make: () => file('c.json', contractText.slice(0, 300)), message: /is not valid JSON/ },
    { name: 'invalid YAML', make: () => file('m.yaml', 'kind: [unclosed\n'), message: /is not valid YAML/ },
    { name: 'binary bytes', make: () => file('b.json', new Uint8Array([0xff, 0xfe, 0x00, 0x7b])), message: /is not valid JSON/ },
  ];

  test.each(cases)('render: $name', ({ make, message }) => {
    const f = make();
    const r = cli('render', '--contract', f, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'shadow');
    expect(r.code).toBe(3);
    expectClean('render', r.stderr);
    expect(r.stderr).toContain(f);
    expect(r.stderr).toMatch(message);
  });

  test.each(cases)('report: $name', ({ make, message }) => {
    const f = make();
    const r = cli('report', '--contract', f);
    expect(r.code).toBe(3);
    expectClean('report', r.stderr);
    expect(r.stderr).toContain(f);
    expect(r.stderr).toMatch(message);
  });

  test.each(cases)('verify (as the Kubernetes output and as the Terraform output): $name', ({ make, message }) => {
    const f = make();
    for (const [args, expected] of [[[f, tf], message], [[dist, f], /cannot be read/]] as Array<[string[], RegExp]>) {
      const r = cli('verify', ...args);
      expect(r.code).toBe(3);
      expectClean('verify', r.stderr);
      expect(r.stderr).toContain(f);
      expect(r.stderr).toMatch(expected);
    }
  });

  test.each(cases)('promote-check (evidence and contract): $name', ({ make, message }) => {
    const f = make();
    const evidence = file('evidence.json', EVIDENCE);
    for (const args of [['--evidence', f], ['--evidence', evidence, '--contract', f]]) {
      const r = cli('promote-check', ...args, '--agent', 'diagnostics', '--to', 'limited-write');
      expect(r.code).toBe(3);
      expectClean('promote-check', r.stderr);
      expect(r.stderr).toContain(f);
      expect(r.stderr).toMatch(message);
    }
  });

  test('a folder where a file is expected, a file where a folder is expected', () => {
    const r = cli('promote-check', '--evidence', dist, '--agent', 'diagnostics', '--to', 'limited-write');
    expect(r.code).toBe(3);
    expectClean('promote-check', r.stderr);
    expect(r.stderr).toContain(`${dist}: file = ${JSON.stringify(dist)}: is a directory`);
    const v = cli('verify', dist, path.join(work, 'nothing-here'));
    expect(v.code).toBe(3);
    expectClean('verify', v.stderr);
  });

  test('wrong types: a JSON string, null, an array where an object is expected', () => {
    for (const text of ['"x"', 'null', '[1, 2]', '42']) {
      const f = file('t.json', text);
      const render = cli('render', '--contract', f, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'shadow');
      expect(render.code).toBe(3);
      expectClean('render', render.stderr);
      const verify = cli('verify', dist, f);
      expect(verify.code).toBe(3);
      expectClean('verify', verify.stderr);
      expect(verify.stderr).toContain(f);
      const evidence = cli('promote-check', '--evidence', f, '--agent', 'diagnostics', '--to', 'limited-write');
      expect(evidence.code).toBe(3);
      expectClean('promote-check', evidence.stderr);
    }
  });

  test('a tampered contract file: render refuses it (exit 3) naming file and field', () => {
    const doc = JSON.parse(contractText);
    doc.jobTemplate.spec.template.spec.containers[0].image = 'evil.io/x:1';
    doc.jobTemplate.spec.backoffLimit = 5;
    const f = file('agents.diagnostics.contract.json', JSON.stringify(doc));
    const r = cli('render', '--contract', f, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'shadow');
    expect(r.code).toBe(3);
    expectClean('render', r.stderr);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(l => l)).toEqual([
      expect.stringMatching(new RegExp(`^agent-trust render: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*jobTemplate\\.spec\\.backoffLimit = 5: must be 0`)),
      expect.stringMatching(/jobTemplate\.spec\.template\.spec\.containers\[0\]\.image = "evil\.io\/x:1": is not from an allowed registry/),
    ]);
  });
});

test('report keeps a hand-edited RBAC verb it cannot parse, verbatim (found by the property test below, seed 11)', () => {
  const dir = fs.mkdtempSync(path.join(work, 'd-'));
  const objects = YAML.parseAllDocuments(manifestText).map(d => d.toJS());
  const role = objects.find(o => o.kind === 'Role' && o.metadata.name === 'agent-phase-read-only.payments');
  role.rules[0].verbs = ['list\u0000 - watch'];
  fs.writeFileSync(path.join(dir, 'm.yaml'), objects.map(o => YAML.stringify(o)).join('---\n'));
  const r = inProcess(['report', '--contract', dir]);
  expect([0, 1]).toContain(r.code);
  expect(r.err.join('\n')).not.toMatch(/unexpected error/);
  expect(r.out).toContain('(unparsed)');
  expect(r.out).toContain('list\\u0000 - watch');
});

describe('every command on bad flags: one line naming the flag, exit 2', () => {
  const RUNS: Array<[string, string[], RegExp]> = [
    ['render', ['--contract'], /--contract/],
    ['render', ['--bogus'], /--bogus/],
    ['render', ['--contract', 'dist', '--agent', 'a', '--id', 'x', '--phase', 'shadow', '--output', 'xml'], /--output "xml"/],
    ['render', ['--agent', 'a'], /missing required flag --contract/],
    ['report', ['--contract'], /--contract/],
    ['report', ['--contract', 'dist', 'extra'], /extra/],
    ['verify', [], /expected 2 arguments/],
    ['verify', ['dist', 'cdktf.out', '--margin'], /--margin/],
    ['verify', ['dist', 'cdktf.out', '--margin', '1.5'], /--margin "1.5"/],
    ['verify', ['dist', 'cdktf.out', '--allow-denied', 'everything'], /--allow-denied "everything"/],
    ['verify', ['dist', 'cdktf.out', '--format'], /--format/],
    ['promote-check', ['--evidence'], /--evidence/],
    ['promote-check', ['--evidence', 'e.json', '--agent', 'a', '--to', 'x', '--format', 'yaml'], /--format "yaml"/],
  ];
  test.each(RUNS)('%s %j', (command, args, message) => {
    const r = cli(command, ...args);
    expect(r.code).toBe(2);
    expectClean(command, r.stderr);
    expect(r.stderr).toMatch(message);
  });
});

describe('property: random bytes and truncations never crash a command', () => {
  // A real file, cut, with bytes replaced or inserted, or plain random bytes.
  const corrupt = (text: string): fc.Arbitrary<Uint8Array> => {
    const bytes = Buffer.from(text, 'utf8');
    return fc.oneof(
      fc.nat({ max: bytes.length }).map(cut => new Uint8Array(bytes.subarray(0, cut))),
      fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
        .map(edits => {
          const copy = Buffer.from(bytes);
          edits.forEach(([i, b]) => { copy[i] = b; });
          return new Uint8Array(copy);
        }),
      fc.tuple(fc.nat({ max: bytes.length }), fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\n', '- ', '*a', '&a ', '!!binary ', '\t', '\u0000'))
        .map(([i, s]) => new Uint8Array(Buffer.concat([bytes.subarray(0, i), Buffer.from(s), bytes.subarray(i)]))),
      fc.uint8Array({ maxLength: 200 }),
    );
  };
  const DOCUMENTED = [0, 1, 2, 3];

  test('render on a corrupted contract file', () => {
    fc.assert(fc.property(corrupt(contractText), fc.constantFrom('.json', '.yaml'), (bytes, ext) => {
      const f = file(`c${ext}`, bytes);
      const r = inProcess(['render', '--contract', f, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'shadow']);
      expect([0, 1, 3]).toContain(r.code);
      if (r.code !== 0) {
        expectClean('render', r.err);
      }
    }), { numRuns: 100 });
  });

  test('verify and report on a corrupted manifest file', () => {
    fc.assert(fc.property(corrupt(manifestText), (bytes) => {
      const dir = fs.mkdtempSync(path.join(work, 'd-'));
      fs.writeFileSync(path.join(dir, 'agent-trust.k8s.yaml'), bytes);
      const v = inProcess(['verify', dir, tf]);
      expect(DOCUMENTED).toContain(v.code);
      if (v.code === 3) {
        expectClean('verify', v.err);
      } else {
        expect(v.err).toEqual([]);
      }
      const r = inProcess(['report', '--contract', dir]);
      expect([0, 1, 3]).toContain(r.code);
      if (r.code !== 0) {
        expectClean('report', r.err);
      }
    }), { numRuns: 30 });
  });

  test('verify on a corrupted contract file beside intact manifests', () => {
    fc.assert(fc.property(corrupt(contractText), (bytes) => {
      const dir = fs.mkdtempSync(path.join(work, 'd-'));
      fs.writeFileSync(path.join(dir, 'agent-trust.k8s.yaml'), manifestText);
      fs.mkdirSync(path.join(dir, 'contracts'));
      fs.writeFileSync(path.join(dir, 'contracts', 'agents.diagnostics.contract.json'), bytes);
      const v = inProcess(['verify', dir, tf, '--format', 'json']);
      // Findings (exit 1) are how verify reports a corrupted contract file; never a crash.
      expect([0, 1]).toContain(v.code);
      expect(v.err).toEqual([]);
    }), { numRuns: 30 });
  });

  test('promote-check on corrupted evidence', () => {
    fc.assert(fc.property(corrupt(EVIDENCE), (bytes) => {
      const f = file('evidence.json', bytes);
      const r = inProcess(['promote-check', '--evidence', f, '--agent', 'diagnostics', '--to', 'limited-write']);
      expect([0, 1, 2, 3]).toContain(r.code);
      if (r.code >= 2) {
        expectClean('promote-check', r.err);
      }
    }), { numRuns: 100 });
  });

  test('the same through the real process: no stack trace on stderr', () => {
    const samples = fc.sample(corrupt(contractText), { numRuns: 6, seed: 7 });
    for (const bytes of samples) {
      const f = file('c.json', bytes);
      const r = cli('render', '--contract', f, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'shadow');
      expect([0, 1, 3]).toContain(r.code);
      if (r.code !== 0) {
        expectClean('render', r.stderr);
      }
    }
  });
});

test('the YAML of the synthesized manifests is what the property tests corrupt', () => {
  expect(YAML.parseAllDocuments(manifestText).length).toBeGreaterThan(40);
});
