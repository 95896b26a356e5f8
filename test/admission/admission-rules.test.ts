import * as fc from 'fast-check';
import { defaultFleet } from '../../examples/default/fleet';
import { AdmissionDenialReason, AdmissionRules, TrustDuration, TrustPhase } from '../../lib/model';
import { ADMISSION_VARIABLES, CelHarness } from '../helpers/cel-harness';
import { fleetWith, pathsOf, setup, withoutPaths } from './fixtures';

describe('AdmissionRules (model data)', () => {
  const fleet = defaultFleet();
  const rules = AdmissionRules.forFleet(fleet);

  test('ids are unique kebab-case and every message names its rule', () => {
    const ids = rules.map(r => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.message.startsWith(`agent-trust [${r.id}]: `)).toBe(true);
      expect(AdmissionRules.ruleIdOf(r.message)).toBe(r.id);
      // Kubernetes rejects a message with a line break.
      expect(r.message).not.toMatch(/[\r\n]/);
      expect(r.description.length).toBeGreaterThan(10);
      expect([AdmissionDenialReason.FORBIDDEN, AdmissionDenialReason.INVALID]).toContain(r.reason);
    }
  });

  test('the rule set covers every invariant of the issue', () => {
    expect(rules.map(r => r.id)).toEqual([
      'agent-known', 'phase-known', 'phase-within-ceiling', 'service-account-matches-phase',
      'name-matches-investigation', 'pod-labels-match-job', 'backoff-limit-zero', 'single-attempt', 'deadline-within-maximum',
      'resource-limits', 'image-registry-allowed', 'token-not-automounted', 'seccomp-profile', 'run-as-non-root',
      'no-privilege-escalation', 'capabilities-dropped', 'not-privileged', 'no-host-namespaces', 'no-host-path-or-port',
    ]);
  });

  const variableNames = AdmissionRules.variables().map(v => v.name);

  test.each(rules.map(r => [r.id, r] as const))('%s uses only standard CEL + strings extension functions and admission variables', (_id, rule) => {
    for (const expression of [rule.expression, rule.messageExpression].filter((e): e is string => e !== undefined)) {
      expect(CelHarness.functionsOutsideKubernetes(expression)).toEqual([]);
      const free = CelHarness.freeIdentifiers(expression);
      expect(free.filter(v => !ADMISSION_VARIABLES.has(v))).toEqual([]);
      // Only the Job, the params and the policy variables are read: oldObject/request/namespaceObject never matter.
      expect(free.filter(v => !['object', 'params', 'variables'].includes(v))).toEqual([]);
      expect(CelHarness.variablesRead(expression).filter(v => !variableNames.includes(v))).toEqual([]);
    }
  });

  test('variables are CEL identifiers, standard CEL, and read only variables defined before them', () => {
    expect(variableNames).toEqual(['agent', 'phase', 'investigationId', 'ceiling', 'phaseKnown', 'phaseRank', 'ceilingRank']);
    AdmissionRules.variables().forEach((v, i) => {
      expect(v.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      expect(v.description.length).toBeGreaterThan(5);
      expect(CelHarness.functionsOutsideKubernetes(v.expression)).toEqual([]);
      expect(CelHarness.freeIdentifiers(v.expression).filter(x => !['object', 'params', 'variables'].includes(x))).toEqual([]);
      expect(CelHarness.variablesRead(v.expression).filter(x => !variableNames.slice(0, i).includes(x))).toEqual([]);
    });
    expect(CelHarness.variablesRead('variables.a + variables.b.c + x.variables')).toEqual(['a', 'b']);
  });

  test('audit annotations: valid keys, standard CEL, only variables read', () => {
    const annotations = AdmissionRules.auditAnnotations();
    expect(annotations.map(a => a.key)).toEqual(['agent', 'trust-phase', 'investigation-id']);
    for (const a of annotations) {
      expect(a.key).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
      expect(CelHarness.functionsOutsideKubernetes(a.valueExpression)).toEqual([]);
      expect(CelHarness.freeIdentifiers(a.valueExpression)).toEqual(['variables']);
      expect(CelHarness.variablesRead(a.valueExpression).filter(v => !variableNames.includes(v))).toEqual([]);
    }
  });

  test('every variable is used by some rule', () => {
    const read = new Set([...rules.flatMap(r => [r.expression, r.messageExpression ?? 'true']), ...AdmissionRules.variables().map(v => v.expression)]
      .flatMap(e => CelHarness.variablesRead(e)));
    expect(variableNames.filter(v => !read.has(v))).toEqual([]);
  });

  test('match conditions use only standard CEL and read only what a matchCondition may (object, oldObject, request; no params)', () => {
    for (const c of AdmissionRules.matchConditions()) {
      expect(c.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(CelHarness.functionsOutsideKubernetes(c.expression)).toEqual([]);
      expect(CelHarness.freeIdentifiers(c.expression)).toEqual(['object', 'oldObject', 'request']);
    }
  });

  test('the function allowlist check can fail (a non-Kubernetes function is reported)', () => {
    expect(CelHarness.functionsOutsideKubernetes('object.spec.containers.sortBy(c, c.name).size() > 0 && foo(1)'))
      .toEqual(['foo', 'sortBy']);
    expect(CelHarness.freeIdentifiers('object.a.all(x, x > limit)')).toEqual(['limit', 'object']);
  });

  test('params data: one ceiling per agent, one rank per phase, lowest = "0"', () => {
    const f = fleetWith({
      agents: [
        { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY },
        { name: 'remediator', image: 'registry.example.com/agents/remediator:2.0.0', ceiling: TrustPhase.LIMITED_WRITE },
        { name: 'newcomer', image: 'registry.example.com/agents/newcomer:0.1.0' },
      ],
    });
    expect(AdmissionRules.paramsData(f)).toEqual({
      'ceiling.diagnostics': 'read-only',
      'ceiling.newcomer': 'shadow',
      'ceiling.remediator': 'limited-write',
      'rank.autonomous': '3',
      'rank.limited-write': '2',
      'rank.read-only': '1',
      'rank.shadow': '0',
    });
    // ConfigMap keys allow only [-._a-zA-Z0-9].
    for (const key of Object.keys(AdmissionRules.paramsData(f))) {
      expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    }
  });

  test('maximum deadline and registries come from the fleet, not constants', () => {
    const f = fleetWith({ jobDeadline: TrustDuration.minutes(5), allowedRegistries: ['registry.example.com/agents/', 'ghcr.io/acme/'] });
    const byId = new Map(AdmissionRules.forFleet(f).map(r => [r.id, r]));
    expect(byId.get('deadline-within-maximum')!.expression).toContain('<= 300');
    expect(byId.get('deadline-within-maximum')!.expression).not.toContain('900');
    expect(byId.get('image-registry-allowed')!.expression).toContain('["registry.example.com/agents/", "ghcr.io/acme/"]');
    expect(byId.get('image-registry-allowed')!.message).toContain('registry.example.com/agents/, ghcr.io/acme/');
  });

  test('a promotion changes one params value and no expression', () => {
    const before = fleetWith();
    const after = fleetWith({ agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.LIMITED_WRITE }] });
    expect(AdmissionRules.forFleet(after)).toEqual(AdmissionRules.forFleet(before));
    const a = AdmissionRules.paramsData(before);
    const b = AdmissionRules.paramsData(after);
    const changed = Object.keys({ ...a, ...b }).filter(k => a[k] !== b[k]);
    expect(changed).toEqual(['ceiling.diagnostics']);
    expect([a['ceiling.diagnostics'], b['ceiling.diagnostics']]).toEqual(['read-only', 'limited-write']);
  });

  test('ruleIdOf reads the id from a denial message, and nothing from other text', () => {
    expect(AdmissionRules.ruleIdOf('agent-trust [backoff-limit-zero]: spec.backoffLimit must be 0')).toBe('backoff-limit-zero');
    expect(AdmissionRules.ruleIdOf('failed expression: true')).toBeUndefined();
  });
});

