/**
 * Synthesized output of a generated fleet, as files, for timing
 * `agent-trust verify`: the default example's composition
 * (examples/default/k8s.ts with every admission guard, the egress proxy's
 * allowlist, alerts and dashboard, the contract files, examples/default/vault.ts's
 * stack) over the default fleet scaled to `fleetParams(targets, agents)`.
 * `node build/bench/verify-fleet.js <dir> <targets> <agents>` writes
 * `<dir>/dist` and `<dir>/cdktf.out`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { App as TfApp } from 'cdktf';
import { defaultChart } from '../examples/default/k8s';
import { LauncherContractFiles } from '../lib/k8s';
import { FleetParams, fleetParams } from './fleet-params';
import { defaultShapeFleet, vaultStack } from './library';

export interface FleetOutput {
  /** The Kubernetes output; with declared clusters the directory holding one directory per cluster. */
  readonly k8sDir: string;
  /** Each declared cluster's name and output directory (`<k8sDir>/<cluster>`); empty without. */
  readonly clusterDirs: Array<{ name: string; kubernetesPath: string }>;
  readonly tfDir: string;
  /** Bytes of YAML and JSON written. */
  readonly bytes: number;
}

export function writeFleetOutput(p: FleetParams, dir: string): FleetOutput {
  const k8sDir = path.join(dir, 'dist');
  const tfDir = path.join(dir, 'cdktf.out');
  fs.rmSync(dir, { recursive: true, force: true });
  const fleet = defaultShapeFleet(p);
  // One App per cluster writing to <k8sDir>/<cluster>, as examples/multi-cluster/k8s.ts does.
  const clusterDirs = fleet.clusterFleets.filter(view => view.cluster)
    .map(view => ({ name: view.cluster!.name, kubernetesPath: path.join(k8sDir, view.cluster!.name) }));
  for (const view of fleet.clusterFleets) {
    const app = new App({ outdir: view.cluster ? path.join(k8sDir, view.cluster.name) : k8sDir });
    defaultChart(app, view);
    app.synth();
    LauncherContractFiles.write(app);
  }
  const tf = new TfApp({ outdir: (fs.mkdirSync(tfDir, { recursive: true }), tfDir) });
  vaultStack(tf, fleet);
  tf.synth();
  let bytes = 0;
  const visit = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) visit(path.join(d, e.name));
      else bytes += fs.statSync(path.join(d, e.name)).size;
    }
  };
  visit(dir);
  return { k8sDir, clusterDirs, tfDir, bytes };
}

if (require.main === module) {
  const [dir, targets, agents] = process.argv.slice(2);
  const out = writeFleetOutput(fleetParams(Number(targets ?? 1000), Number(agents ?? 100)), dir ?? 'verify-fleet');
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
