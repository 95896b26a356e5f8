import { AgentClusterApps } from '../../lib';
import { multiClusterFleets } from './fleet';

/**
 * The app as `cdk8s synth` runs it: one App per cluster under CDK8S_OUTDIR
 * (`<outdir>/<cluster>/`, contracts under each), each team's fleet as that
 * cluster sees it. An Argo CD ApplicationSet (git directory generator on
 * `dist/*`) or one Flux Kustomization per cluster points at each directory.
 */
export function synth(): void {
  new AgentClusterApps({ fleets: multiClusterFleets() }).synth();
}

if (require.main === module) {
  synth();
}
