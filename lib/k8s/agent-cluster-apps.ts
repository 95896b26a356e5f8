import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AgentFleet } from '../model';
import { AgentKubernetesTrust } from './agent-kubernetes-trust';
import { LauncherContractFiles } from './launcher-contract-files';
import { ProblemCollector } from '../model/private/problem-collector';

/**
 * Adds one fleet's Kubernetes objects to its chart in one cluster's app
 * (`AgentClusterAppsProps.composer`).
 */
export interface IClusterChartComposer {
  /**
   * Add the objects of `fleet` to `chart`. `fleet` is the fleet as this
   * cluster sees it (`AgentFleet.forCluster`: that cluster's target
   * namespaces, API egress and Vault auth mounts; `fleet.cluster` names
   * it), or the fleet itself when no fleet declares a cluster.
   */
  compose(chart: Chart, fleet: AgentFleet): void;
}

/** Props of `AgentClusterApps`. */
export interface AgentClusterAppsProps {
  /** The fleets (one per team) rendered into every cluster they declare. */
  readonly fleets: AgentFleet[];
  /**
   * Folder the apps write to: `<outdir>/<cluster>/` per declared cluster,
   * or `<outdir>/` itself when no fleet declares a cluster.
   * @default - `CDK8S_OUTDIR` (as `cdk8s synth` sets it), else "dist"
   */
  readonly outdir?: string;
  /**
   * What each fleet's chart holds in each cluster.
   * @default - one `AgentKubernetesTrust` (id `Fleet`) with its defaults
   */
  readonly composer?: IClusterChartComposer;
}

/** The default composer: one `AgentKubernetesTrust` per fleet and cluster. */
class KubernetesTrustComposer implements IClusterChartComposer {
  public compose(chart: Chart, fleet: AgentFleet): void {
    new AgentKubernetesTrust(chart, 'Fleet', { fleet });
  }
}

/**
 * The Kubernetes half of one or more fleets, one cdk8s `App` per cluster:
 * each cluster's app writes to `<outdir>/<cluster>/` (manifests, and
 * `contracts/` under it), holding one chart `agent-trust-<fleet namespace>`
 * for every fleet that declares the cluster, rendered from the fleet as
 * that cluster sees it. An Argo CD ApplicationSet (git directory generator
 * on `<outdir>/*`) or one Flux Kustomization per cluster points at each
 * folder.
 *
 * When no fleet declares a cluster there is one implicit cluster: one app
 * writing to `<outdir>/` itself, the shape of a single-cluster app.
 *
 * Invalid input throws, listing every problem: no fleet, a fleet given
 * twice or as a per-cluster view, fleets with and without clusters mixed,
 * two fleets of one namespace in one cluster, and the conflicts between
 * fleets that the Vault stack reports too (one Vault prefix; a target
 * namespace two fleets claim in one cluster).
 */
export class AgentClusterApps {
  /** The folder the apps write to. */
  public readonly outdir: string;
  /** The declared clusters, in first-declared order; empty when no fleet declares one (one implicit cluster). */
  public readonly clusterNames: string[];
  /** One app per entry of `clusterNames`, in that order; or the one app of the implicit cluster. */
  public readonly apps: App[];

  public constructor(props: AgentClusterAppsProps) {
    const fleets = props.fleets ?? [];
    AgentClusterApps.validate(fleets);
    this.outdir = props.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist';
    const composer = props.composer ?? new KubernetesTrustComposer();
    this.clusterNames = [...new Set(fleets.flatMap(f => f.clusters.map(c => c.name)))];
    const appOf = (outdir: string, views: AgentFleet[]): App => {
      const app = new App({ outdir });
      for (const view of views) {
        composer.compose(new Chart(app, `agent-trust-${view.namespace}`, { disableResourceNameHashes: true }), view);
      }
      return app;
    };
    this.apps = this.clusterNames.length === 0
      ? [appOf(this.outdir, fleets)]
      : this.clusterNames.map(cluster => appOf(path.join(this.outdir, cluster),
        fleets.filter(f => f.clusters.some(c => c.name === cluster)).map(f => f.forCluster(cluster))));
  }

