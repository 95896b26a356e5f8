import { agentSummary } from '../../lib/check/private/agent-summary';
import { ManifestIndex } from '../../lib/check/private/manifest-index';

// The index replaces scans (`manifests.find/filter`) in the verifier's hot
// checks: it must answer exactly what those scans answered.
describe('ManifestIndex', () => {
  const role = (ns: string | undefined, name: unknown, tag: string): any => ({ kind: 'Role', metadata: { namespace: ns, name }, tag });
  const binding = (ns: string, name: string, subjects: any[]): any => ({ kind: 'RoleBinding', metadata: { namespace: ns, name }, subjects });
  const manifests = [
    role('a', 'r', 'first'), role('a', 'r', 'second'), role('b', 'r', 'other-ns'), role(undefined, 'r', 'no-ns'), role('a', 5, 'numeric'),
    { kind: 'ClusterRole', metadata: { name: 'c' } },
    binding('t1', 'b1', [{ kind: 'ServiceAccount', name: 'sa', namespace: 'agents' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'agents' }]),
    binding('t2', 'b2', [{ kind: 'ServiceAccount', name: 'sa' }]),
    binding('t1', 'b3', [{ kind: 'User', name: 'sa', namespace: 'agents' }, null, 'x']),
    { kind: 'RoleBinding', metadata: { namespace: 't1', name: 'b4' }, subjects: 'not a list' },
    binding('t3', 'b5', [{ kind: 'ServiceAccount', name: 'sa', namespace: 'agents' }]),
  ];
  const index = ManifestIndex.of(manifests);

  test('is built once per manifests array', () => {
    expect(ManifestIndex.of(manifests)).toBe(index);
    expect(ManifestIndex.of([...manifests])).not.toBe(index);
  });

  test('find and findNamed return the first match in output order, with strict equality on raw values', () => {
    expect(index.find('Role', 'a', 'r').tag).toBe(manifests.find(m => m.kind === 'Role' && m.metadata.namespace === 'a' && m.metadata.name === 'r').tag);
    expect(index.find('Role', 'a', 'r').tag).toBe('first');
    expect(index.find('Role', undefined, 'r').tag).toBe('no-ns');
    expect(index.find('Role', 'a', '5')).toBeUndefined();
    expect(index.find('Role', 'a', 5).tag).toBe('numeric');
    expect(index.findNamed('Role', 'r').tag).toBe('first');
    expect(index.findNamed('ClusterRole', 'c')).toBe(manifests[5]);
    expect(index.findNamed('ClusterRole', 'missing')).toBeUndefined();
    expect(index.ofKind('Role')).toHaveLength(5);
    expect(index.ofKind('Secret')).toEqual([]);
  });

  test('roleBindingsByNamespace: ServiceAccount subjects only, a missing subject namespace is the binding\'s, each binding once', () => {
    const agents = index.roleBindingsByNamespace('sa', 'agents');
    expect([...agents.keys()]).toEqual(['t1', 't3']);
    expect(agents.get('t1')!.map(b => b.metadata.name)).toEqual(['b1']);
    expect(index.roleBindingsByNamespace('sa', 't2').get('t2')!.map(b => b.metadata.name)).toEqual(['b2']);
    expect(index.roleBindingsByNamespace('nobody', 'agents').size).toBe(0);
  });
});

describe('agentSummary (the last line of `agent-trust verify`)', () => {
  test('names up to five agents, counts a fleet', () => {
    expect(agentSummary([])).toBe('no agent');
    expect(agentSummary(['diagnostics'])).toBe('agent(s) diagnostics');
    expect(agentSummary(['a', 'b', 'c', 'd', 'e'])).toBe('agent(s) a, b, c, d, e');
    const fleet = Array.from({ length: 100 }, (_, i) => `agent-${String(i + 1).padStart(3, '0')}`);
    expect(agentSummary(fleet)).toBe('100 agents (agent-001 … agent-100)');
  });
});

describe('checkKubernetesMonotonic scope by scope', () => {
  // The check compares each scope (namespace, cluster) alone; its finding must
  // list exactly what comparing the whole permission sets lists, sorted.
  const { checkKubernetesMonotonic } = require('../../lib/check/private/k8s-invariants');
  const { EffectivePermissions } = require('../../lib/check/effective-permissions');
  const sa = (name: string): any => ({ kind: 'ServiceAccount', name, namespace: 'agents' });
  const role = (kind: string, ns: string | undefined, name: string, rules: any[]): any => ({ kind, metadata: { namespace: ns, name }, rules });
  const bind = (kind: string, ns: string | undefined, name: string, refKind: string, ref: string, subject: string): any =>
    ({ kind, metadata: { namespace: ns, name }, roleRef: { kind: refKind, name: ref }, subjects: [sa(subject)] });
  const rule = (resources: string[], verbs: string[], resourceNames?: string[]): any => ({ apiGroups: [''], resources, verbs, resourceNames });
  const manifests = [
    role('Role', 'a', 'low', [rule(['pods'], ['get', 'list']), rule(['configmaps'], ['get'], ['x'])]),
    role('Role', 'a', 'high', [rule(['pods'], ['get'])]),
    role('Role', 'b', 'low', [rule(['services'], ['get'])]),
    role('ClusterRole', undefined, 'low-c', [rule(['nodes'], ['list'])]),
    role('ClusterRole', undefined, 'high-c', [rule(['nodes'], ['get'])]),
    role('ClusterRole', undefined, 'shared', [rule(['events'], ['list'])]),
    bind('RoleBinding', 'a', 'l', 'Role', 'low', 'phase-low'),
    bind('RoleBinding', 'a', 'h', 'Role', 'high', 'phase-high'),
    bind('RoleBinding', 'b', 'l', 'Role', 'low', 'phase-low'),
    bind('RoleBinding', 'c', 'l', 'ClusterRole', 'shared', 'phase-low'),
    bind('RoleBinding', 'c', 'h', 'ClusterRole', 'shared', 'phase-high'),
    bind('ClusterRoleBinding', undefined, 'lc', 'ClusterRole', 'low-c', 'phase-low'),
    bind('ClusterRoleBinding', undefined, 'hc', 'ClusterRole', 'high-c', 'phase-high'),
  ];
  const phase = (name: string): any => ({ name, serviceAccount: `phase-${name}`, vaultRole: name, vaultAuthMount: 'k', vaultPaths: [] });
  const contracts = [{ agent: 'x', namespace: 'agents', phases: [phase('low'), phase('high')] }];

  test('lists what the whole sets list, sorted, across namespaces and the cluster', () => {
    const found: string[] = [];
    checkKubernetesMonotonic({ manifests, contracts, report: (_r: unknown, _o: string, message: string) => found.push(message) });
    const perms = EffectivePermissions.fromManifests(manifests);
    const expected = perms.forServiceAccount('agents', 'phase-high').missing(perms.forServiceAccount('agents', 'phase-low'));
    // Two grants missing in namespace a, one in b, one cluster-wide; the shared ClusterRole in c is held by both.
    expect(expected).toHaveLength(4);
    expect(expected.filter((g: string) => g.startsWith('a: ') || g.startsWith('b: '))).toEqual(
      ['a: get core/configmaps "x"', 'a: list core/pods', 'b: get core/services']);
    expect(found).toEqual([`phase "high" lacks 4 grant(s) of the phase below ("low"): ${expected.join('; ')}`]);
  });
});
