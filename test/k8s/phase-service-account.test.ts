import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AgentTrustErrors, DenyRule, EffectivePermissions, KubernetesRule, LadderServiceAccounts, PermissionSet,
  PhaseNetworkPolicy, PhaseServiceAccount, RbacDenylist, TrustPhase,
} from '../../lib';
import { errorOf, find, ofKind, testChart, testFleet } from '../helpers/k8s-fixtures';
import { objectDigests, rbacLines } from '../helpers/summary';

const READ = ['get', 'list', 'watch'];

describe('PhaseServiceAccount', () => {
  test('read-only: ServiceAccount without token automount, a Role + RoleBinding per target namespace, one ClusterRole', () => {
    // GIVEN
    const fleet = testFleet();
    const chart = testChart();
    // WHEN
    const sa = new PhaseServiceAccount(chart, 'ReadOnly', { fleet, phase: TrustPhase.READ_ONLY });
    const out = Testing.synth(chart);
    // THEN
    const account = find(out, 'ServiceAccount', 'agent-phase-read-only', 'agents');
    expect(account.automountServiceAccountToken).toBe(false);
    for (const ns of ['payments', 'checkout']) {
      const role = find(out, 'Role', `agent-phase-read-only.${ns}`, ns);
      expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['pods', 'pods/status', 'events'], verbs: READ });
      expect(JSON.stringify(role.rules)).not.toContain('secrets');
      expect(role.rules.some((r: any) => r.resources.includes('nodes'))).toBe(false);
      const binding = find(out, 'RoleBinding', `agent-phase-read-only.${ns}`, ns);
      // The namespace in the name: cdk8s's per-resource output names files <kind>.<name> and would overwrite one with another.
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `agent-phase-read-only.${ns}` });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-phase-read-only', namespace: 'agents' }]);
    }
    expect(ofKind(out, 'Role')).toHaveLength(2);
    const clusterRole = find(out, 'ClusterRole', 'agent-trust-agents-agent-phase-read-only');
    expect(clusterRole.metadata.namespace).toBeUndefined();
    expect(clusterRole.rules).toEqual([{ apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: READ }]);
    const crb = find(out, 'ClusterRoleBinding', 'agent-trust-agents-agent-phase-read-only');
    expect(crb.roleRef.name).toBe(clusterRole.metadata.name);
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-phase-read-only', namespace: 'agents' }]);
    expect(sa.serviceAccountName).toBe('agent-phase-read-only');
    expect(sa.roles).toHaveLength(2);
    expect(rbacLines(out)).toMatchSnapshot();
    expect(objectDigests(out)).toMatchSnapshot();
  });

  test('shadow has no cluster-scoped rule, so no ClusterRole', () => {
    const chart = testChart();
    const sa = new PhaseServiceAccount(chart, 'Shadow', { fleet: testFleet(), phase: TrustPhase.SHADOW });
    const out = Testing.synth(chart);
    expect(ofKind(out, 'ClusterRole')).toHaveLength(0);
    expect(ofKind(out, 'ClusterRoleBinding')).toHaveLength(0);
    expect(sa.clusterRole).toBeUndefined();
    expect(find(out, 'Role', 'agent-phase-shadow.payments', 'payments').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'pods/status', 'events'], verbs: READ },
    ]);
  });

  test('additional rules are granted next to the ladder\'s', () => {
    const chart = testChart();
    const extra: KubernetesRule = { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: READ };
    const sa = new PhaseServiceAccount(chart, 'ReadOnly', { fleet: testFleet(), phase: TrustPhase.READ_ONLY, additionalRules: [extra] });
    const out = Testing.synth(chart);
    expect(find(out, 'Role', 'agent-phase-read-only.checkout', 'checkout').rules).toContainEqual(extra);
    expect(sa.permissions().allows('payments', 'monitoring.coreos.com', 'servicemonitors', 'list')).toBe(true);
  });

  test('the synthesized RBAC grants exactly the model\'s permissions (effective permissions)', () => {
    const fleet = testFleet();
    for (const phase of fleet.ladder.phases) {
      const chart = testChart();
      const sa = new PhaseServiceAccount(chart, 'Phase', { fleet, phase });
      const effective = EffectivePermissions.fromManifests(Testing.synth(chart)).forServiceAccount('agents', sa.serviceAccountName);
      const expected = PermissionSet.fromRules(fleet.ladder.definition(phase).kubernetesRules, fleet.targetNamespaces);
      expect(effective.toStrings()).toEqual(expected.toStrings());
    }
  });

  test.each([
    ['secrets', { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }, 'secrets', 'get secrets'],
    ['a wildcard resource', { apiGroups: [''], resources: ['*'], verbs: ['get'] }, 'wildcard', 'resources "*"'],
    ['a wildcard verb', { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }, 'wildcard', 'verbs "*"'],
    ['pods/exec', { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }, 'pod-shell', 'create pods/exec'],
    ['escalate', { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }, 'privilege-verbs', 'verb "escalate"'],
  ] as Array<[string, KubernetesRule, string, string]>)('a forbidden rule (%s) fails synth naming the field, the value and the deny rule', (_, rule, denyId, grant) => {
    const chart = testChart();
    const message = errorOf(() => new PhaseServiceAccount(chart, 'Phase', {
      fleet: testFleet(), phase: TrustPhase.READ_ONLY, additionalRules: [rule],
    }));
    expect(message).toContain('test/Phase is invalid');
    expect(message).toContain(`additionalRules[0] = ${JSON.stringify(RbacDenylist.describe(rule))}`);
    expect(message).toContain(`grants ${grant}`);
    expect(message).toContain(`forbidden by deny rule "${denyId}"`);
    expect(message).toContain('allowDenied');
  });

  test('a named override with a reason lifts a deny rule; without a reason it does not', () => {
    const rule: KubernetesRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['app-ca'] };
    const chart = testChart();
    new PhaseServiceAccount(chart, 'Phase', {
      fleet: testFleet(), phase: TrustPhase.READ_ONLY, additionalRules: [rule],
      allowDenied: [{ rule: DenyRule.SECRETS, reason: 'reads the public CA bundle stored as a secret' }],
    });
    expect(find(Testing.synth(chart), 'Role', 'agent-phase-read-only.payments', 'payments').rules).toContainEqual(rule);

    const message = errorOf(() => new PhaseServiceAccount(testChart(), 'Phase', {
      fleet: testFleet(), phase: TrustPhase.READ_ONLY, additionalRules: [rule],
      allowDenied: [{ rule: DenyRule.SECRETS, reason: '' }],
    }));
    expect(message).toContain('allowDenied[0].reason = "": an override of deny rule "secrets" needs a reason');
    expect(message).toContain('forbidden by deny rule "secrets"');
  });

  test('an unknown phase fails naming the phase and the ladder\'s phases', () => {
    const message = errorOf(() => new PhaseServiceAccount(testChart(), 'Phase', { fleet: testFleet(), phase: TrustPhase.of('yolo') }));
    expect(message).toContain('phase = "yolo": is not a phase of the fleet\'s ladder');
    expect(message).toContain('use one of shadow, read-only, limited-write, autonomous');
  });

  test('malformed additional rules are all reported', () => {
    const rules = [
      { apiGroups: [], resources: ['pods'], verbs: READ },
      { apiGroups: [''], resources: ['Pods'], verbs: ['GET'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'], clusterScoped: true },
    ] as KubernetesRule[];
    const message = errorOf(() => new PhaseServiceAccount(testChart(), 'Phase', {
      fleet: testFleet(), phase: TrustPhase.READ_ONLY, additionalRules: rules,
    }));
    expect(message).toContain('additionalRules[0].apiGroups = []: must list at least one entry');
    expect(message).toContain('additionalRules[1].resources[0] = "Pods": is not a valid RBAC resource');
    expect(message).toContain('additionalRules[1].verbs[0] = "GET": is not a valid RBAC verb');
    expect(message).toContain('additionalRules[2].verbs = ["get","patch"]: a cluster-scoped rule may only read');
  });

  test('a chart namespace does not leak onto the ClusterRole', () => {
    const chart = new Chart(Testing.app(), 'ns', { namespace: 'agents' });
    new PhaseServiceAccount(chart, 'Phase', { fleet: testFleet(), phase: TrustPhase.READ_ONLY });
    const out = Testing.synth(chart);
    expect(find(out, 'ClusterRole', 'agent-trust-agents-agent-phase-read-only').metadata.namespace).toBeUndefined();
    expect(find(out, 'ClusterRoleBinding', 'agent-trust-agents-agent-phase-read-only').metadata.namespace).toBeUndefined();
    // Namespaced Roles keep the namespace they name, whatever the chart's.
    expect(find(out, 'Role', 'agent-phase-read-only.payments', 'payments').metadata.namespace).toBe('payments');
  });

  // Property: whatever (valid) rules a user adds, either synth refuses them
  // naming the deny rule, or every synthesized permission is denylist-clean
  // and the user's rules are granted in every target namespace.
  test('property: user rules are either refused by the denylist or granted exactly', () => {
    const word = fc.constantFrom('pods', 'secrets', 'pods/exec', 'pods/log', 'configmaps', 'nodes/proxy', 'roles',
      'deployments', 'serviceaccounts/token', '*', 'events', 'namespaces');
    const verb = fc.constantFrom('get', 'list', 'watch', 'create', 'patch', 'delete', 'escalate', 'bind', 'impersonate', '*');
    const group = fc.constantFrom('', 'apps', 'rbac.authorization.k8s.io', '*', 'batch');
    const rule = fc.record({
      apiGroups: fc.uniqueArray(group, { minLength: 1, maxLength: 2 }),
      resources: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
      verbs: fc.uniqueArray(verb, { minLength: 1, maxLength: 3 }),
    });
    const fleet = testFleet();
    fc.assert(fc.property(fc.array(rule, { minLength: 1, maxLength: 3 }), rules => {
      const denied = rules.flatMap(r => RbacDenylist.violationsOf(r));
      const chart = testChart();
      let error: unknown;
      try {
        new PhaseServiceAccount(chart, 'Phase', { fleet, phase: TrustPhase.SHADOW, additionalRules: rules });
      } catch (e) {
        error = e;
      }
      if (denied.length > 0) {
        expect(AgentTrustErrors.isValidationError(error)).toBe(true);
        const fields = AgentTrustErrors.problemsOf(error).map(p => p.field);
        rules.forEach((r, i) => {
          if (RbacDenylist.violationsOf(r).length > 0) {
            expect(fields).toContain(`additionalRules[${i}]`);
          }
        });
        return;
      }
      expect(error).toBeUndefined();
      const out = Testing.synth(chart);
      const perms = EffectivePermissions.fromManifests(out);
      for (const scoped of perms.rulesOf('agents', 'agent-phase-shadow')) {
        expect(RbacDenylist.violationsOf(scoped.rule)).toEqual([]);
      }
      const granted = perms.forServiceAccount('agents', 'agent-phase-shadow');
      expect(granted.missing(PermissionSet.fromRules(rules, fleet.targetNamespaces))).toEqual([]);
    }), { numRuns: 60 });
  });
});

