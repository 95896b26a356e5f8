import { PermissionSet } from '../model';

interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** The objects of a list (hand-edited output may hold anything). */
function objects(value: unknown): any[] {
  return Array.isArray(value) ? value.filter(v => v !== null && typeof v === 'object') : [];
}

/** The strings of a list. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A raw RBAC rule with the scope it applies in. */
export interface ScopedRule {
  /** Namespace, or `PermissionSet.CLUSTER_SCOPE` for ClusterRoleBinding grants. */
  readonly scope: string;
  /** The rule as written in the Role or ClusterRole. */
  readonly rule: any;
}

/**
 * Effective RBAC permissions of ServiceAccounts, computed from synthesized
 * manifests (plain JSON objects, ours or hand-edited): every RoleBinding and
 * ClusterRoleBinding is followed to its Role or ClusterRole, so what is
 * checked is what the API server would grant, not what the model intended.
 */
export class EffectivePermissions {
  /** Index the RBAC objects among `manifests` (other kinds are ignored). */
  public static fromManifests(manifests: any[]): EffectivePermissions {
    return new EffectivePermissions(manifests.filter(m => m && typeof m === 'object'));
  }

  private readonly roles = new Map<string, any>();
  private readonly clusterRoles = new Map<string, any>();
  private readonly bindings: any[] = [];

  private constructor(manifests: any[]) {
    for (const m of manifests) {
      switch (m.kind) {
        case 'Role':
          this.roles.set(`${m.metadata?.namespace}/${m.metadata?.name}`, m);
          break;
        case 'ClusterRole':
          this.clusterRoles.set(m.metadata?.name, m);
          break;
        case 'RoleBinding':
        case 'ClusterRoleBinding':
          this.bindings.push(m);
          break;
        default:
          break;
      }
    }
  }

  /**
   * What ServiceAccount `namespace/name` may do. Namespaced grants are keyed
   * by the binding's namespace; ClusterRoleBinding grants by
   * `PermissionSet.CLUSTER_SCOPE` (they apply in every namespace too).
   * Bindings to roles that do not exist grant nothing and are reported by
   * `danglingBindings`.
   */
  public forServiceAccount(namespace: string, name: string): PermissionSet {
    const set = PermissionSet.empty();
    for (const binding of this.bindings) {
      if (!this.bindsServiceAccount(binding, namespace, name)) {
        continue;
      }
      const role = this.roleOf(binding);
      if (!role) {
        continue;
      }
      const scope = binding.kind === 'ClusterRoleBinding' ? PermissionSet.CLUSTER_SCOPE : binding.metadata?.namespace;
      for (const rule of objects(role.rules)) {
        const named = strings(rule.resourceNames);
        const names: Array<string | undefined> = named.length ? named : [undefined];
        for (const group of strings(rule.apiGroups)) {
          for (const resource of strings(rule.resources)) {
            for (const verb of strings(rule.verbs)) {
              for (const resourceName of names) {
                set.add(scope, group, resource, verb, resourceName);
              }
            }
          }
        }
      }
    }
    return set;
  }

  /** Every rule (raw objects) that reaches ServiceAccount `namespace/name`, with the binding's scope. */
  public rulesOf(namespace: string, name: string): ScopedRule[] {
    const out: ScopedRule[] = [];
    for (const binding of this.bindings) {
      const role = this.bindsServiceAccount(binding, namespace, name) ? this.roleOf(binding) : undefined;
      for (const rule of objects(role?.rules)) {
        out.push({ scope: binding.kind === 'ClusterRoleBinding' ? PermissionSet.CLUSTER_SCOPE : binding.metadata?.namespace, rule });
      }
    }
    return out;
  }

  /** Bindings whose roleRef names a Role/ClusterRole absent from the manifests, as `Kind namespace/name`. */
  public danglingBindings(): string[] {
    return this.bindings.filter(b => !this.roleOf(b))
      .map(b => `${b.kind} ${b.metadata?.namespace ? `${b.metadata.namespace}/` : ''}${b.metadata?.name} → ${b.roleRef?.kind} ${b.roleRef?.name}`);
  }

  private bindsServiceAccount(binding: any, namespace: string, name: string): boolean {
    // Hand-edited output may hold anything: skip subjects that are not objects.
    const subjects: unknown[] = Array.isArray(binding.subjects) ? binding.subjects : [];
    return subjects.some((s: any): s is Subject => !!s && typeof s === 'object' && s.kind === 'ServiceAccount' && s.name === name
      && (s.namespace ?? binding.metadata?.namespace) === namespace);
  }

  private roleOf(binding: any): any {
    const ref = binding.roleRef ?? {};
    if (ref.kind === 'ClusterRole') {
      return this.clusterRoles.get(ref.name);
    }
    if (ref.kind === 'Role' && binding.kind === 'RoleBinding') {
      return this.roles.get(`${binding.metadata?.namespace}/${ref.name}`);
    }
    return undefined;
  }
}
