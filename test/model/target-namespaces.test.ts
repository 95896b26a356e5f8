import { fleetOfThree } from '../../examples/fleet/fleet';
import { AgentFleet, EgressTarget, TargetNamespaceRules } from '../../lib';
import { fleetProblemsOf, fleetProps } from './helpers';

/** Issue #17 item 3: no system, Vault or egress-proxy namespace as an agent target. */
describe('protected target namespaces are refused at synth', () => {
  test.each(TargetNamespaceRules.SYSTEM_NAMESPACES)('%s', (ns) => {
    const problems = fleetProblemsOf(fleetProps({ targetNamespaces: ['payments', ns] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'AgentFleet', field: 'targetNamespaces[1]', value: JSON.stringify(ns) });
    expect(problems[0].message).toContain('Kubernetes system namespace');
    expect(problems[0].hint).toContain('remove it from targetNamespaces');
  });

  test('Vault\'s namespace, from the default Vault egress target', () => {
    const [p] = fleetProblemsOf(fleetProps({ targetNamespaces: ['vault'] }));
    expect(p.field).toBe('targetNamespaces[0]');
    expect(p.message).toContain('Vault\'s namespace');
  });

  test('Vault\'s namespace, from a <service>.<namespace>.svc address with a custom egress', () => {
    const problems = fleetProblemsOf(fleetProps({
      targetNamespaces: ['secrets-store'],
      vault: { address: 'https://vault.secrets-store.svc:8200', egress: EgressTarget.cidr('10.9.0.10/32', [{ port: 8200 }]) },
    }));
    expect(problems.map(p => p.message)).toEqual([expect.stringContaining('vault.address names a Service there')]);
  });

  test('the egress proxy every phase reaches (the fleet example\'s egress-proxy)', () => {
    const base = fleetOfThree();
    expect(base.protectedNamespaces.map(p => p.namespace)).toEqual(['kube-system', 'kube-public', 'kube-node-lease', 'vault', 'egress-proxy']);
    const problems = fleetProblemsOf({
      namespace: base.namespace, agents: base.agents, targetNamespaces: ['payments', 'egress-proxy'],
      domains: base.domains.map(d => ({ domain: d.domain, engine: d.engine, egress: d.egress })), kubernetesApi: base.kubernetesApi,
    });
    expect(problems.map(p => [p.field, p.message])).toEqual([['targetNamespaces[1]', expect.stringContaining('every phase reaches')]]);
  });

  test('ordinary namespaces, including one only some phases reach, are accepted', () => {
    expect(() => new AgentFleet(fleetProps({ targetNamespaces: ['payments', 'kube-systems', 'vaults'] }))).not.toThrow();
    expect(fleetOfThree().targetNamespaces).toContain('payments');
  });
});
