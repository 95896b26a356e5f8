import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Verifier } from '../../lib/check';
import { SynthOutput } from '../../lib/launcher';
import { LauncherContract } from '../../lib/model';
import { HelmText } from '../../lib/model/private/helm-text';
import { canonical } from '../helpers/canonical';

const ROOT = path.join(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true' };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-chart-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** `cdk8s synth --format helm` with the real CLI, the app compiled by `npm test`'s build. */
function helmSynth(example: string): string {
  const out = path.join(work, `${example}-chart`);
  execFileSync(CDK8S, ['synth', '--check-upgrade', 'false', '--app', `node ${path.join(ROOT, 'build', 'examples', example, 'k8s.js')}`,
    '--format', 'helm', '--chart-version', '0.1.0', '--output', out], { cwd: ROOT, env: ENV, stdio: 'pipe' });
  return out;
}

/** The example's plain synth (as `cdk8s synth` writes dist/) and its Terraform output. */
function plainSynth(example: string): { k8sDir: string; tfDir: string } {
  const k8sDir = path.join(work, `${example}-dist`);
  const tfDir = path.join(work, `${example}-cdktf.out`);
  const env = { ...ENV, CDK8S_OUTDIR: k8sDir, CDKTF_OUTDIR: tfDir };
  for (const entry of ['k8s.js', 'vault.js']) {
    execFileSync(process.execPath, [path.join(ROOT, 'build', 'examples', example, entry)], { cwd: ROOT, env, stdio: 'pipe' });
  }
  return { k8sDir, tfDir };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => e.isDirectory() ? filesUnder(path.join(dir, e.name)).map(f => path.join(e.name, f)) : [e.name]).sort();
}

// The fleet example has the PrometheusRule (`{{ $labels.… }}` in its annotations); the default one has none.
describe.each(['default', 'fleet'])('cdk8s synth --format helm, example %s', (example) => {
  let chart: string;
  let plain: { k8sDir: string; tfDir: string };
  beforeAll(() => {
    chart = helmSynth(example);
    plain = plainSynth(example);
  });

  test('Chart.yaml is a valid v2 chart; templates/ holds only YAML manifests; contracts sit beside, outside templates/', () => {
    const meta = YAML.parse(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8'));
    expect(meta).toMatchObject({ apiVersion: 'v2', version: '0.1.0', type: 'application' });
    expect(meta.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    const templates = filesUnder(path.join(chart, 'templates'));
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.filter(f => !f.endsWith('.k8s.yaml'))).toEqual([]);
    expect(filesUnder(chart).filter(f => f.startsWith('contracts/')).length).toBeGreaterThan(0);
    for (const f of templates) {
      for (const doc of SynthOutput.parse(HelmText.unescape(fs.readFileSync(path.join(chart, 'templates', f), 'utf8')), 'yaml', f)) {
        expect(typeof doc.apiVersion).toBe('string');
        expect(typeof doc.kind).toBe('string');
        expect(typeof doc.metadata?.name).toBe('string');
      }
    }
  });

  test('no template holds a "{{" Helm would execute: every one is the escape {{`{{`}}', () => {
    let escapes = 0;
    for (const f of filesUnder(path.join(chart, 'templates'))) {
      const text = fs.readFileSync(path.join(chart, 'templates', f), 'utf8');
      expect(HelmText.hasUnescaped(text)).toBe(false);
      escapes += text.split(HelmText.ESCAPED_OPEN).length - 1;
    }
    if (example === 'fleet') {
      expect(escapes).toBeGreaterThan(0);
    }
  });

  test('rendered as Helm renders it, the chart holds exactly the objects of the plain synth', () => {
    const canon = (objs: any[]): string[] => objs.map(canonical).sort();
    const rendered = filesUnder(path.join(chart, 'templates'))
      .flatMap(f => SynthOutput.parse(HelmText.unescape(fs.readFileSync(path.join(chart, 'templates', f), 'utf8')), 'yaml', f));
    expect(canon(rendered)).toEqual(canon(SynthOutput.readDirectory(plain.k8sDir)));
    // The contract files equal the ConfigMaps Helm installs.
    const configMaps = rendered.filter(o => o.kind === 'ConfigMap' && o.metadata.labels?.[LauncherContract.CONFIGMAP_LABEL] === 'true');
    const files = filesUnder(path.join(chart, 'contracts')).map(f => JSON.parse(fs.readFileSync(path.join(chart, 'contracts', f), 'utf8')));
    expect(files.length).toBe(configMaps.length);
    for (const cm of configMaps) {
      expect(files).toContainEqual(JSON.parse(cm.data[LauncherContract.CONFIGMAP_KEY]));
    }
  });

  test('agent-trust verify reads the chart\'s templates/ (and the contracts beside it), or the chart root, without findings', () => {
    const report = Verifier.verifyPaths(path.join(chart, 'templates'), plain.tfDir);
    expect(report.findings).toEqual([]);
    expect(report.agents.length).toBeGreaterThan(0);
    // The chart's root reads the same: its templates (not Chart.yaml) and contracts/.
    expect(Verifier.verifyPaths(chart, plain.tfDir)).toEqual(report);
  });
});

describe('HelmText', () => {
  test('escape is idempotent and unescape inverts it', () => {
    for (const s of ['{{ $labels.x }}', '{{{', 'a {{`{{`}} b {{', '}} {', '']) {
      const once = HelmText.escape(s);
      expect(HelmText.escape(once)).toBe(once);
      expect(HelmText.hasUnescaped(once)).toBe(false);
      expect(HelmText.unescape(once)).toBe(s.split(HelmText.ESCAPED_OPEN).join('{{'));
    }
  });
});