describe('guards: a missing field is a clean denial, never an evaluation error', () => {
  const s = setup();
  // The launcher's Job: admitted by every rule, the contract rules included.
  const job = s.renderers.diagnostics.render({ investigationId: 'abc', phase: 'read-only' });

  test('skeleton objects evaluate without errors', () => {
    const skeletons = [{}, { metadata: {} }, { metadata: { labels: {} }, spec: {} }, { metadata: { name: 'x' }, spec: { template: {} } },
      { metadata: {}, spec: { template: { metadata: {}, spec: {} } } },
      { metadata: {}, spec: { template: { spec: { containers: [{}], initContainers: [{}], volumes: [{}] } } } },
      { metadata: {}, spec: { template: { spec: { securityContext: {}, containers: [{ securityContext: { capabilities: {}, seccompProfile: {} }, resources: {}, ports: [{}] }] } } } }];
    for (const object of skeletons) {
      expect(s.harness.variableValues({ object, params: s.params }).errors).toEqual(new Map());
      const outcomes = s.harness.evaluate({ object, params: s.params });
      expect(outcomes.filter(o => o.error !== undefined)).toEqual([]);
      expect(outcomes.some(o => !o.allowed)).toBe(true);
    }
  });

  test('params without data: denied cleanly', () => {
    const outcomes = s.harness.evaluate({ object: job, params: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agent-trust-ceilings' } } });
    expect(outcomes.filter(o => o.error !== undefined)).toEqual([]);
    expect(outcomes.filter(o => !o.allowed).map(o => AdmissionRules.ruleIdOf(o.message!))).toEqual(['agent-known', 'phase-known', 'job-image-matches-agent']);
  });

  // Every path of the Job, so random subsets of them can be deleted.
  const paths = pathsOf(job);

  test('deleting any set of fields of an admitted Job never makes a rule error (1,000 runs)', () => {
    expect(s.harness.admits({ object: job, params: s.params })).toBe(true);
    fc.assert(fc.property(fc.subarray(paths, { minLength: 1, maxLength: 6 }), (deleted) => {
      const o = withoutPaths(job, deleted);
      expect(s.harness.variableValues({ object: o, params: s.params }).errors).toEqual(new Map());
      const outcomes = s.harness.evaluate({ object: o, params: s.params });
      expect(outcomes.filter(x => x.error !== undefined)).toEqual([]);
      // messageExpressions are guarded too: a denial always gets its intended text.
      expect(outcomes.filter(x => x.messageError !== undefined)).toEqual([]);
    }), { numRuns: 1000 });
  });
});
