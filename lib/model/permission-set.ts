import { KubernetesRule } from './kubernetes-rule';

const ANY_NAME = '*';
const CLUSTER = '(cluster)';


/**
 * The effective Kubernetes permissions of a set of rules, flattened to
 * single grants `scope | apiGroup | resource | verb | name`. Used to prove
 * that each phase grants at least what the phase below it grants, and to
 * list what a promotion adds.
 */
export class PermissionSet {
  /** The grants of `rules` applied in every namespace of `namespaces` (cluster-scoped rules once). */
  public static fromRules(rules: KubernetesRule[], namespaces: string[]): PermissionSet {
    const set = new PermissionSet();
    for (const rule of rules) {
      const scopes = rule.clusterScoped ? [CLUSTER] : namespaces;
      const names = rule.resourceNames?.length ? rule.resourceNames : [ANY_NAME];
      for (const scope of scopes) {
        for (const group of rule.apiGroups) {
          for (const resource of rule.resources) {
            for (const verb of rule.verbs) {
              for (const name of names) {
                set.grants.add(PermissionSet.key(scope, group, resource, verb, name));
              }
            }
          }
        }
      }
    }
    return set;
  }

  /** The scope name of cluster-wide grants. */
  public static readonly CLUSTER_SCOPE = CLUSTER;

  /** An empty set (add grants with `add`). */
  public static empty(): PermissionSet {
    return new PermissionSet();
  }

  private static key(scope: string, group: string, resource: string, verb: string, name: string): string {
    return `${scope}|${group === '' ? 'core' : group}|${resource}|${verb}|${name}`;
  }

  private readonly grants = new Set<string>();

  private constructor() {}

  /** Add one grant; `scope` is a namespace or `PermissionSet.CLUSTER_SCOPE`. */
  public add(scope: string, apiGroup: string, resource: string, verb: string, resourceName?: string): void {
    this.grants.add(PermissionSet.key(scope, apiGroup, resource, verb, resourceName ?? ANY_NAME));
  }

  /** Number of single grants. */
  public get size(): number {
    return this.grants.size;
  }

  /** Whether a single grant is held (a grant on every name covers any named one). */
  public allows(scope: string, apiGroup: string, resource: string, verb: string, resourceName?: string): boolean {
    const s = scope;
    return this.grants.has(PermissionSet.key(s, apiGroup, resource, verb, ANY_NAME))
      || (resourceName !== undefined && this.grants.has(PermissionSet.key(s, apiGroup, resource, verb, resourceName)));
  }

  /**
   * Grants of `other` this set does not cover, as readable strings
   * (`payments: delete core/pods`). Empty when this set covers `other`.
   */
  public missing(other: PermissionSet): string[] {
    const out: string[] = [];
    for (const grant of other.grants) {
      if (this.grants.has(grant)) {
        continue;
      }
      const [scope, group, resource, verb, name] = grant.split('|');
      if (name !== ANY_NAME && this.grants.has(PermissionSet.key(scope, group, resource, verb, ANY_NAME))) {
        continue;
      }
      out.push(PermissionSet.describe(grant));
    }
    return out.sort();
  }

  /** Grants of this set that `lower` does not hold: what a promotion adds. */
  public addedOver(lower: PermissionSet): string[] {
    return lower.missing(this);
  }

  /** Every grant as readable text, sorted. */
  public toStrings(): string[] {
    return [...this.grants].map(g => PermissionSet.describe(g)).sort();
  }

  private static describe(grant: string): string {
    const [scope, group, resource, verb, name] = grant.split('|');
    return `${scope}: ${verb} ${group}/${resource}${name === ANY_NAME ? '' : ` "${name}"`}`;
  }
}
