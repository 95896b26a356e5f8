import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { LauncherContract } from '../../lib/model/launcher-contract';

const FIXTURE = path.join(__dirname, 'fixtures', 'diagnostics-contract.json');

/** A fresh copy of the hand-written contract of agent `diagnostics` (ceiling read-only). */
export function contractFixture(): any {
  return JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
}

/** Path of the fixture file. */
export const FIXTURE_FILE = FIXTURE;

/** The contract ConfigMap as AgentJobTemplate emits it. */
export function contractConfigMap(doc: any): any {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: LauncherContract.configMapName(doc.agent),
      namespace: doc.namespace,
      labels: { [LauncherContract.CONFIGMAP_LABEL]: 'true', [LauncherContract.AGENT_LABEL]: doc.agent },
    },
    data: { [LauncherContract.CONFIGMAP_KEY]: JSON.stringify(doc) },
  };
}

/** A temporary folder with files (name → text); removed by the caller with `fs.rmSync`. */
export function tempDir(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-launcher-'));
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Multi-document YAML of objects. */
export function yamlOf(objects: any[]): string {
  return objects.map(o => YAML.stringify(o)).join('---\n');
}
