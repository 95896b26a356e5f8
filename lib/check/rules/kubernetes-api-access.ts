import { LauncherContractDocument } from '../../model/launcher-contract';
import { agentPodLabels, contractObject, phasePolicies, selects } from '../private/k8s-invariants';
import { ManifestIndex } from '../private/manifest-index';
import { objectName, VerifyContext } from '../private/verify-context';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/**
 * Ports a Kubernetes API server listens on: 443 (managed control planes)
 * or 6443 (kubeadm, k3s, kind). The output does not say where the API
 * server is, so any rule allowing one of these to an IP block counts.
 */
const API_PORTS = [443, 6443, 'https'];

/**
 * The target namespaces in which the phase's ServiceAccount is bound. The
 * bound namespaces are looked up once per account (every agent of a fleet
 * shares its phases' accounts) and filtered through a set of the contract's
 * targets, so the cost is linear in the namespaces, not their square.
 */
function boundTargets(index: ManifestIndex, cache: Map<string, string[]>, c: LauncherContractDocument, serviceAccount: string): string[] {
  const key = `${c.namespace}\u0000${serviceAccount}`;
  let bound = cache.get(key);
  if (!bound) {
    bound = [...index.roleBindingsByNamespace(serviceAccount, c.namespace).keys()].map(ns => String(ns)).sort();
    cache.set(key, bound);
  }
  const targets = Array.isArray(c.targetNamespaces) ? new Set<unknown>(c.targetNamespaces) : undefined;
  return bound.filter(ns => ns !== c.namespace && (targets === undefined || targets.has(ns)));
}

/** Whether the template gives the agent container a token for the API server (a projected token without audience, or automount). */
function hasApiToken(c: LauncherContractDocument): boolean {
  const spec = c.jobTemplate?.spec?.template?.spec ?? {};
  if (spec.automountServiceAccountToken === true) {
    return true; // pod-automount-token's business
  }
  const apiVolumes = (Array.isArray(spec.volumes) ? spec.volumes : [])
    .filter((v: any) => (v?.projected?.sources ?? []).some((s: any) => s?.serviceAccountToken && !s.serviceAccountToken.audience))
    .map((v: any) => v.name);
  const containers: any[] = Array.isArray(spec.containers) ? spec.containers : [];
  const agent = containers.find(x => x?.name === c.containerName) ?? containers[0];
  return (agent?.volumeMounts ?? []).some((m: any) => apiVolumes.includes(m?.name));
}

/** Whether an egress rule may reach an API server: TCP 443/6443 (or any port) to an IP block (or anywhere). */
function mayReachApi(rule: any): boolean {
  const ports: any[] = Array.isArray(rule?.ports) ? rule.ports : [];
  const to: any[] = Array.isArray(rule?.to) ? rule.to : [];
  const portOk = ports.length === 0 || ports.some(p => (p?.protocol ?? 'TCP') === 'TCP' && (p?.port === undefined || API_PORTS.includes(p.port)));
  return portOk && (to.length === 0 || to.some(peer => peer?.ipBlock !== undefined));
}

/**
 * A phase granted RBAC in target namespaces must be able to use it: the
 * contract's template mounts an API token into the agent container, and the
 * NetworkPolicies selecting the phase's pods allow egress to the API server.
 * A phase without its own NetworkPolicy is `egress-policy-missing`'s business.
 */
export function checkKubernetesApiAccess(ctx: VerifyContext): void {
  const index = ManifestIndex.of(ctx.manifests);
  const cache = new Map<string, string[]>();
  for (const c of ctx.contracts) {
    const bound = c.phases.map(p => ({ phase: p, targets: boundTargets(index, cache, c, p.serviceAccount) })).filter(b => b.targets.length > 0);
    if (bound.length === 0) {
      continue;
    }
    if (!hasApiToken(c)) {
      ctx.report(VerifyRule.KUBERNETES_API_UNREACHABLE, contractObject(c),
        `phase(s) ${bound.map(b => `"${b.phase.name}"`).join(', ')} of agent ${c.agent} are granted RBAC in ${[...new Set(bound.flatMap(b => b.targets))].join(', ')}, `
          + `but the Job template mounts no Kubernetes API token into container "${c.containerName}", so that RBAC is unusable`,
        'declare kubernetesApi on the AgentFleet (AgentJobTemplate.kubernetesApiToken follows it) or set kubernetesApiToken: true; '
          + 'or drop the phases\' Kubernetes rules');
    }
    for (const { phase, targets } of bound) {
      const own = phasePolicies(ctx.manifests, c.namespace, phase.name);
      if (own.length === 0) {
        continue;
      }
      const labels = agentPodLabels(c, phase.name);
      const selecting = index.allIn('NetworkPolicy', c.namespace).filter(np => selects(np.spec?.podSelector, labels));
      const egressPolicies = selecting.filter(np => (np.spec?.policyTypes ?? (np.spec?.egress ? ['Egress'] : [])).includes('Egress'));
      if (egressPolicies.length === 0 || egressPolicies.some(np => (np.spec?.egress ?? []).some(mayReachApi))) {
        continue; // egress not denied at all: egress-not-default-deny's business
      }
      ctx.report(VerifyRule.KUBERNETES_API_UNREACHABLE, objectName(own[0]),
        `phase "${phase.name}" of agent ${c.agent} is granted RBAC in ${targets.join(', ')}, but no egress rule of `
          + `${egressPolicies.map(np => np.metadata?.name).join(', ')} allows TCP 443 or 6443 to an IP block, so its pods cannot reach the API server`,
        'declare kubernetesApi on the AgentFleet (PhaseNetworkPolicy.apiServer follows it), e.g. EgressTarget.cidr(\'10.0.0.1/32\', [{ port: 6443 }]) '
          + 'with the API server\'s endpoint addresses');
    }
  }
}

/** The Kubernetes API access check: `KUBERNETES_API_UNREACHABLE`. */
export const KUBERNETES_API_ACCESS_CHECK: VerifyCheck = {
  name: 'Kubernetes API access',
  rules: [VerifyRule.KUBERNETES_API_UNREACHABLE],
  needsContracts: true,
  check: checkKubernetesApiAccess,
};
