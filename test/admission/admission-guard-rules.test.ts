import * as fc from 'fast-check';
import { AccessAdmissionRules, AdmissionRules, PodAdmissionRules } from '../../lib/model';
import { ADMISSION_VARIABLES, CelHarness } from '../helpers/cel-harness';
import { PolicyUnderTest } from '../helpers/admission-review';
import { copy, fleetWith, pathsOf, withoutPaths } from './fixtures';
import { guardSetup, JOB_CONTROLLER, podCreate, podFromJob, podUpdate, tokenRequest, KUBELET } from './guard-fixtures';

const s = guardSetup();
const policies: Array<[string, PolicyUnderTest]> = [['Pod', s.pods], ['token', s.tokens], ['exec', s.connect], ['Job', s.jobs]];

describe('the guard policies as data', () => {
  test('Pod, token and exec rule ids are unique kebab-case, distinct from the Job rules where they mean something else, and named in every message', () => {
    const pod = s.admission.podRules;
    const all = [...pod, ...AccessAdmissionRules.tokenRules(), ...AccessAdmissionRules.connectRules()];
    expect(new Set(pod.map(r => r.id)).size).toBe(pod.length);
    for (const r of all) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(AdmissionRules.ruleIdOf(r.message)).toBe(r.id);
      expect(r.message).not.toMatch(/[\r\n]/);
      expect(r.description.length).toBeGreaterThan(10);
    }
    // The Pod policy repeats the Job rules on the Pod, under the same ids, plus its own.
    expect(pod.map(r => r.id)).toEqual([
      PodAdmissionRules.CREATED_BY_JOB_CONTROLLER, PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB,
      'agent-known', 'phase-known', 'phase-within-ceiling', 'service-account-matches-phase', PodAdmissionRules.RESTART_NEVER,
      PodAdmissionRules.CONTAINERS_MATCH_CONTRACT, PodAdmissionRules.NO_EPHEMERAL_CONTAINERS, PodAdmissionRules.VOLUMES_MATCH_CONTRACT,
      PodAdmissionRules.UNCHANGED_ON_UPDATE,
      'resource-limits', 'image-registry-allowed', 'token-not-automounted', 'seccomp-profile', 'run-as-non-root',
      'no-privilege-escalation', 'capabilities-dropped', 'not-privileged', 'no-host-namespaces', 'no-host-path-or-port',
    ]);
  });

  test('the Pod Security predicates are the Job\'s, generated over spec instead of spec.template.spec (not copies)', () => {
    const job = new Map(s.admission.rules.map(r => [r.id, r.expression]));
    for (const r of s.admission.podRules.filter(x => ['resource-limits', 'seccomp-profile', 'capabilities-dropped', 'no-host-path-or-port'].includes(x.id))) {
      expect(r.expression).toBe(job.get(r.id)!
        .split('has(object.spec) && has(object.spec.template) && has(object.spec.template.spec)').join('has(object.spec)')
        .split('object.spec.template.spec').join('object.spec'));
    }
  });

  test.each(policies)('the %s policy uses only standard CEL + strings extension and admission variables', (_name, p) => {
    const spec = p.policy.spec;
    const expressions: string[] = [
      ...spec.validations.flatMap((v: any) => [v.expression, v.messageExpression].filter((e: unknown) => typeof e === 'string')),
      ...(spec.matchConditions ?? []).map((c: any) => c.expression),
      ...(spec.variables ?? []).map((v: any) => v.expression),
    ];
    expect(expressions.length).toBeGreaterThan(0);
    for (const e of expressions) {
      expect([e, CelHarness.functionsOutsideKubernetes(e)]).toEqual([e, []]);
      expect(CelHarness.freeIdentifiers(e).filter(v => !ADMISSION_VARIABLES.has(v))).toEqual([]);
    }
    // Match conditions cannot read variables or params.
    for (const c of spec.matchConditions ?? []) {
      expect(CelHarness.freeIdentifiers(c.expression).filter(v => ['variables', 'params'].includes(v))).toEqual([]);
    }
  });
});

describe('every field access is guarded: deleting fields never makes a rule, a message or a match condition error', () => {
  const pod = podFromJob(s.renderers.diagnostics.render({ investigationId: 'inc-1', phase: 'shadow' }));
  const podPaths = pathsOf(pod);

  test('Pod CREATE and UPDATE with any fields deleted (500 runs); review() throws on any evaluation error', () => {
    expect(s.pods.review(podCreate(pod)).denied).toEqual([]);
    fc.assert(fc.property(fc.subarray(podPaths, { minLength: 1, maxLength: 6 }), fc.boolean(), (deleted, update) => {
      const broken = withoutPaths(pod, deleted);
      const req = update ? podUpdate(pod, broken, JOB_CONTROLLER) : podCreate(broken);
      // Also the other way round: the old object damaged.
      s.pods.review(req);
      s.pods.review(podUpdate(broken, pod, JOB_CONTROLLER));
    }), { numRuns: 500 });
  });

  test('TokenRequest with any fields deleted (300 runs)', () => {
    const req = tokenRequest('agents', 'agent-phase-shadow', KUBELET, 'investigation-inc-1-x7k2q');
    const paths = pathsOf(req.object);
    fc.assert(fc.property(fc.subarray(paths, { minLength: 1, maxLength: 4 }), (deleted) => {
      s.tokens.review({ ...req, object: withoutPaths(req.object, deleted) });
    }), { numRuns: 300 });
  });
});

describe('a large fleet', () => {
  test('60 agents: each agent\'s Pod is checked against its own template (a flat disjunction, shallow CEL)', () => {
    const big = guardSetup(fleetWith({
      agents: Array.from({ length: 60 }, (_, i) => ({ name: `agent-${i}`, image: `registry.example.com/agents/a${i}:1` })),
    }), { containerName: 'worker' });
    const pod = podFromJob(big.renderers['agent-59'].render({ investigationId: 'big-1', phase: 'shadow' }));
    expect(big.pods.review(podCreate(pod)).denied).toEqual([]);
    const sidecar = copy(pod);
    sidecar.spec.containers.push({ ...copy(pod.spec.containers[0]), name: 'agent' });
    expect(big.pods.review(podCreate(sidecar)).denied).toEqual([PodAdmissionRules.CONTAINERS_MATCH_CONTRACT]);
    // An agent the fleet does not know is agent-known's denial, not a shape error.
    const unknown = copy(pod);
    unknown.metadata.labels['agent-trust.io/agent'] = 'agent-60';
    expect(big.pods.review(podCreate(unknown)).denied).toEqual(['agent-known']);
  });
});
