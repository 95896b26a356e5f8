import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { defaultChart } from '../../examples/default/k8s';
import { fleetChart } from '../../examples/fleet/k8s';
import { Verifier } from '../../lib/check';
import { AgentNamespace, LauncherContractFiles } from '../../lib/k8s';
import { SynthOutput } from '../../lib/launcher';
import { AgentFleet } from '../../lib/model';
import { canonical } from '../helpers/canonical';

const TYPES: Array<[string, YamlOutputType]> = [
  ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
  ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
  ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
];
const EXAMPLES: Array<[string, (app: App) => Chart]> = [['default', defaultChart], ['fleet', fleetChart]];

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/** Synthesize with the output type, then read every manifest file back (subfolders included). */
function synthAndRead(build: (app: App) => unknown, type: YamlOutputType): { objects: string[]; files: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-type-'));
  dirs.push(outdir);
  const app = new App({ outdir, yamlOutputType: type });
  build(app);
  app.synth();
  const files = SynthOutput.readDirectory(outdir);
  // Every object as canonical text, so equal objects compare equal whatever file they came from.
  return { objects: files.map(o => canonical(o)).sort(), files: countFiles(outdir) };
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
}

describe.each(EXAMPLES)('example %s: every object survives every cdk8s output type', (_name, build) => {
  const reference = synthAndRead(build, YamlOutputType.FILE_PER_CHART);

  test('FILE_PER_CHART reference holds the objects of the chart', () => {
    expect(reference.objects.length).toBeGreaterThan(40);
    // No two objects are equal (a duplicate would hide a lost one in the comparisons below).
    expect(new Set(reference.objects).size).toBe(reference.objects.length);
  });

  test.each(TYPES)('%s writes exactly the FILE_PER_CHART objects', (_type, value) => {
    const out = synthAndRead(build, value);
    expect(out.objects).toEqual(reference.objects);
    if (value === YamlOutputType.FILE_PER_RESOURCE || value === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE) {
      // One file per object: nothing overwritten.
      expect(out.files).toBe(reference.objects.length);
    }
  });
});

test('FILE_PER_RESOURCE output of the default example verifies clean; deleting one Role file is a phase-rbac-missing finding', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-type-'));
  dirs.push(outdir);
  const app = new App({ outdir: path.join(outdir, 'dist'), yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  defaultChart(app);
  app.synth();
  LauncherContractFiles.write(app);
  const tfDir = path.join(outdir, 'cdktf.out');
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'build', 'examples', 'default', 'vault.js')],
    { env: { ...process.env, CDKTF_OUTDIR: tfDir }, stdio: 'pipe' });
  expect(Verifier.verifyPaths(app.outdir, tfDir).findings).toEqual([]);
  fs.rmSync(path.join(app.outdir, 'Role.agent-phase-shadow.checkout.k8s.yaml'));
  const report = Verifier.verifyPaths(app.outdir, tfDir);
  expect(report.findings.map(f => `${f.id} ${f.object}`)).toEqual(['phase-rbac-missing Role checkout/agent-phase-shadow.checkout']);
});

describe('objects that would share a file fail synth, naming both', () => {
  class Twin extends Construct {
    public constructor(scope: Construct, id: string, namespace: string) {
      super(scope, id);
      new ApiObject(this, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace } });
    }
  }
  function app(type: YamlOutputType): App {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-type-'));
    dirs.push(outdir);
    const a = new App({ outdir, yamlOutputType: type });
    const chart = new Chart(a, 'c', { disableResourceNameHashes: true });
    // Any construct of the library registers the check on the app.
    new AgentNamespace(chart, 'Namespace', { fleet: new AgentFleet({ namespace: 'agents', targetNamespaces: ['payments'], agents: [{ name: 'a', image: 'registry.example.com/a:1' }] }) });
    new Twin(chart, 'One', 'payments');
    new Twin(chart, 'Two', 'checkout');
    return a;
  }

  test('FILE_PER_RESOURCE', () => {
    expect(() => app(YamlOutputType.FILE_PER_RESOURCE).synth()).toThrow(
      /c\/One\/Resource and c\/Two\/Resource: 2 objects would be written to the same file ConfigMap\.same\.k8s\.yaml by YamlOutputType\.FILE_PER_RESOURCE.*Fix: give them distinct names/);
  });

  test('FILE_PER_CHART and FILE_PER_APP keep both, so they pass', () => {
    expect(() => app(YamlOutputType.FILE_PER_CHART).synth()).not.toThrow();
    expect(() => app(YamlOutputType.FILE_PER_APP).synth()).not.toThrow();
  });
});
