import { DenyRule, KubernetesRule, RbacDenylist } from '../../lib';
import { ProblemCollector } from '../../lib/model/private/problem-collector';

function rule(verbs: string[], resources: string[], apiGroups: string[] = ['']): KubernetesRule {
  return { apiGroups, resources, verbs };
}

// Each row: a rule, and the deny rule ids it must trip (exactly those).
const cases: Array<[string, KubernetesRule, string[]]> = [
  ['wildcard verb', rule(['*'], ['pods']), ['wildcard']],
  ['wildcard resource', rule(['get'], ['*']), ['wildcard']],
  ['wildcard subresource', rule(['get'], ['pods/*']), ['wildcard']],
  ['wildcard group', rule(['get'], ['pods'], ['*']), ['wildcard']],
  ['get secrets', rule(['get'], ['secrets']), ['secrets']],
  ['watch secrets', rule(['watch'], ['secrets']), ['secrets']],
  ['pods/exec', rule(['create', 'get'], ['pods/exec']), ['pod-shell']],
  ['pods/attach', rule(['create'], ['pods/attach']), ['pod-shell']],
  ['pods/portforward', rule(['create'], ['pods/portforward']), ['pod-shell']],
  ['ephemeral containers', rule(['patch'], ['pods/ephemeralcontainers']), ['pod-shell']],
  ['nodes/proxy get', rule(['get'], ['nodes/proxy']), ['node-proxy']],
  ['serviceaccounts/token', rule(['create'], ['serviceaccounts/token']), ['token-request']],
  ['escalate', rule(['escalate'], ['roles'], ['rbac.authorization.k8s.io']), ['privilege-verbs']],
  ['bind', rule(['bind'], ['clusterroles'], ['rbac.authorization.k8s.io']), ['privilege-verbs']],
  ['impersonate', rule(['impersonate'], ['users']), ['privilege-verbs']],
  ['create pods', rule(['create'], ['pods']), ['create-workloads']],
  ['create deployments', rule(['create'], ['deployments'], ['apps']), ['create-workloads']],
  ['create jobs', rule(['create'], ['jobs'], ['batch']), ['create-workloads']],
  ['create cronjobs', rule(['create'], ['cronjobs'], ['batch']), ['create-workloads']],
  ['update rolebindings', rule(['update'], ['rolebindings'], ['rbac.authorization.k8s.io']), ['rbac-write']],
  ['create clusterroles', rule(['create'], ['clusterroles'], ['rbac.authorization.k8s.io']), ['rbac-write']],
  ['patch webhooks', rule(['patch'], ['validatingwebhookconfigurations'], ['admissionregistration.k8s.io']), ['admission-write']],
  ['delete admission policies', rule(['delete'], ['validatingadmissionpolicies'], ['admissionregistration.k8s.io']), ['admission-write']],
  ['approve CSRs', rule(['update'], ['certificatesigningrequests/approval'], ['certificates.k8s.io']), ['csr-write']],
  ['create CSRs', rule(['create'], ['certificatesigningrequests'], ['certificates.k8s.io']), ['csr-write']],
  ['patch namespaces', rule(['patch'], ['namespaces']), ['namespace-write']],
  ['create persistentvolumes', rule(['create'], ['persistentvolumes']), ['persistent-volume-create']],
  // Issue #17: a pod-template write runs any image as any ServiceAccount.
  ['patch deployments', rule(['patch'], ['deployments'], ['apps']), ['workload-template-write']],
  ['update statefulsets', rule(['update'], ['statefulsets'], ['apps']), ['workload-template-write']],
  ['patch daemonsets', rule(['patch'], ['daemonsets'], ['apps']), ['workload-template-write']],
  ['patch replicasets', rule(['patch'], ['replicasets'], ['apps']), ['workload-template-write']],
  ['patch cronjobs', rule(['patch'], ['cronjobs'], ['batch']), ['workload-template-write']],
  ['update jobs', rule(['update'], ['jobs'], ['batch']), ['workload-template-write']],
  ['patch pods', rule(['patch'], ['pods']), ['workload-template-write']],
  ['patch Argo Rollouts', rule(['patch'], ['rollouts'], ['argoproj.io']), ['workload-template-write']],
  ['patch podtemplates', rule(['patch'], ['podtemplates']), ['workload-template-write']],
  ['create and patch deployments', rule(['create', 'patch'], ['deployments'], ['apps']), ['create-workloads', 'workload-template-write']],
  ['everything at once', rule(['*'], ['*'], ['*']), ['wildcard']],
  ['secrets and exec', rule(['get'], ['secrets', 'pods/exec']), ['secrets', 'pod-shell']],
];

