import { AgentFleet, Domain, EgressTarget, TrustPhase } from 'cdk-agent-trust';

/**
 * A platform team's own fleet, deliberately unlike the examples: namespace
 * `ai-ops`, three target namespaces, two agents with different ceilings and
 * three domains (one of them the Kubernetes secrets engine).
 */
export function platformFleet(): AgentFleet {
  return new AgentFleet({
    namespace: 'ai-ops',
    targetNamespaces: ['orders', 'inventory', 'shipping'],
    agents: [
      { name: 'triage', image: 'registry.example.com/agents/triage:2.0.1', ceiling: TrustPhase.SHADOW },
      { name: 'remediator', image: 'registry.example.com/agents/remediator:0.9.3', ceiling: TrustPhase.LIMITED_WRITE },
    ],
    vault: { address: 'https://vault.platform.svc:8200' },
    kubernetesApi: EgressTarget.cidr('10.96.0.1/32', [{ port: 443 }]),
    domains: [
      { domain: Domain.DATABASE, egress: [EgressTarget.cidr('10.50.0.0/16', [{ port: 5432 }])] },
      { domain: Domain.APPLICATION, egress: [EgressTarget.cidr('10.96.0.1/32', [{ port: 443 }])] },
      { domain: Domain.LLM, egress: [EgressTarget.inCluster('egress', { app: 'llm-proxy' }, [{ port: 3128 }])] },
    ],
  });
}
