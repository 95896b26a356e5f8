import { Testing } from 'cdk8s';
import { App as TfApp } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { defaultChart } from '../../examples/default/k8s';
import { defaultFleet } from '../../examples/default/fleet';
import { DefaultVaultStack } from '../../examples/default/vault';
import * as k8s from '../../lib/k8s';
import * as vault from '../../lib/vault';

/** A construct class (abstract enough for instanceof). */
type ConstructClass = abstract new (...args: any[]) => Construct;

// README, "Escape hatches": a construct with one primary object gives it the
// construct id `Resource`, so `node.defaultChild` is the object it exposes.
const PRIMARY: Array<[ConstructClass, (c: any) => IConstruct]> = [
  [k8s.AgentNamespace, c => c.namespace],
  [k8s.PhaseServiceAccount, c => c.serviceAccount],
  [k8s.PhaseNetworkPolicy, c => c.networkPolicy],
  [k8s.EgressProxyAllowlist, c => c.resource],
  [k8s.PhaseCiliumNetworkPolicy, c => c.resource],
  [k8s.AgentJobTemplate, c => c.configMap],
  [k8s.LauncherAccess, c => c.serviceAccount],
  [k8s.TrustPhaseAdmission, c => c.policy],
  [k8s.AgentAlerts, c => c.resource],
  [k8s.AgentDashboard, c => c.resource],
  [vault.AgentVaultAuth, c => c.backend],
  [vault.TrustPhasePolicy, c => c.policy],
  [vault.LauncherVaultPolicy, c => c.policy],
  [vault.VaultDomainSecretEngine, c => c.mount],
];
// Several objects of equal rank, or constructs of constructs: no single primary.
const NO_PRIMARY: ConstructClass[] = [k8s.LadderServiceAccounts, k8s.VaultKubernetesEngineAccess, vault.AgentVaultTrust, vault.VaultAuditDevices];

function ours(root: IConstruct): IConstruct[] {
  const classes = [...PRIMARY.map(([c]) => c), ...NO_PRIMARY];
  return root.node.findAll().filter(c => classes.some(k => c instanceof k));
}

describe('every construct exposes its primary object as its `Resource` child', () => {
  const chart = defaultChart(Testing.app(), defaultFleet());
  const stack = new DefaultVaultStack(Testing.app() as unknown as TfApp, 'vault', defaultFleet());

  test.each([['Kubernetes', chart as IConstruct], ['Vault', stack as IConstruct]])('%s side', (_side, root) => {
    const found = ours(root);
    expect(found.length).toBeGreaterThan(5);
    for (const c of found) {
      const entry = PRIMARY.find(([k]) => c instanceof k);
      if (entry === undefined) {
        continue;
      }
      expect([c.node.path, c.node.defaultChild?.node.id]).toEqual([c.node.path, 'Resource']);
      expect(c.node.defaultChild).toBe(entry[1](c));
    }
  });

  test('every exported construct class is listed', () => {
    const listed = [...PRIMARY.map(([c]) => c), ...NO_PRIMARY];
    const composites: ConstructClass[] = [k8s.AgentKubernetesTrust];
    const all = ([...Object.values(k8s), ...Object.values(vault)] as unknown[])
      .filter((v): v is ConstructClass => typeof v === 'function' && v.prototype instanceof Construct);
    expect(all.filter(c => !listed.includes(c) && !composites.includes(c)).map(c => c.name)).toEqual([]);
  });
});