// Permissions peer investigators hold and agents may hold.
const allowed: Array<[string, KubernetesRule]> = [
  ['read pods', rule(['get', 'list', 'watch'], ['pods', 'pods/log', 'events'])],
  ['delete pods', rule(['delete'], ['pods'])],
  ['patch deployments/scale', rule(['get', 'patch'], ['deployments/scale', 'statefulsets/scale'], ['apps'])],
  ['patch Argo rollouts/scale', rule(['patch'], ['rollouts/scale'], ['argoproj.io'])],
  ['read roles', rule(['get', 'list'], ['roles'], ['rbac.authorization.k8s.io'])],
  ['read namespaces', rule(['get', 'list'], ['namespaces'])],
  ['read webhooks', rule(['list'], ['validatingwebhookconfigurations'], ['admissionregistration.k8s.io'])],
  ['create HPAs', rule(['create'], ['horizontalpodautoscalers'], ['autoscaling'])],
  ['get persistentvolumes', rule(['get'], ['persistentvolumes'])],
];

describe('RBAC denylist', () => {
  test.each(cases)('%s is denied', (_name, r, ids) => {
    const hit = DenyRule.all().filter(d => d.violations(r).length > 0).map(d => d.id);
    expect(hit).toEqual(ids);
    const problems = new ProblemCollector();
    RbacDenylist._check(problems, 'Chart/phase', 'rules', [r]);
    expect(problems.problems).toHaveLength(ids.length);
    for (const p of problems.problems) {
      expect(p.path).toBe('Chart/phase');
      expect(p.field).toBe('rules[0]');
      expect(p.value).toBe(JSON.stringify(RbacDenylist.describe(r)));
      expect(p.hint).toMatch(/^remove it, or add \{ rule: DenyRule\.[A-Z_]+, reason: '…' \} to allowDenied$/);
    }
  });

  test.each(allowed)('%s is allowed', (_name, r) => {
    expect(RbacDenylist.violationsOf(r)).toEqual([]);
  });

  test('verbs and resources match case-insensitively', () => {
    expect(RbacDenylist.violationsOf(rule(['GET'], ['Secrets']))).toEqual(['secrets: GET Secrets']);
    expect(RbacDenylist.violationsOf(rule(['Impersonate'], ['users']))).toEqual(['privilege-verbs: verb "Impersonate"']);
  });

  test('problems of several rules are all collected', () => {
    const problems = new ProblemCollector();
    RbacDenylist._check(problems, 'p', 'rules', [rule(['get'], ['secrets']), rule(['get'], ['pods']), rule(['*'], ['pods'])]);
    expect(problems.problems.map(p => p.field)).toEqual(['rules[0]', 'rules[2]']);
  });

  test('DenyRule.of finds ids and lists them on a miss', () => {
    expect(DenyRule.of('secrets')).toBe(DenyRule.SECRETS);
    expect(() => DenyRule.of('nope')).toThrow(/unknown deny rule "nope"; use one of wildcard, secrets, pod-shell/);
  });

  test('every deny rule has a distinct id and a reason', () => {
    const ids = DenyRule.all().map(d => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(DenyRule.all().every(d => d.reason.length > 10)).toBe(true);
  });
});
