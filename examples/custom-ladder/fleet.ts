import {
  AccessLevel, AgentFleet, DemotionTrigger, Domain, EgressTarget, HostnameEnforcement, KubernetesRule, SecretEngineKind, TrustLadder, TrustPhase,
} from '../../lib';

const READ = ['get', 'list', 'watch'];

/** A custom domain: the ledger database, served by PostgreSQL at its own mount. */
export const LEDGER = Domain.of('ledger', SecretEngineKind.POSTGRESQL);

/**
 * A five-phase ladder with its own RBAC: `canary` may act in the canary
 * namespace only (a rule narrowed by resourceNames would also work), and the
 * top phase may scale Argo Rollouts (a custom resource, through its /scale
 * subresource: a patch of the Rollout itself could rewrite its pod template)
 * but still never create workloads or read secrets.
 */
export function fiveStepLadder(): TrustLadder {
  const observe: KubernetesRule[] = [
    { apiGroups: [''], resources: ['pods', 'pods/log', 'events', 'services'], verbs: READ },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ },
    { apiGroups: ['argoproj.io'], resources: ['rollouts', 'analysisruns'], verbs: READ },
  ];
  const suggest = [...observe, { apiGroups: [''], resources: ['nodes'], verbs: READ, clusterScoped: true }];
  const canary = [...suggest, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }];
  const operate = [...canary, { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] }];
  const autonomous = [...operate, { apiGroups: ['argoproj.io'], resources: ['rollouts/scale'], verbs: ['get', 'patch'] }];
  const criteria = (n: number, rate: number, days: number, approvals: number) =>
    ({ minInvestigations: n, minSuccessRate: rate, maxPolicyViolations: 0, minDays: days, requiredApprovals: approvals });
  return new TrustLadder([
    { phase: TrustPhase.of('observe'), description: 'reads, answers nobody', kubernetesRules: observe,
      domainAccess: [{ domain: Domain.LLM, level: AccessLevel.READ_ONLY }] },
    { phase: TrustPhase.of('suggest'), description: 'proposes fixes in the incident channel', kubernetesRules: suggest,
      defaultAccess: AccessLevel.READ_ONLY, promotion: criteria(30, 0.9, 7, 1) },
    { phase: TrustPhase.of('canary'), description: 'acts on pods, human approval per action', kubernetesRules: canary,
      defaultAccess: AccessLevel.READ_ONLY, domainAccess: [{ domain: LEDGER, level: AccessLevel.READ_ONLY }],
      promotion: criteria(50, 0.92, 14, 2) },
    { phase: TrustPhase.of('operate'), description: 'scales without approval', kubernetesRules: operate,
      defaultAccess: AccessLevel.LIMITED_WRITE, promotion: criteria(100, 0.95, 21, 2) },
    { phase: TrustPhase.of('autonomous'), description: 'scales rollouts without approval', kubernetesRules: autonomous,
      defaultAccess: AccessLevel.AUTONOMOUS,
      // The ledger holds money: never more than limited-write credentials.
      domainAccess: [{ domain: LEDGER, level: AccessLevel.LIMITED_WRITE }],
      promotion: criteria(200, 0.97, 30, 3),
      demotionTriggers: [DemotionTrigger.POLICY_VIOLATION, DemotionTrigger.SECURITY_INCIDENT,
        DemotionTrigger.custom('rollback-storm', 'more than three rollbacks by the agent in a day')] },
  ]);
}

/** One agent on the five-step ladder, with the ledger and LLM domains. */
export function customLadderFleet(): AgentFleet {
  return new AgentFleet({
    namespace: 'ledger-agents',
    targetNamespaces: ['ledger', 'ledger-canary'],
    ladder: fiveStepLadder(),
    agents: [{ name: 'ledger-sre', image: 'registry.example.com/agents/ledger-sre:2.0.1', ceiling: TrustPhase.of('canary') }],
    domains: [
      { domain: LEDGER, mountPath: 'finance/ledger', egress: [EgressTarget.cidr('10.50.0.0/24', [{ port: 5432 }])] },
      // Hostnames through Cilium: each phase gets a CiliumNetworkPolicy with toFQDNs for exactly its names.
      { domain: Domain.LLM, egress: [EgressTarget.hosts(['api.anthropic.com', 'api.openai.com'], [{ port: 443 }])] },
    ],
    hostnameEnforcement: HostnameEnforcement.cilium(),
    allowedRegistries: ['registry.example.com/agents/'],
    // Agents log in through JWT auth bound to their pod: Vault's audit log names the investigation.
    vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' },
    kubernetesApi: EgressTarget.cidr('172.20.0.10/32', [{ port: 443 }]),
  });
}
