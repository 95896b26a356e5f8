import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// `npm run synth` (scripts/synth.js, both apps in one process) must write what
// `npm run synth:cli` (the real cdk8s and cdktf CLIs) writes, byte for byte,
// including what the CLIs do around the apps: cdk8s empties its output folder,
// cdktf removes stack folders the app no longer writes.
const root = path.join(__dirname, '..', '..');

function run(script: string, out: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join('scripts', script),
    '--k8s-output', path.join(out, 'dist'), '--vault-output', path.join(out, 'cdktf.out')],
  { cwd: root, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', CDK8S_CHECK_UPGRADE: 'false' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Every file under `dir`, relative path → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const visit = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else files.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  visit(dir);
  return files;
}

/** Leftovers of an earlier synth that both paths must remove. */
function seedStale(out: string): void {
  fs.mkdirSync(path.join(out, 'dist', 'contracts'), { recursive: true });
  fs.writeFileSync(path.join(out, 'dist', 'removed-chart.k8s.yaml'), 'kind: ConfigMap\n');
  fs.mkdirSync(path.join(out, 'cdktf.out', 'stacks', 'removed-stack'), { recursive: true });
  fs.writeFileSync(path.join(out, 'cdktf.out', 'stacks', 'removed-stack', 'cdk.tf.json'), '{}');
}

describe('scripts/synth.js: both apps in one process', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-script-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('writes the same files, byte for byte, as the cdk8s and cdktf CLIs, and removes the same leftovers', () => {
    const cli = path.join(work, 'cli');
    const one = path.join(work, 'one-process');
    seedStale(cli);
    seedStale(one);
    const c = run('synth-cli.js', cli);
    expect({ status: c.status, output: c.status === 0 ? '' : c.output }).toEqual({ status: 0, output: '' });
    const o = run('synth.js', one);
    expect({ status: o.status, output: o.status === 0 ? '' : o.output }).toEqual({ status: 0, output: '' });

    const expected = tree(cli);
    const actual = tree(one);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    expect([...actual.keys()].sort()).toEqual([
      path.join('cdktf.out', 'manifest.json'),
      path.join('cdktf.out', 'stacks', 'agent-trust-vault', 'cdk.tf.json'),
      path.join('dist', 'agent-trust.k8s.yaml'),
      path.join('dist', 'contracts', 'agents.diagnostics.contract.json'),
    ]);
    for (const [file, bytes] of expected) {
      expect({ file, equal: bytes.equals(actual.get(file)!) }).toEqual({ file, equal: true });
    }
  }, 180_000);

  test('refuses an unknown option with its usage and exit 2, writing nothing', () => {
    const out = path.join(work, 'refused');
    const r = spawnSync(process.execPath, [path.join('scripts', 'synth.js'), '--output', out], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: node scripts/synth.js [--k8s-output <dir>] [--vault-output <dir>]');
    expect(r.stderr).toContain('unknown or incomplete option: --output');
    expect(fs.existsSync(out)).toBe(false);
  });
});
