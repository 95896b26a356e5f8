import {
  AccessLevel, AgentFleet, DemotionTrigger, DenyRule, Domain, KubernetesRule, PermissionSet, TrustLadder, TrustPhase,
} from '../../lib';
import { fleetProblemsOf, fleetProps } from './helpers';

const standard = TrustLadder.standard();

describe('standard ladder', () => {
  test('orders shadow < read-only < limited-write < autonomous', () => {
    expect(standard.phases.map(p => p.name)).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
    expect(standard.rankOf(TrustPhase.SHADOW)).toBe(0);
    expect(standard.rankOf(TrustPhase.AUTONOMOUS)).toBe(3);
    expect(standard.isAtOrBelow(TrustPhase.READ_ONLY, TrustPhase.LIMITED_WRITE)).toBe(true);
    expect(standard.isAtOrBelow(TrustPhase.AUTONOMOUS, TrustPhase.LIMITED_WRITE)).toBe(false);
    expect(standard.isAtOrBelow(TrustPhase.of('unknown'), TrustPhase.AUTONOMOUS)).toBe(false);
    expect(standard.previous(TrustPhase.SHADOW)).toBeUndefined();
    expect(standard.previous(TrustPhase.AUTONOMOUS)?.name).toBe('limited-write');
    expect(standard.phasesUpTo(TrustPhase.READ_ONLY).map(p => p.name)).toEqual(['shadow', 'read-only']);
    expect(standard.lowest.name).toBe('shadow');
    expect(standard.highest.name).toBe('autonomous');
  });

  test('TrustPhase.of returns the standard instances by name', () => {
    expect(TrustPhase.of('read-only')).toBe(TrustPhase.READ_ONLY);
    expect(TrustPhase.of('canary').name).toBe('canary');
    expect(TrustPhase.of('canary').sameAs(TrustPhase.of('canary'))).toBe(true);
  });

  test('unknown phase lookups throw listing the ladder', () => {
    expect(() => standard.phase('root')).toThrow(/unknown trust phase "root"; this ladder has shadow, read-only, limited-write, autonomous/);
    expect(() => standard.definition(TrustPhase.of('root'))).toThrow(/"root"/);
  });

  test('shadow may only use the LLM domain; higher phases use every domain at their level', () => {
    for (const d of Domain.standard()) {
      expect(standard.accessFor(TrustPhase.SHADOW, d)).toBe(d === Domain.LLM ? AccessLevel.READ_ONLY : AccessLevel.NONE);
      expect(standard.accessFor(TrustPhase.READ_ONLY, d)).toBe(AccessLevel.READ_ONLY);
      expect(standard.accessFor(TrustPhase.LIMITED_WRITE, d)).toBe(AccessLevel.LIMITED_WRITE);
      expect(standard.accessFor(TrustPhase.AUTONOMOUS, d)).toBe(AccessLevel.AUTONOMOUS);
    }
  });

  test('each phase holds every Kubernetes permission of the phase below', () => {
    const sets = standard.definitions.map(d => PermissionSet.fromRules(d.kubernetesRules, ['ns']));
    for (let i = 1; i < sets.length; i++) {
      expect(sets[i].missing(sets[i - 1])).toEqual([]);
      expect(sets[i].addedOver(sets[i - 1]).length).toBeGreaterThan(0);
    }
  });

  test('what each promotion adds matches the design', () => {
    const set = (p: TrustPhase) => PermissionSet.fromRules(standard.definition(p).kubernetesRules, ['payments']);
    expect(set(TrustPhase.LIMITED_WRITE).addedOver(set(TrustPhase.READ_ONLY))).toEqual([
      'payments: delete core/pods',
      'payments: get apps/deployments/scale',
      'payments: get apps/statefulsets/scale',
      'payments: patch apps/deployments/scale',
      'payments: patch apps/statefulsets/scale',
    ]);
    expect(set(TrustPhase.AUTONOMOUS).addedOver(set(TrustPhase.LIMITED_WRITE))).toEqual([
      'payments: create autoscaling/horizontalpodautoscalers',
      'payments: patch autoscaling/horizontalpodautoscalers',
    ]);
  });

  test('no standard phase reads secrets or holds anything on the denylist', () => {
    for (const def of standard.definitions) {
      const set = PermissionSet.fromRules(def.kubernetesRules, ['ns']);
      expect(set.toStrings().filter(g => /secrets|\*|exec|escalate|bind|impersonate/.test(g))).toEqual([]);
      for (const rule of def.kubernetesRules) {
        for (const deny of DenyRule.all()) {
          expect(deny.violations(rule)).toEqual([]);
        }
      }
    }
  });

  test('cluster-scoped reads are limited to nodes and namespaces', () => {
    const cluster = standard.definition(TrustPhase.AUTONOMOUS).kubernetesRules.filter(r => r.clusterScoped);
    expect(cluster).toEqual([{ apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: ['get', 'list', 'watch'], clusterScoped: true }]);
  });

  test('promotion criteria exist above the lowest phase and demotion triggers default', () => {
    expect(standard.definition(TrustPhase.SHADOW).promotion).toBeUndefined();
    expect(standard.definition(TrustPhase.READ_ONLY).promotion).toEqual(
      { minInvestigations: 25, minSuccessRate: 0.9, maxPolicyViolations: 0, minDays: 7, requiredApprovals: 1 });
    expect(standard.demotionTriggers(TrustPhase.READ_ONLY)).toEqual([DemotionTrigger.POLICY_VIOLATION, DemotionTrigger.SECURITY_INCIDENT]);
    expect(standard.demotionTriggers(TrustPhase.AUTONOMOUS)).toContain(DemotionTrigger.SUCCESS_RATE_DROP);
  });

  test('the standard ladder snapshot (what a reviewer reads)', () => {
    expect(standard.definitions.map(d => ({
      phase: d.phase.name,
      description: d.description,
      kubernetes: PermissionSet.fromRules(d.kubernetesRules, ['<target>']).toStrings(),
      access: Domain.standard().map(dom => `${dom.name}=${standard.accessFor(d.phase, dom).name}`),
      promotion: d.promotion,
    }))).toMatchSnapshot();
  });
});