describe('LadderServiceAccounts', () => {
  test('one PhaseServiceAccount per phase, lowest first, each phase granting at least the one below', () => {
    const fleet = testFleet();
    const chart = testChart();
    const ladder = new LadderServiceAccounts(chart, 'Phases', { fleet });
    const out = Testing.synth(chart);
    expect(ladder.serviceAccounts.map(s => s.serviceAccountName)).toEqual([
      'agent-phase-shadow', 'agent-phase-read-only', 'agent-phase-limited-write', 'agent-phase-autonomous',
    ]);
    expect(ofKind(out, 'ServiceAccount')).toHaveLength(4);
    expect(ofKind(out, 'Role')).toHaveLength(8);
    expect(ofKind(out, 'ClusterRole').map(r => r.metadata.name)).toEqual([
      'agent-trust-agents-agent-phase-read-only', 'agent-trust-agents-agent-phase-limited-write', 'agent-trust-agents-agent-phase-autonomous',
    ]);
    expect(ladder.forPhase('limited-write').phase).toBe(TrustPhase.LIMITED_WRITE);
    expect(() => ladder.forPhase('nope')).toThrow(/unknown phase "nope"; use one of shadow/);
    const perms = EffectivePermissions.fromManifests(out);
    const sets = fleet.ladder.phases.map(p => perms.forServiceAccount('agents', `agent-phase-${p.name}`));
    for (let i = 1; i < sets.length; i++) {
      expect(sets[i].missing(sets[i - 1])).toEqual([]);
      expect(sets[i].size).toBeGreaterThan(sets[i - 1].size);
    }
    expect(rbacLines(out)).toMatchSnapshot();
    expect(objectDigests(out)).toMatchSnapshot();
  });

  test('a rule added to a lower phase only fails synth: the higher phase grants less', () => {
    const chart = testChart();
    new LadderServiceAccounts(chart, 'Phases', {
      fleet: testFleet(),
      additionalRules: { 'read-only': [{ apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['get'] }] },
    });
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toContain('test/Phases/limited-write: rules = "limited-write": grants less than the phase below ("read-only")');
    expect(message).toContain('payments: get monitoring.coreos.com/servicemonitors');
    expect(message).toContain('checkout: get monitoring.coreos.com/servicemonitors');
    // Checked pairwise: autonomous still covers limited-write, so only the first gap is reported.
    expect(message).not.toContain('test/Phases/autonomous');
  });

  test('the same rule added to every phase from there up keeps the ladder monotonic', () => {
    const rule: KubernetesRule = { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['get'] };
    const chart = testChart();
    new LadderServiceAccounts(chart, 'Phases', {
      fleet: testFleet(),
      additionalRules: { 'read-only': [rule], 'limited-write': [rule], 'autonomous': [rule] },
    });
    expect(find(Testing.synth(chart), 'Role', 'agent-phase-autonomous.payments', 'payments').rules).toContainEqual(rule);
  });

  test('unknown phase names in the per-phase maps fail naming the key', () => {
    const message = errorOf(() => new LadderServiceAccounts(testChart(), 'Phases', {
      fleet: testFleet(),
      additionalRules: { 'read-write': [] },
      allowDenied: { god: [] },
    }));
    expect(message).toContain('additionalRules["read-write"] = "read-write": is not a phase of the fleet\'s ladder');
    expect(message).toContain('allowDenied["god"] = "god": is not a phase');
  });

  test('per-phase overrides reach the phase', () => {
    const rule: KubernetesRule = { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] };
    const reason = 'break-glass debugging approved by the platform team';
    const chart = testChart();
    new LadderServiceAccounts(chart, 'Phases', {
      fleet: testFleet(),
      additionalRules: { autonomous: [rule] },
      allowDenied: { autonomous: [{ rule: DenyRule.POD_SHELL, reason }] },
    });
    expect(find(Testing.synth(chart), 'Role', 'agent-phase-autonomous.payments', 'payments').rules).toContainEqual(rule);
  });
});

