import { AgentFleet, Domain, EgressTarget, TrustPhase } from '../../lib/model';

/**
 * The default example: one agent, `diagnostics`, investigating the
 * `payments` and `checkout` namespaces from namespace `agents`, on the
 * standard four-phase ladder with all five domains. Both synth targets
 * (k8s.ts and vault.ts) render this one declaration.
 */
export function defaultFleet(): AgentFleet {
  return new AgentFleet({
    namespace: 'agents',
    targetNamespaces: ['payments', 'checkout'],
    agents: [
      { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY },
    ],
    // The API server's endpoints as NetworkPolicies see them (after Service translation).
    // Agents log in through JWT auth bound to their pod: Vault's audit log names the investigation.
    vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' },
    kubernetesApi: EgressTarget.cidr('10.0.0.1/32', [{ port: 6443 }]),
    domains: [
      { domain: Domain.NETWORK, egress: [EgressTarget.cidr('10.40.0.0/24', [{ port: 22 }])] },
      { domain: Domain.DATABASE, egress: [EgressTarget.cidr('10.30.0.0/16', [{ port: 5432 }])] },
      { domain: Domain.APPLICATION, egress: [EgressTarget.cidr('10.0.0.1/32', [{ port: 443 }])] },
      // Core NetworkPolicy cannot match host names: LLM APIs go through an in-cluster egress proxy.
      { domain: Domain.LLM, egress: [EgressTarget.inCluster('egress-proxy', { 'app.kubernetes.io/name': 'llm-proxy' }, [{ port: 3128 }])] },
      { domain: Domain.CLOUD, egress: [EgressTarget.cidr('0.0.0.0/0', [{ port: 443 }], ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])] },
    ],
  });
}
