import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  AgentCluster, AgentClusterApps, AgentFleet, AgentFleetProps, AgentKubernetesTrust, IClusterChartComposer, LauncherContractFiles, VaultNaming,
} from '../../lib';
import { DIAGNOSTICS_AGENT, baseFleet } from '../helpers/fleets';
import { validateManifest } from '../helpers/k8s-schema';
import { errorOf, validationErrorOf } from '../helpers/problems';

const pem = (name: string): string => `-----BEGIN CERTIFICATE-----\nMIIB${name}CA\n-----END CERTIFICATE-----\n`;
const cluster = (name: string, targetNamespaces?: string[]): AgentCluster => new AgentCluster({
  name, apiServerUrl: `https://${name}.k8s.example.com:6443`, caCertificate: pem(name), issuerUrl: `https://oidc.${name}.example.com`, targetNamespaces,
});

/** A team's fleet with fleet-scoped Vault names, in the clusters given (none: the implicit cluster). */
function team(namespace: string, targets: string[], clusters: AgentCluster[], extra: Partial<AgentFleetProps> = {}): AgentFleet {
  return new AgentFleet({
    namespace, targetNamespaces: targets, agents: [DIAGNOSTICS_AGENT], vaultNaming: VaultNaming.fleetScoped(), clusters, ...extra,
  });
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-apps-'));
const manifestsIn = (dir: string): any[] => fs.readdirSync(dir).filter(f => f.endsWith('.yaml'))
  .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJSON())).filter(m => m);
/** Every file under `dir`, relative, sorted. */
const filesUnder = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter(e => e.isFile()).map(e => path.relative(dir, path.join(e.parentPath, e.name))).sort();

describe('AgentClusterApps: one output folder per cluster', () => {
  const out = tmp();
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  // Payments runs in eu-1 and us-1 (only "payments" in us-1); search in us-1 alone.
  const payments = team('payments-agents', ['payments', 'ledger'], [cluster('eu-1'), cluster('us-1', ['payments'])]);
  const search = team('search-agents', ['search'], [cluster('us-1')]);
  const apps = new AgentClusterApps({ fleets: [payments, search], outdir: out });
  apps.synth();

  test('clusters in first-declared order, one app each, writing to <outdir>/<cluster>', () => {
    expect(apps.clusterNames).toEqual(['eu-1', 'us-1']);
    expect(apps.apps.map(a => a.outdir)).toEqual([path.join(out, 'eu-1'), path.join(out, 'us-1')]);
    expect(apps.appOf('us-1')).toBe(apps.apps[1]);
    expect(apps.outdir).toBe(out);
    expect(errorOf(() => apps.appOf('ap-1'))).toBe('AgentClusterApps: cluster "ap-1" is not declared by any fleet; declared: eu-1, us-1');
  });

  test('each cluster folder holds a chart per fleet running there and its contracts, nothing else', () => {
    expect(fs.readdirSync(out).sort()).toEqual(['eu-1', 'us-1']);
    expect(filesUnder(path.join(out, 'eu-1'))).toEqual([
      'agent-trust-payments-agents.k8s.yaml', 'contracts/payments-agents.diagnostics.contract.json']);
    expect(filesUnder(path.join(out, 'us-1'))).toEqual([
      'agent-trust-payments-agents.k8s.yaml', 'agent-trust-search-agents.k8s.yaml',
      'contracts/payments-agents.diagnostics.contract.json', 'contracts/search-agents.diagnostics.contract.json']);
  });

  test('each fleet is rendered as that cluster sees it: its targets there and its own Vault auth mount', () => {
    const roleBindingNamespaces = (c: string): string[] => [...new Set(manifestsIn(path.join(out, c))
      .filter(m => m.kind === 'RoleBinding' && m.metadata.name.startsWith('agent-phase')).map(m => m.metadata.namespace))].sort();
    expect(roleBindingNamespaces('eu-1')).toEqual(['ledger', 'payments']);
    expect(roleBindingNamespaces('us-1')).toEqual(['payments', 'search']);
    const mountOf = (c: string, ns: string): string[] => [...new Set((JSON.parse(fs.readFileSync(
      path.join(out, c, 'contracts', LauncherContractFiles.fileName(ns, 'diagnostics')), 'utf8')).phases as any[]).map(p => p.vaultAuthMount))];
    expect(mountOf('eu-1', 'payments-agents')).toEqual(['kubernetes-payments-agents-eu-1']);
    expect(mountOf('us-1', 'payments-agents')).toEqual(['kubernetes-payments-agents-us-1']);
    expect(mountOf('us-1', 'search-agents')).toEqual(['kubernetes-search-agents-us-1']);
  });

  test('the output of each cluster is what a hand-written App of its views writes, and validates against its schema', () => {
    const hand = tmp();
    try {
      const app = new App({ outdir: hand });
      for (const fleet of [payments, search]) {
        new AgentKubernetesTrust(new Chart(app, `agent-trust-${fleet.namespace}`, { disableResourceNameHashes: true }), 'Fleet',
          { fleet: fleet.forCluster('us-1') });
      }
      app.synth();
      LauncherContractFiles.write(app);
      for (const f of filesUnder(hand)) {
        expect(fs.readFileSync(path.join(out, 'us-1', f), 'utf8')).toBe(fs.readFileSync(path.join(hand, f), 'utf8'));
      }
      expect(filesUnder(hand)).toEqual(filesUnder(path.join(out, 'us-1')));
    } finally {
      fs.rmSync(hand, { recursive: true, force: true });
    }
    for (const c of apps.clusterNames) {
      for (const m of manifestsIn(path.join(out, c))) {
        expect(() => validateManifest(m)).not.toThrow();
      }
    }
  });
});

