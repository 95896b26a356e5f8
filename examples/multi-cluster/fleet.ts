import { AgentCluster, AgentFleet, Domain, EgressTarget, TrustPhase, VaultNaming } from '../../lib';

/** A public CA certificate of a cluster's API server (illustrative bytes; use `kubectl config view --raw`). */
function caOf(cluster: string): string {
  return `-----BEGIN CERTIFICATE-----\nMIIBexample${cluster.replace(/-/g, '')}ca\n-----END CERTIFICATE-----\n`;
}

/** The three clusters both teams run in; each team investigates its own namespaces in them. */
function clusters(targets: { [cluster: string]: string[] }): AgentCluster[] {
  return [
    { name: 'eu-1', api: '10.10.0.1' },
    { name: 'us-1', api: '10.20.0.1' },
    { name: 'ap-1', api: '10.30.0.1' },
  ].map(c => new AgentCluster({
    name: c.name,
    apiServerUrl: `https://api.${c.name}.k8s.example.com:6443`,
    caCertificate: caOf(c.name),
    issuerUrl: `https://oidc.${c.name}.k8s.example.com`,
    kubernetesApi: EgressTarget.cidr(`${c.api}/32`, [{ port: 6443 }]),
    targetNamespaces: targets[c.name],
  }));
}

/**
 * Two teams on one Vault: names scoped to each team (`payments-agent-phase-…`,
 * `kubernetes-payments-eu-1`, `agents-payments/database`), one auth mount
 * per team and cluster, per-investigation identity bound to each cluster's
 * issuer.
 */
export function multiClusterFleets(): AgentFleet[] {
  const address = 'https://vault.example.com:8200';
  return [
    new AgentFleet({
      namespace: 'payments-agents',
      vaultNaming: VaultNaming.fleetScoped({ prefix: 'payments' }),
      vault: { address, investigationIdentityMountPath: 'jwt-payments' },
      targetNamespaces: ['payments', 'ledger'],
      agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY }],
      domains: [{ domain: Domain.DATABASE }, { domain: Domain.LLM }],
      clusters: clusters({ 'eu-1': ['payments', 'ledger'], 'us-1': ['payments'], 'ap-1': ['payments'] }),
    }),
    new AgentFleet({
      namespace: 'search-agents',
      vaultNaming: VaultNaming.fleetScoped({ prefix: 'search' }),
      vault: { address, investigationIdentityMountPath: 'jwt-search' },
      targetNamespaces: ['search', 'indexer'],
      agents: [{ name: 'triage', image: 'registry.example.com/agents/triage:0.9.0' }],
      domains: [{ domain: Domain.LLM }],
      clusters: clusters({ 'eu-1': ['search', 'indexer'], 'us-1': ['search', 'indexer'], 'ap-1': ['search'] }),
    }),
  ];
}
