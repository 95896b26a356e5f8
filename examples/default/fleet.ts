import { AgentFleet, AgentFleetProps, Domain, EgressTarget, HostnameEnforcement, TrustPhase } from '../../lib/model';

/**
 * The default example: one agent, `diagnostics`, investigating the
 * `payments` and `checkout` namespaces from namespace `agents`, on the
 * standard four-phase ladder with all five domains. Both synth targets
 * (k8s.ts and vault.ts) render this one declaration.
 */
export function defaultFleet(): AgentFleet {
  return new AgentFleet(defaultFleetProps());
}

/** The default fleet's props (the benchmark keeps them and scales namespaces and agents). */
export function defaultFleetProps(): AgentFleetProps {
  return {
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
      // Hostnames, not the open internet: each phase reaches only its own names, through the egress proxy below.
      { domain: Domain.LLM, egress: [EgressTarget.hosts(['api.openai.com'], [{ port: 443 }])] },
      {
        domain: Domain.CLOUD,
        egress: [EgressTarget.hosts(['ec2.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com',
          'monitoring.eu-west-1.amazonaws.com', '*.s3.eu-west-1.amazonaws.com'], [{ port: 443 }])],
      },
    ],
    // Squid in namespace egress-proxy, one port per phase from 3128; its allowlist is the
    // ConfigMap egress-proxy/agents-egress-allowlist (EgressProxyAllowlist).
    hostnameEnforcement: HostnameEnforcement.egressProxy({
      namespace: 'egress-proxy', serviceName: 'egress-proxy', podLabels: { 'app.kubernetes.io/name': 'egress-proxy' },
    }),
  };
}
