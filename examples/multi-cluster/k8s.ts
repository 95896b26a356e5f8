import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AgentFleet, AgentKubernetesTrust, LauncherContractFiles } from '../../lib';
import { multiClusterFleets } from './fleet';

/** The clusters of `fleets`, in first-declared order. */
export function clusterNames(fleets: AgentFleet[]): string[] {
  return [...new Set(fleets.flatMap(f => f.clusters.map(c => c.name)))];
}

/**
 * One cdk8s App per cluster, writing to `<outdir>/<cluster>/` (manifests,
 * `contracts/` under it): each team's fleet as that cluster sees it (its
 * targets there, its API server, its own Vault auth mounts). An Argo CD
 * ApplicationSet (git directory generator on `dist/*`) or one Flux
 * Kustomization per cluster points at each directory.
 */
export function clusterApps(outdir: string, fleets: AgentFleet[] = multiClusterFleets()): App[] {
  return clusterNames(fleets).map(cluster => {
    const app = new App({ outdir: path.join(outdir, cluster) });
    for (const fleet of fleets.filter(f => f.clusters.some(c => c.name === cluster))) {
      const chart = new Chart(app, `agent-trust-${fleet.namespace}`, { disableResourceNameHashes: true });
      new AgentKubernetesTrust(chart, 'Fleet', { fleet: fleet.forCluster(cluster) });
    }
    return app;
  });
}

/** The app as `cdk8s synth` runs it: every cluster's App under CDK8S_OUTDIR, then its contract files. */
export function synth(): void {
  for (const app of clusterApps(process.env.CDK8S_OUTDIR ?? 'dist')) {
    app.synth();
    LauncherContractFiles.write(app);
  }
}

if (require.main === module) {
  synth();
}