describe('phases above the highest ceiling get no identities (issue #17)', () => {
  const readOnlyFleet = (): ReturnType<typeof testFleet> => testFleet({
    renderAllPhases: false,
    agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY }],
  });

  test('LadderServiceAccounts renders ServiceAccounts, Roles and bindings only up to the highest ceiling', () => {
    const chart = testChart();
    const ladder = new LadderServiceAccounts(chart, 'Phases', { fleet: readOnlyFleet() });
    expect(ladder.serviceAccounts.map(s => s.phase.name)).toEqual(['shadow', 'read-only']);
    const out = Testing.synth(chart);
    const names = out.map(m => `${m.kind}/${m.metadata.name}`);
    expect(names.filter(n => /limited-write|autonomous/.test(n))).toEqual([]);
    expect(ofKind(out, 'ServiceAccount').map(m => m.metadata.name)).toEqual(['agent-phase-shadow', 'agent-phase-read-only']);
    expect(() => ladder.forPhase('autonomous')).toThrow(/unknown phase "autonomous"; use one of shadow, read-only/);
  });

  test('a construct asked to render a phase above the highest ceiling fails at synth naming the fix', () => {
    const fleet = readOnlyFleet();
    for (const make of [
      (c: Chart) => new PhaseServiceAccount(c, 'Autonomous', { fleet, phase: TrustPhase.AUTONOMOUS }),
      (c: Chart) => new PhaseNetworkPolicy(c, 'Autonomous', { fleet, phase: TrustPhase.AUTONOMOUS }),
    ]) {
      expect(() => make(testChart())).toThrow('trust phase "autonomous" of fleet "agents" is above the highest agent ceiling ("read-only"), '
        + 'so it has no identities (ServiceAccount, RBAC, NetworkPolicy, Vault role and policy); raise an agent\'s ceiling to "autonomous" '
        + 'and re-synthesize (a reviewed promotion), or render only shadow, read-only');
    }
  });

  test('raising the ceiling (or renderAllPhases) adds the phase', () => {
    const raised = testFleet({ renderAllPhases: false,
      agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.AUTONOMOUS }] });
    expect(new LadderServiceAccounts(testChart(), 'Phases', { fleet: raised }).serviceAccounts).toHaveLength(4);
    const all = testFleet({ agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2' }], renderAllPhases: true });
    expect(new PhaseServiceAccount(testChart(), 'A', { fleet: all, phase: TrustPhase.AUTONOMOUS }).phase).toBe(TrustPhase.AUTONOMOUS);
  });
});
