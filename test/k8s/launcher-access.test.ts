import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AgentFleet, DenyRule, EffectivePermissions, LauncherAccess, RbacDenylist } from '../../lib';
import { errorOf, find, fleetProps, testChart, testFleet } from '../helpers/k8s-fixtures';

describe('LauncherAccess', () => {
  test('ServiceAccount without token automount, Role + RoleBinding in the agent namespace only', () => {
    const chart = testChart();
    const access = new LauncherAccess(chart, 'Launcher', { fleet: testFleet() });
    const out = Testing.synth(chart);
    expect(out.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ServiceAccount agents/agent-launcher', 'Role agents/agent-launcher', 'RoleBinding agents/agent-launcher',
    ]);
    expect(find(out, 'ServiceAccount', 'agent-launcher').automountServiceAccountToken).toBe(false);
    expect(find(out, 'Role', 'agent-launcher').rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'], resourceNames: ['diagnostics-launcher-contract'] },
    ]);
    expect(find(out, 'RoleBinding', 'agent-launcher').subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-launcher', namespace: 'agents' }]);
    expect(access.serviceAccountName).toBe('agent-launcher');
    expect(out).toMatchSnapshot();
  });

  test('effective permissions: Jobs and the contract ConfigMaps, nothing else', () => {
    const chart = testChart();
    new LauncherAccess(chart, 'Launcher', { fleet: testFleet() });
    const perms = EffectivePermissions.fromManifests(Testing.synth(chart)).forServiceAccount('agents', 'agent-launcher');
    expect(perms.allows('agents', 'batch', 'jobs', 'create')).toBe(true);
    expect(perms.allows('agents', '', 'configmaps', 'get', 'diagnostics-launcher-contract')).toBe(true);
    expect(perms.allows('agents', '', 'configmaps', 'get', 'agent-trust-params')).toBe(false);
    expect(perms.allows('agents', '', 'configmaps', 'list')).toBe(false);
    for (const [group, resource] of [['', 'pods'], ['', 'secrets'], ['', 'pods/log'], ['', 'serviceaccounts']]) {
      for (const verb of ['get', 'list', 'create', 'delete']) {
        expect(perms.allows('agents', group, resource, verb)).toBe(false);
      }
    }
    expect(perms.toStrings().every(s => s.startsWith('agents: '))).toBe(true);
    expect(perms.size).toBe(7);
    expect(perms.allows('agents', 'batch', 'jobs', 'delete')).toBe(false);
  });

  test('allowJobDeletion adds delete on Jobs, and nothing else', () => {
    const chart = testChart();
    new LauncherAccess(chart, 'Launcher', { fleet: testFleet(), allowJobDeletion: true });
    const perms = EffectivePermissions.fromManifests(Testing.synth(chart)).forServiceAccount('agents', 'agent-launcher');
    expect(perms.allows('agents', 'batch', 'jobs', 'delete')).toBe(true);
    expect(perms.size).toBe(8);
  });

  test('the launcher may create Jobs (that is its job) but trips no other deny rule', () => {
    const access = new LauncherAccess(testChart(), 'Launcher', { fleet: testFleet() });
    const violations = access.rules.flatMap(r => RbacDenylist.violationsOf(r));
    expect(violations).toEqual([`${DenyRule.CREATE_WORKLOADS.id}: create jobs`]);
  });

  test('every agent\'s contract ConfigMap is readable, sorted', () => {
    const props = fleetProps();
    const fleet = new AgentFleet({ ...props, agents: [...props.agents, { name: 'capacity', image: 'registry.example.com/agents/capacity:2.0.0' }] });
    const chart = testChart();
    new LauncherAccess(chart, 'Launcher', { fleet, serviceAccountName: 'launcher', serviceAccountNamespace: 'agent-system' });
    const out = Testing.synth(chart);
    expect(find(out, 'Role', 'launcher', 'agents').rules[1].resourceNames).toEqual(['capacity-launcher-contract', 'diagnostics-launcher-contract']);
    // The ServiceAccount lives in its own namespace (find throws otherwise) and keeps token automount off there too.
    expect(find(out, 'ServiceAccount', 'launcher', 'agent-system').automountServiceAccountToken).toBe(false);
    expect(find(out, 'RoleBinding', 'launcher', 'agents').subjects).toEqual([{ kind: 'ServiceAccount', name: 'launcher', namespace: 'agent-system' }]);
  });

  test('bad names fail naming field and value', () => {
    const message = errorOf(() => new LauncherAccess(testChart(), 'Launcher', {
      fleet: testFleet(), serviceAccountName: 'agent-phase-autonomous', serviceAccountNamespace: 'payments',
    }));
    expect(message).toContain('serviceAccountName = "agent-phase-autonomous": starts with "agent-phase-"');
    expect(message).toContain('serviceAccountNamespace = "payments": is a target namespace the agents act on');
  });

  test('property: a ServiceAccount name that is not a DNS label is refused naming it', () => {
    fc.assert(fc.property(fc.string({ maxLength: 70 }).filter(s => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63), bad => {
      expect(errorOf(() => new LauncherAccess(testChart(), 'Launcher', { fleet: testFleet(), serviceAccountName: bad })))
        .toContain(`serviceAccountName = ${JSON.stringify(bad)}`);
    }), { numRuns: 50 });
  });
});
