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
