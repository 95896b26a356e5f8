import { EgressTarget } from './egress-target';
import { ProblemCollector } from './private/problem-collector';

/** A namespace agents must never act on, and why. */
export interface ProtectedNamespace {
  /** The namespace. */
  readonly namespace: string;
  /** Why agents must not hold RBAC there. */
  readonly why: string;
}

/**
 * Namespaces that must never be an agent target (issue #17): the phase
 * Roles would otherwise reach the control plane's own workloads, Vault (its
 * pods, its ServiceAccount tokens, its storage), or the proxy the agents'
 * egress goes through (an agent could rewrite its own egress filter).
 */
export class TargetNamespaceRules {
  /** Kubernetes' own namespaces. */
  public static readonly SYSTEM_NAMESPACES: string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

  /**
   * The protected namespaces: Kubernetes' own, Vault's (`vaultNamespace`,
   * and the namespace of a `<service>.<namespace>.svc` Vault address),
   * and `everyPhaseNamespaces` (in-cluster namespaces each phase reaches
   * over the network: infrastructure every investigation uses, such as the
   * egress proxy).
   */
  public static protectedNamespaces(vaultAddress: string, everyPhaseNamespaces: string[], vaultNamespace?: string): ProtectedNamespace[] {
    const out: ProtectedNamespace[] = TargetNamespaceRules.SYSTEM_NAMESPACES
      .map(namespace => ({ namespace, why: 'is a Kubernetes system namespace (control-plane workloads and credentials)' }));
    const add = (namespace: string | undefined, why: string): void => {
      if (namespace && !out.some(p => p.namespace === namespace)) {
        out.push({ namespace, why });
      }
    };
    add(vaultNamespace, 'is Vault\'s namespace (its pods, storage and ServiceAccount tokens)');
    const svc = /^https?:\/\/[^/.:]+\.([a-z0-9-]+)\.svc(\.|:|\/|$)/.exec(vaultAddress ?? '');
    add(svc?.[1], 'is Vault\'s namespace (vault.address names a Service there)');
    for (const ns of [...everyPhaseNamespaces].sort()) {
      add(ns, 'hosts infrastructure every phase reaches over the network (e.g. the egress proxy)');
    }
    return out;
  }

  /** The in-cluster namespaces that every one of `egressPerPhase` (one list of targets per phase) reaches. */
  public static sharedNamespaces(egressPerPhase: EgressTarget[][]): string[] {
    const sets = egressPerPhase.map(targets => new Set(targets.map(t => t.namespace).filter((n): n is string => !!n)));
    return sets.length === 0 ? [] : [...sets[0]].filter(ns => sets.every(x => x.has(ns))).sort();
  }

  /**
   * Record a problem for every target namespace that is protected.
   * @internal
   */
  public static _check(problems: ProblemCollector, path: string, targetNamespaces: string[], protectedNamespaces: ProtectedNamespace[]): void {
    targetNamespaces.forEach((ns, i) => {
      const hit = protectedNamespaces.find(p => p.namespace === ns);
      if (hit) {
        problems.add(path, `targetNamespaces[${i}]`, ns, `${hit.why}; agents must never hold Roles there`,
          'remove it from targetNamespaces: investigate it from outside (read-only dashboards, humans), never with agent RBAC');
      }
    });
  }
}
