/**
 * One RBAC rule of a trust phase, in Kubernetes' own terms.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export interface KubernetesRule {
  /** API groups; `""` is the core group. */
  readonly apiGroups: string[];
  /** Resources, including subresources such as `pods/log`. */
  readonly resources: string[];
  /** Verbs such as `get`, `list`, `watch`, `patch`, `delete`. */
  readonly verbs: string[];
  /**
   * Restrict the rule to named objects.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
  /**
   * Grant cluster-wide through a ClusterRole (only for cluster-scoped
   * resources such as `nodes` and `namespaces`, and only for reads).
   * @default false - a Role in each target namespace
   */
  readonly clusterScoped?: boolean;
}