describe('custom ladders', () => {
  const read: KubernetesRule = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };
  const criteria = { minInvestigations: 10, minSuccessRate: 0.8, minDays: 3, requiredApprovals: 1 };

  test('a valid five-phase ladder is accepted', () => {
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('observe'), description: 'o', kubernetesRules: [read] },
      { phase: TrustPhase.of('suggest'), description: 's', kubernetesRules: [read], defaultAccess: AccessLevel.READ_ONLY, promotion: criteria },
      { phase: TrustPhase.of('canary'), description: 'c', kubernetesRules: [read, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }], defaultAccess: AccessLevel.READ_ONLY, promotion: criteria },
      { phase: TrustPhase.of('write'), description: 'w', kubernetesRules: [read, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }], defaultAccess: AccessLevel.LIMITED_WRITE, promotion: criteria },
      { phase: TrustPhase.of('auto'), description: 'a', kubernetesRules: [read, { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }], defaultAccess: AccessLevel.AUTONOMOUS, promotion: criteria },
    ]);
    const fleet = new AgentFleet(fleetProps({ ladder, agents: [{ name: 'a', image: 'registry.example.com/a:1', ceiling: TrustPhase.of('canary') }] }));
    expect(fleet.ladder.phases.map(p => p.name)).toEqual(['observe', 'suggest', 'canary', 'write', 'auto']);
    expect(fleet.ceilingOf(fleet.agents[0]).name).toBe('canary');
  });

  test('a phase name that is not a DNS label is rejected naming field and value', () => {
    const ladder = new TrustLadder([{ phase: TrustPhase.of('Read_Only'), description: 'x', kubernetesRules: [read] }]);
    const problems = fleetProblemsOf(fleetProps({ ladder }));
    expect(problems).toEqual([expect.objectContaining({
      path: 'AgentFleet/ladder/phases[0]', field: 'phase.name', value: '"Read_Only"', message: 'is not an RFC 1123 DNS label',
    })]);
  });

  test('a phase name too long for agent-phase-<name> is rejected', () => {
    const name = 'p'.repeat(52);
    const ladder = new TrustLadder([{ phase: TrustPhase.of(name), description: 'x', kubernetesRules: [read] }]);
    const [problem] = fleetProblemsOf(fleetProps({ ladder }));
    expect(problem.field).toBe('phase.name');
    expect(problem.message).toBe('is 52 characters, longer than the 51 allowed here');
  });

  test('a duplicate phase is rejected', () => {
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('watch'), description: 'x', kubernetesRules: [read] },
      { phase: TrustPhase.of('watch'), description: 'y', kubernetesRules: [read], promotion: criteria },
    ]);
    expect(fleetProblemsOf(fleetProps({ ladder }))).toEqual([expect.objectContaining({
      path: 'AgentFleet/ladder/phases[1]', field: 'phase.name', value: '"watch"', message: 'is declared twice in this ladder',
    })]);
  });

  test('an empty ladder is rejected', () => {
    expect(fleetProblemsOf(fleetProps({ ladder: new TrustLadder([]), agents: [{ name: 'a', image: 'r.io/a:1', ceiling: TrustPhase.SHADOW }] })))
      .toEqual(expect.arrayContaining([expect.objectContaining({ field: 'phases', message: 'a ladder needs at least one phase' })]));
  });

  test('a phase that grants less than the one below it is rejected (Kubernetes and Vault)', () => {
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('low'), description: 'x', kubernetesRules: [read, { apiGroups: [''], resources: ['events'], verbs: ['list'] }], defaultAccess: AccessLevel.LIMITED_WRITE },
      { phase: TrustPhase.of('high'), description: 'y', kubernetesRules: [read], defaultAccess: AccessLevel.READ_ONLY, promotion: criteria },
    ]);
    const problems = fleetProblemsOf(fleetProps({ ladder, domains: [{ domain: Domain.DATABASE }] }));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'AgentFleet/ladder/phases[1]', field: 'kubernetesRules', value: '"high"',
        message: 'grants less than the phase below ("low"): missing list core/events',
      }),
      expect.objectContaining({
        path: 'AgentFleet/ladder/phases[1]', field: 'access(database)', value: '"read-only"',
        message: 'is lower than "limited-write" held by the phase below ("low")',
      }),
    ]);
  });

  test('a higher phase without promotion criteria, and bad criteria, are rejected', () => {
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('low'), description: 'x', kubernetesRules: [read] },
      { phase: TrustPhase.of('mid'), description: 'y', kubernetesRules: [read] },
      { phase: TrustPhase.of('top'), description: 'z', kubernetesRules: [read], promotion: { minInvestigations: -1, minSuccessRate: 90, minDays: 1.5, requiredApprovals: 0 } },
    ]);
    const problems = fleetProblemsOf(fleetProps({ ladder }));
    expect(problems.map(p => `${p.path} ${p.field}=${p.value}`)).toEqual([
      'AgentFleet/ladder/phases[1] promotion=(unset)',
      'AgentFleet/ladder/phases[2] promotion.minInvestigations=-1',
      'AgentFleet/ladder/phases[2] promotion.minDays=1.5',
      'AgentFleet/ladder/phases[2] promotion.minSuccessRate=90',
    ]);
  });

  test('`*` and `secrets` in a rule are rejected naming the deny rule and the fix', () => {
    const ladder = new TrustLadder([{
      phase: TrustPhase.of('bad'), description: 'x', kubernetesRules: [
        { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
      ],
    }]);
    const problems = fleetProblemsOf(fleetProps({ ladder }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ field: 'kubernetesRules[0]', value: '"get */pods"' });
    expect(problems[0].message).toContain('apiGroups "*"');
    expect(problems[0].message).toContain('deny rule "wildcard"');
    expect(problems[0].hint).toContain('DenyRule.WILDCARD');
    expect(problems[1]).toMatchObject({ field: 'kubernetesRules[1]', value: '"get,list core/secrets"' });
    expect(problems[1].message).toBe('grants get secrets, list secrets, forbidden by deny rule "secrets" (secrets are read through Vault, never through the Kubernetes API)');
  });

  test('an override with a reason lifts exactly one deny rule; without a reason it does not', () => {
    const rules: KubernetesRule[] = [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }];
    const ok = new TrustLadder([{ phase: TrustPhase.of('debug'), description: 'x', kubernetesRules: rules,
      allowDenied: [{ rule: DenyRule.POD_SHELL, reason: 'break-glass debugging agent, approved in SEC-123' }] }]);
    expect(() => new AgentFleet(fleetProps({ ladder: ok }))).not.toThrow();

    const noReason = new TrustLadder([{ phase: TrustPhase.of('debug'), description: 'x', kubernetesRules: rules,
      allowDenied: [{ rule: DenyRule.POD_SHELL, reason: ' ' }] }]);
    expect(fleetProblemsOf(fleetProps({ ladder: noReason })).map(p => p.field)).toEqual(['allowDenied[0].reason', 'kubernetesRules[0]']);

    const wrongRule = new TrustLadder([{ phase: TrustPhase.of('debug'), description: 'x', kubernetesRules: rules,
      allowDenied: [{ rule: DenyRule.SECRETS, reason: 'this does not cover exec at all' }] }]);
    expect(fleetProblemsOf(fleetProps({ ladder: wrongRule }))[0].message).toContain('deny rule "pod-shell"');
  });

  test('cluster-scoped writes and empty rule fields are rejected', () => {
    const ladder = new TrustLadder([{ phase: TrustPhase.of('x'), description: 'x', kubernetesRules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'], clusterScoped: true },
      { apiGroups: [], resources: ['pods'], verbs: [] },
    ] }]);
    const problems = fleetProblemsOf(fleetProps({ ladder }));
    expect(problems.map(p => p.field)).toEqual(['kubernetesRules[0].verbs', 'kubernetesRules[1].apiGroups', 'kubernetesRules[1].verbs']);
    expect(problems[0].message).toContain('a cluster-scoped rule may only read');
  });

  test('domain access naming an undeclared custom domain is rejected; an undeclared standard domain grants nothing', () => {
    const ladder = new TrustLadder([{ phase: TrustPhase.of('x'), description: 'x', kubernetesRules: [read],
      domainAccess: [{ domain: Domain.of('billing'), level: AccessLevel.READ_ONLY }] }]);
    expect(fleetProblemsOf(fleetProps({ ladder, domains: [{ domain: Domain.LLM }] }))).toEqual([expect.objectContaining({
      field: 'domainAccess[0].domain', value: '"billing"', message: 'is not a domain of this fleet',
    })]);
    // The standard ladder gives shadow the LLM domain; a fleet without it simply has no Vault path in shadow.
    const fleet = new AgentFleet(fleetProps({ domains: [{ domain: Domain.DATABASE }] }));
    expect(fleet.credentialPaths(TrustPhase.SHADOW)).toEqual([]);
    expect(fleet.credentialPaths(TrustPhase.READ_ONLY)).toEqual(['agents/database/creds/read-only']);
  });
});
