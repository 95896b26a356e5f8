import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * What a user sees when `cdk8s synth` (or `cdktf synth`) runs an app that
 * throws this library's validation error: Node prints the uncaught error.
 * The app runs from compiled JS (`npm test` builds first), as the CLIs run it.
 */
describe('an uncaught validation error, as `node` prints it for cdk8s synth', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(ROOT, 'build', '.validation-output-'));
    fs.writeFileSync(path.join(dir, 'app.js'), `
const { App, Chart } = require('cdk8s');
const { AgentFleet, AgentKubernetesTrust } = require('../lib');
const app = new App({ outdir: ${JSON.stringify(path.join(dir, 'dist'))} });
new AgentKubernetesTrust(new Chart(app, 'c'), 'Fleet', { fleet: new AgentFleet({
  namespace: 'Agents!', targetNamespaces: ['payments'],
  agents: [{ name: 'a', image: 'registry.example.com/a:1' }, { name: 'a', image: 'x' }],
}) });
app.synth();
`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('each problem is printed once, readable, with no dump of the problems array', () => {
    const r = spawnSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(1);
    const problems = [
      'AgentFleet: namespace = "Agents!": is not an RFC 1123 DNS label.',
      'AgentFleet/agents[1]: name = "a": is declared twice.',
      'AgentFleet/agents[1]: image = "x": is not an image pinned by tag or digest',
    ];
    expect(r.stderr).toContain('AgentTrustValidationError: AgentFleet "Agents!" is invalid (3 problems):');
    for (const p of problems) {
      expect(r.stderr.split(p).length - 1).toBe(1);
    }
    // util.inspect prints an error's own enumerable properties after its stack; `problems` is not one.
    expect(r.stderr).not.toMatch(/problems: \[|hint:|path: '/);
  });
});