  /** The app of a declared cluster; throws, listing the clusters, for any other name. */
  public appOf(cluster: string): App {
    const i = this.clusterNames.indexOf(cluster);
    if (i < 0) {
      throw new Error(`AgentClusterApps: cluster ${JSON.stringify(cluster)} is not declared by any fleet; declared: `
        + `${this.clusterNames.join(', ') || '(none: one implicit cluster, apps[0])'}`);
    }
    return this.apps[i];
  }

  /**
   * Synthesize every app, then write its launcher contract files
   * (`LauncherContractFiles.write`) under its folder.
   */
  public synth(): void {
    for (const app of this.apps) {
      app.synth();
      LauncherContractFiles.write(app);
    }
  }

  private static validate(fleets: AgentFleet[]): void {
    const problems = new ProblemCollector();
    const at = (i: number): string => `AgentClusterApps/fleets[${i}]`;
    if (fleets.length === 0) {
      problems.add('AgentClusterApps', 'fleets', [], 'lists no fleet', 'pass the AgentFleet of every team that runs in these clusters');
    }
    const valid: AgentFleet[] = [];
    const paths: string[] = [];
    fleets.forEach((fleet, i) => {
      if (!(fleet instanceof AgentFleet)) {
        problems.add(at(i), '', fleet, 'is not an AgentFleet', 'declare it with new AgentFleet({ ... })');
        return;
      }
      if (fleet.cluster) {
        problems.add(at(i), 'cluster', fleet.cluster.name,
          `is a per-cluster view of the fleet in namespace "${fleet.namespace}": it would be rendered as a fleet with no cluster`,
          'pass the declared fleet; AgentClusterApps renders each of its clusters');
        return;
      }
      if (valid.includes(fleet)) {
        problems.add(at(i), '', `AgentFleet "${fleet.namespace}"`, `is also fleets[${fleets.indexOf(fleet)}]: each cluster would render it twice`,
          'pass each fleet once');
        return;
      }
      valid.push(fleet);
      paths.push(at(i));
    });
    const declaring = valid.filter(f => f.clusters.length > 0);
    valid.forEach((fleet, k) => {
      if (declaring.length > 0 && fleet.clusters.length === 0) {
        problems.add(paths[k], 'clusters', [],
          `declares no cluster, while the fleet in namespace "${declaring[0].namespace}" declares ${declaring[0].clusters.map(c => `"${c.name}"`).join(', ')}: `
          + 'there is no cluster folder to write it to',
          'declare the clusters this fleet runs in (clusters: [new AgentCluster({ name, ... })]), or give it its own AgentClusterApps and outdir');
      }
      const other = valid.slice(0, k).find(f => f.namespace === fleet.namespace && AgentClusterApps.shareCluster(f, fleet));
      if (other) {
        problems.add(paths[k], 'namespace', fleet.namespace,
          `is also the namespace of fleets[${fleets.indexOf(other)}] in a cluster both run in: their objects (and charts agent-trust-${fleet.namespace}) would collide`,
          'give each fleet of a cluster its own namespace');
      }
    });
    // The conflicts the Vault stack reports too (its AgentVaultAuth), so the Kubernetes half alone is never wrong silently.
    AgentFleet._checkTogether(problems, 'AgentClusterApps', valid);
    // Fleets without clusters share the one implicit cluster; _checkTogether compares declared clusters only.
    const implicit = valid.filter(f => f.clusters.length === 0);
    AgentFleet._checkOneCluster(problems, implicit.map(f => paths[valid.indexOf(f)]), implicit);
    problems.throwIfAny('AgentClusterApps');
  }

  /** Whether two fleets render into one cluster (both implicit, or a cluster both declare). */
  private static shareCluster(a: AgentFleet, b: AgentFleet): boolean {
    if (a.clusters.length === 0 || b.clusters.length === 0) {
      return a.clusters.length === b.clusters.length;
    }
    return a.clusters.some(c => b.clusters.some(d => d.name === c.name));
  }
}
