/**
 * The standard ladder's Kubernetes rules, typed out by hand for the
 * baseline (which must not import lib/): one copy for both halves.
 */
export interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; cluster?: boolean }

export const READ = ['get', 'list', 'watch'];
export const SHADOW: Rule[] = [{ apiGroups: [''], resources: ['pods', 'pods/status', 'events'], verbs: READ }];
export const READ_ONLY: Rule[] = [
  ...SHADOW,
  { apiGroups: [''], resources: ['pods/log', 'services', 'endpoints', 'configmaps', 'replicationcontrollers', 'persistentvolumeclaims'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  { apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: READ, cluster: true },
];
export const LIMITED_WRITE: Rule[] = [
  ...READ_ONLY,
  { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
  { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'patch'] },
];
export const AUTONOMOUS: Rule[] = [
  ...LIMITED_WRITE,
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['create', 'patch'] },
];

/** The namespaced rules only, without the `cluster` flag (what a Role in one namespace holds). */
export function namespaced(rules: Rule[]): Array<Omit<Rule, 'cluster'>> {
  return rules.filter(r => !r.cluster).map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs }));
}
