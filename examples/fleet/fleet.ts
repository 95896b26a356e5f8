import { AgentFleet, Domain, EgressTarget, SecretEngineKind, TrustPhase } from '../../lib';

/**
 * Three agents at different ceilings sharing one namespace, one ladder and
 * the same domains: they share the phase ServiceAccounts, Vault roles and
 * policies (a phase is a set of permissions, not an agent), while the
 * admission policy holds each agent's own ceiling.
 */
export function fleetOfThree(): AgentFleet {
  return new AgentFleet({
    namespace: 'sre-agents',
    targetNamespaces: ['payments', 'checkout', 'search', 'identity'],
    agents: [
      // New: compared with humans only.
      { name: 'triage', image: 'registry.example.com/agents/triage:0.9.0', ceiling: TrustPhase.SHADOW },
      // Trusted to read and report.
      { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY },
      // Trusted with small, reversible fixes.
      { name: 'remediator', image: `registry.example.com/agents/remediator@sha256:${'4f'.repeat(32)}`, ceiling: TrustPhase.LIMITED_WRITE },
    ],
    domains: [
      { domain: Domain.DATABASE, engine: SecretEngineKind.MYSQL, egress: [EgressTarget.cidr('10.30.0.0/16', [{ port: 3306 }])] },
      { domain: Domain.APPLICATION, egress: [EgressTarget.cidr('10.0.0.1/32', [{ port: 443 }])] },
      { domain: Domain.LLM, egress: [EgressTarget.inCluster('egress-proxy', { 'app.kubernetes.io/name': 'llm-proxy' }, [{ port: 3128 }])] },
    ],
    maxConcurrentInvestigations: 20,
    kubernetesApi: EgressTarget.cidr('172.20.0.10/32', [{ port: 443 }]),
  });
}
