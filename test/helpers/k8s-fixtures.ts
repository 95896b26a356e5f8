import { Chart, Testing } from 'cdk8s';
import { AgentFleet, AgentFleetProps, Domain, EgressTarget, TrustPhase } from '../../lib';
import { baseFleetProps } from './fleets';

export { errorOf } from './problems';

/** Props of a small valid fleet, to spread and override in tests. */
export function fleetProps(): AgentFleetProps {
  return baseFleetProps({
    agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY }],
    domains: [
      { domain: Domain.DATABASE, egress: [EgressTarget.cidr('10.30.0.0/16', [{ port: 5432 }])] },
      { domain: Domain.LLM },
      { domain: Domain.CLOUD, egress: [EgressTarget.cidr('0.0.0.0/0', [{ port: 443 }])] },
    ],
  });
}

/** A small valid fleet. */
export function testFleet(overrides: Partial<AgentFleetProps> = {}): AgentFleet {
  return new AgentFleet({ ...fleetProps(), ...overrides });
}

/** A fresh chart in a fresh test app (no namespace, deterministic names). */
export function testChart(): Chart {
  return new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
}

/** Objects of one kind in synthesized output. */
export function ofKind(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}

/** The one object of `kind` named `name` (and in `namespace` if given); throws when absent. */
export function find(manifests: any[], kind: string, name: string, namespace?: string): any {
  const found = manifests.find(m => m.kind === kind && m.metadata?.name === name
    && (namespace === undefined || m.metadata?.namespace === namespace));
  if (!found) {
    throw new Error(`no ${kind} ${namespace ?? ''}/${name} among ${manifests.map(m => `${m.kind} ${m.metadata?.name}`).join(', ')}`);
  }
  return found;
}

/** Two agents (one capped at read-only) and one target namespace: the composite's and hand composition's fleet. */
export function twoAgentFleet(kubernetesApi?: EgressTarget): AgentFleet {
  return new AgentFleet({
    namespace: 'agents', targetNamespaces: ['payments'], kubernetesApi,
    agents: [
      { name: 'a', image: 'registry.example.com/a:1', ceiling: TrustPhase.READ_ONLY },
      { name: 'b', image: 'registry.example.com/b:1' },
    ],
  });
}
