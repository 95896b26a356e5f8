// How a ValidatingAdmissionPolicy's match constraints select a request, as
// the API server applies them: shared by the Job-policy and the guard checks.

export const ADMISSION_VERSIONS = ['admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1'];
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

/** One request kind a guard must see: API group, `resource[/subresource]`, operation. */
export interface Covered {
  readonly group: string;
  readonly resource: string;
  readonly operation: string;
}

function selectsNamespace(selector: any, namespace: string): boolean {
  if (!selector) {
    return true;
  }
  const labels: { [k: string]: string } = { [NAMESPACE_LABEL]: namespace };
  const ml = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const me = (selector.matchExpressions ?? []).every((e: any) => {
    const values: string[] = Array.isArray(e?.values) ? e.values : [];
    switch (e?.operator) {
      case 'In': return values.includes(labels[e.key]);
      case 'NotIn': return !values.includes(labels[e.key]);
      case 'Exists': return labels[e.key] !== undefined;
      case 'DoesNotExist': return labels[e.key] === undefined;
      default: return false;
    }
  });
  return ml && me;
}

/** Whether a resource rule entry (`pods`, `pods/exec`, `pods/*`, `*`, `*\/*`) covers `resource[/sub]`. */
function resourceCovers(entry: string, wanted: string): boolean {
  const [res, sub] = wanted.split('/');
  const [eRes, eSub] = entry.split('/');
  const resOk = eRes === '*' || eRes === res;
  return eSub === undefined ? resOk && sub === undefined : resOk && sub !== undefined && (eSub === '*' || eSub === sub);
}

/** Whether a policy's match constraints select `what` in `namespace` (exclusions honoured). */
export function covers(policy: any, namespace: string, what: Covered): boolean {
  const mc = policy?.spec?.matchConstraints ?? {};
  const hit = (rules: any[]): boolean => (rules ?? []).some((r: any) =>
    (r?.apiGroups ?? []).some((g: string) => g === '*' || g === what.group)
    && (r?.resources ?? []).some((x: string) => resourceCovers(String(x), what.resource))
    && (r?.operations ?? []).some((o: string) => o === '*' || o === what.operation));
  return selectsNamespace(mc.namespaceSelector, namespace) && hit(mc.resourceRules) && !hit(mc.excludeResourceRules);
}