describe('AgentClusterApps: no cluster declared is one implicit cluster', () => {
  test('one app writing to outdir itself, the shape of a single-cluster app', () => {
    const out = tmp();
    try {
      const fleet = baseFleet();
      const apps = new AgentClusterApps({ fleets: [fleet], outdir: out });
      expect(apps.clusterNames).toEqual([]);
      expect(apps.apps.map(a => a.outdir)).toEqual([out]);
      expect(errorOf(() => apps.appOf('eu-1')))
        .toBe('AgentClusterApps: cluster "eu-1" is not declared by any fleet; declared: (none: one implicit cluster, apps[0])');
      apps.synth();
      expect(filesUnder(out)).toEqual(['agent-trust-agents.k8s.yaml', 'contracts/agents.diagnostics.contract.json']);
      const app = Testing.app();
      new AgentKubernetesTrust(new Chart(app, 'agent-trust-agents', { disableResourceNameHashes: true }), 'Fleet', { fleet });
      expect(fs.readFileSync(path.join(out, 'agent-trust-agents.k8s.yaml'), 'utf8'))
        .toBe(app.synthYaml());
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('several fleets without clusters share the one app, a chart each', () => {
    const apps = new AgentClusterApps({ fleets: [baseFleet(), baseFleet({ namespace: 'other-agents', targetNamespaces: ['search'] })], outdir: 'unused' });
    expect(apps.apps).toHaveLength(1);
    expect(apps.apps[0].charts.map(c => c.node.id)).toEqual(['agent-trust-agents', 'agent-trust-other-agents']);
  });

  test('outdir defaults to CDK8S_OUTDIR, as cdk8s synth sets it, else "dist"', () => {
    const saved = process.env.CDK8S_OUTDIR;
    try {
      process.env.CDK8S_OUTDIR = 'from-cli';
      expect(new AgentClusterApps({ fleets: [baseFleet()] }).apps[0].outdir).toBe('from-cli');
      delete process.env.CDK8S_OUTDIR;
      const apps = new AgentClusterApps({ fleets: [team('a', ['payments'], [cluster('eu-1')])] });
      expect(apps.outdir).toBe('dist');
      expect(apps.appOf('eu-1').outdir).toBe(path.join('dist', 'eu-1'));
    } finally {
      if (saved === undefined) {
        delete process.env.CDK8S_OUTDIR;
      } else {
        process.env.CDK8S_OUTDIR = saved;
      }
    }
  });
});

describe('AgentClusterApps composer', () => {
  test('composes every (cluster, fleet) chart with the per-cluster view; the default AgentKubernetesTrust is not added', () => {
    const calls: string[] = [];
    const composer: IClusterChartComposer = {
      compose(chart: Chart, fleet: AgentFleet): void {
        calls.push(`${chart.node.id}@${fleet.cluster?.name}: ${fleet.targetNamespaces.join(',')}`);
        new AgentKubernetesTrust(chart, 'Trust', { fleet, alerts: true });
      },
    };
    const apps = new AgentClusterApps({
      fleets: [team('a', ['payments', 'ledger'], [cluster('eu-1'), cluster('us-1', ['ledger'])]), team('b', ['search'], [cluster('us-1')])],
      outdir: 'unused', composer,
    });
    expect(calls).toEqual(['agent-trust-a@eu-1: payments,ledger', 'agent-trust-a@us-1: ledger', 'agent-trust-b@us-1: search']);
    const kinds = apps.appOf('us-1').charts.flatMap(c => c.toJson().map((m: any) => `${c.node.id}/${m.kind}`));
    expect(kinds.filter(k => k.endsWith('/PrometheusRule'))).toEqual(['agent-trust-a/PrometheusRule', 'agent-trust-b/PrometheusRule']);
    expect(apps.appOf('us-1').node.tryFindChild('agent-trust-a')!.node.tryFindChild('Fleet')).toBeUndefined();
  });
});

describe('AgentClusterApps bad input: every problem, each with path, field, value and fix', () => {
  test('no fleet', () => {
    expect(validationErrorOf(() => new AgentClusterApps({ fleets: [] })).message).toBe('AgentClusterApps is invalid (1 problem):\n'
      + '  - AgentClusterApps: fleets = []: lists no fleet. Fix: pass the AgentFleet of every team that runs in these clusters');
  });

  test('a fleet given twice, a per-cluster view, something else, fleets with and without clusters mixed', () => {
    const a = team('a', ['payments'], [cluster('eu-1'), cluster('us-1')]);
    const { message, problems } = validationErrorOf(() => new AgentClusterApps({
      fleets: [a, a, a.forCluster('eu-1'), 'b' as unknown as AgentFleet, team('c', ['search'], [])],
    }));
    expect(problems.map(p => `${p.path} ${p.field}`)).toEqual([
      'AgentClusterApps/fleets[1] ', 'AgentClusterApps/fleets[2] cluster', 'AgentClusterApps/fleets[3] ', 'AgentClusterApps/fleets[4] clusters']);
    expect(message).toBe(['AgentClusterApps is invalid (4 problems):',
      '  - AgentClusterApps/fleets[1]:  = "AgentFleet \\"a\\"": is also fleets[0]: each cluster would render it twice. Fix: pass each fleet once',
      '  - AgentClusterApps/fleets[2]: cluster = "eu-1": is a per-cluster view of the fleet in namespace "a": it would be rendered as a fleet with no cluster. '
      + 'Fix: pass the declared fleet; AgentClusterApps renders each of its clusters',
      '  - AgentClusterApps/fleets[3]:  = "b": is not an AgentFleet. Fix: declare it with new AgentFleet({ ... })',
      '  - AgentClusterApps/fleets[4]: clusters = []: declares no cluster, while the fleet in namespace "a" declares "eu-1", "us-1": '
      + 'there is no cluster folder to write it to. Fix: declare the clusters this fleet runs in (clusters: [new AgentCluster({ name, ... })]), '
      + 'or give it its own AgentClusterApps and outdir',
    ].join('\n'));
  });

  test('conflicts between fleets, as the Vault stack reports them: one Vault prefix, a target namespace two fleets claim in one cluster, one namespace twice', () => {
    const a = team('a', ['payments'], [cluster('eu-1'), cluster('us-1', ['ledger'])], { vaultNaming: VaultNaming.fleetScoped({ prefix: 'team' }) });
    const b = team('b', ['payments'], [cluster('eu-1'), cluster('us-1', ['search'])], { vaultNaming: VaultNaming.fleetScoped({ prefix: 'team' }) });
    const a2 = team('a', ['checkout'], [cluster('ap-1'), cluster('us-1', ['checkout'])]);
    const { message, problems } = validationErrorOf(() => new AgentClusterApps({ fleets: [a, b, a2] }));
    expect(problems.map(p => `${p.path} ${p.field} ${p.value}`)).toEqual([
      'AgentClusterApps/fleets[2] namespace "a"',
      'AgentClusterApps fleet "b".vaultNaming.prefix "team"',
      'AgentClusterApps cluster "eu-1".targetNamespaces "payments"',
    ]);
    expect(message).toContain('  - AgentClusterApps/fleets[2]: namespace = "a": is also the namespace of fleets[0] in a cluster both run in: '
      + 'their objects (and charts agent-trust-a) would collide. Fix: give each fleet of a cluster its own namespace');
    expect(message).toContain('  - AgentClusterApps: fleet "b".vaultNaming.prefix = "team": is also the Vault prefix of the fleet in namespace "a": '
      + 'both fleets would own the same Vault policies, roles and mounts. Fix: give each fleet on this Vault its own prefix: '
      + 'vaultNaming: VaultNaming.fleetScoped({ prefix: \'<team>\' })');
    expect(message).toContain('  - AgentClusterApps: cluster "eu-1".targetNamespaces = "payments": is claimed by the fleets in namespaces "a" and "b": '
      + 'two teams\' agents would hold RBAC in one namespace and their RoleBindings would collide. '
      + 'Fix: give each namespace of a cluster to one fleet (AgentCluster targetNamespaces)');
  });

  test('fleets without clusters share the implicit cluster: a namespace both claim is reported at the later fleet', () => {
    const { message, problems } = validationErrorOf(() => new AgentClusterApps({
      fleets: [baseFleet(), baseFleet({ namespace: 'other', targetNamespaces: ['checkout', 'search', 'payments'] })],
    }));
    expect(problems.map(p => p.value)).toEqual(['"payments"', '"checkout"']);
    expect(message.split('\n')[1]).toBe('  - AgentClusterApps/fleets[1]: targetNamespaces = "payments": is claimed by the fleets in namespaces "agents" and "other": '
      + 'two teams\' agents would hold RBAC in one namespace and their RoleBindings would collide. '
      + 'Fix: give each namespace of a cluster to one fleet (AgentFleet targetNamespaces)');
  });

  test('fleets that share no cluster may use one namespace and one target namespace', () => {
    const apps = new AgentClusterApps({
      fleets: [team('a', ['payments'], [cluster('eu-1')]), team('a', ['payments'], [cluster('us-1')], { vaultNaming: VaultNaming.fleetScoped({ prefix: 'a-us' }) })],
      outdir: 'unused',
    });
    expect(apps.clusterNames).toEqual(['eu-1', 'us-1']);
  });
});

describe('AgentKubernetesTrust of several fleets composed by hand into one app (one cluster)', () => {
  test('a target namespace both claim fails synth, reported once, at the later fleet', () => {
    const app = Testing.app();
    new AgentKubernetesTrust(new Chart(app, 'a'), 'Fleet', { fleet: baseFleet() });
    new AgentKubernetesTrust(new Chart(app, 'b'), 'Fleet', { fleet: baseFleet({ namespace: 'other', targetNamespaces: ['checkout'] }) });
    const message = errorOf(() => app.synth());
    expect(message).toContain('b/Fleet: targetNamespaces = "checkout": is claimed by the fleets in namespaces "agents" and "other": '
      + 'two teams\' agents would hold RBAC in one namespace and their RoleBindings would collide. '
      + 'Fix: give each namespace of a cluster to one fleet (AgentFleet targetNamespaces)');
    expect(message.match(/is claimed by/g)).toHaveLength(1);
  });

  test('per-cluster views: the field names the cluster; distinct targets synthesize', () => {
    const app = Testing.app();
    const a = team('a', ['payments'], [cluster('eu-1')]);
    new AgentKubernetesTrust(new Chart(app, 'a'), 'Fleet', { fleet: a.forCluster('eu-1') });
    new AgentKubernetesTrust(new Chart(app, 'b'), 'Fleet', { fleet: team('b', ['payments'], [cluster('eu-1')]).forCluster('eu-1') });
    expect(errorOf(() => app.synth())).toContain('b/Fleet: cluster "eu-1".targetNamespaces = "payments": is claimed by the fleets in namespaces "a" and "b"');

    const ok = Testing.app();
    new AgentKubernetesTrust(new Chart(ok, 'a'), 'Fleet', { fleet: a.forCluster('eu-1') });
    new AgentKubernetesTrust(new Chart(ok, 'b'), 'Fleet', { fleet: team('b', ['search'], [cluster('eu-1')]).forCluster('eu-1') });
    expect(() => ok.synthYaml()).not.toThrow();
  });
});
