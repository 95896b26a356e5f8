import { Testing } from 'cdk8s';
import { AgentJobTemplate } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { AdmissionRules, JobContractAdmissionRules, TrustPhase } from '../../lib/model';
import { AdmissionRequestInput, CelHarness } from '../helpers/cel-harness';
import { copy, fleetWith, handWrittenJob, hardenedInitContainer, phasesUpToCeiling, setup } from './fixtures';

const DIAG_IMAGE = 'registry.example.com/agents/diagnostics:1.4.2';

/** Ids of the rules that deny, read from the denial messages (as a user would). */
function denyingRules(harness: CelHarness, input: AdmissionRequestInput): string[] {
  const denials = harness.denials(input);
  // A denial must come from a clean `false`, never from an evaluation error.
  expect(denials.filter(d => d.error !== undefined)).toEqual([]);
  // Every messageExpression yields its one-line text (else Kubernetes falls back to the static message).
  expect(denials.filter(d => d.messageError !== undefined)).toEqual([]);
  return denials.map(d => AdmissionRules.ruleIdOf(d.message!) ?? `unnamed: ${d.message}`);
}

describe('(a) every Job the renderer produces for a phase at or below the ceiling is admitted', () => {
  const ceilings = [TrustPhase.SHADOW, TrustPhase.READ_ONLY, TrustPhase.LIMITED_WRITE, TrustPhase.AUTONOMOUS];

  test.each(ceilings.map(c => [c.name, c] as const))('agent with ceiling %s, plus a second agent at shadow', (_name, ceiling) => {
    const fleet = fleetWith({
      agents: [
        { name: 'diagnostics', image: DIAG_IMAGE, ceiling },
        { name: 'triage', image: 'registry.example.com/agents/triage:0.3.0' },
      ],
    });
    const s = setup(fleet);
    let admitted = 0;
    for (const agent of ['diagnostics', 'triage']) {
      const phases = phasesUpToCeiling(fleet, agent);
      expect(s.renderers[agent].allowedPhases).toEqual(phases);
      for (const phase of phases) {
        for (const id of ['a', '7f3c2e10-9b1d', 'x'.repeat(49)]) {
          const job = s.renderers[agent].render({ investigationId: id, phase });
          expect(denyingRules(s.harness, { object: job, params: s.params })).toEqual([]);
          // An UPDATE (labels, annotations) of the same Job is re-checked and admitted.
          expect(denyingRules(s.harness, { object: job, oldObject: job, params: s.params, request: { operation: 'UPDATE' } })).toEqual([]);
          admitted++;
        }
      }
    }
    expect(admitted).toBe(3 * (fleet.ladder.rankOf(ceiling) + 1 + 1));
  });

  test('with the Vault Agent injector annotations in the template, every allowed phase is admitted', () => {
    const fleet = fleetWith({ agents: [{ name: 'diagnostics', image: DIAG_IMAGE, ceiling: TrustPhase.AUTONOMOUS }] });
    const chart = Testing.chart();
    const template = new AgentJobTemplate(chart, 'T', { fleet, agent: 'diagnostics', vaultAgentInjector: true });
    const s = setup(fleet, { jobTemplates: [template] });
    const renderer = new JobRenderer(template.contract);
    for (const phase of renderer.allowedPhases) {
      const job = renderer.render({ investigationId: 'inj-1', phase });
      expect(job.spec.template.metadata.annotations['vault.hashicorp.com/role']).toBe(`agent-phase-${phase}`);
      expect(denyingRules(s.harness, { object: job, params: s.params })).toEqual([]);
    }
  });

  test('a hand-written hardened Job from the seed passes the seed rules, and only the contract rules deny it (it is not the contract\'s Job)', () => {
    const s = setup();
    const contractIds = new Set(JobContractAdmissionRules.forFleet(s.fleet, []).map(r => r.id));
    for (const phase of ['shadow', 'read-only']) {
      const denied = denyingRules(s.harness, { object: handWrittenJob('abc', phase), params: s.params });
      expect(denied.filter(id => !contractIds.has(id))).toEqual([]);
      expect(denied).toContain(JobContractAdmissionRules.VOLUMES_MATCH_CONTRACT);
    }
    const withInit = handWrittenJob('abc', 'read-only');
    withInit.spec.template.spec.initContainers = [hardenedInitContainer()];
    expect(denyingRules(s.harness, { object: withInit, params: s.params }).filter(id => !contractIds.has(id))).toEqual([]);
  });
});

type Tamper = [name: string, mutate: (job: any) => void, rule: string];

const setLabel = (job: any, key: string, value: string | undefined): void => {
  for (const labels of [job.metadata.labels, job.spec.template.metadata.labels]) {
    if (value === undefined) {
      delete labels[key];
    } else {
      labels[key] = value;
    }
  }
};
const pod = (job: any): any => job.spec.template.spec;
const agentContainer = (job: any): any => pod(job).containers[0];

const TAMPERED: Tamper[] = [
  ['ServiceAccount of another phase', j => { pod(j).serviceAccountName = 'agent-phase-autonomous'; }, AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE],
  ['ServiceAccount unset (namespace default)', j => { delete pod(j).serviceAccountName; }, AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE],
  ['deprecated serviceAccount alias names another account', j => { pod(j).serviceAccount = 'default'; }, AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE],
  ['phase above the ceiling (label and ServiceAccount consistent)', j => {
    setLabel(j, 'trust-phase', 'limited-write');
    pod(j).serviceAccountName = 'agent-phase-limited-write';
  }, AdmissionRules.PHASE_WITHIN_CEILING],
  ['highest phase (autonomous) for a read-only agent', j => {
    setLabel(j, 'trust-phase', 'autonomous');
    pod(j).serviceAccountName = 'agent-phase-autonomous';
  }, AdmissionRules.PHASE_WITHIN_CEILING],
  ['unknown phase', j => { setLabel(j, 'trust-phase', 'root'); pod(j).serviceAccountName = 'agent-phase-root'; }, AdmissionRules.PHASE_KNOWN],
  ['trust-phase label missing', j => { setLabel(j, 'trust-phase', undefined); }, AdmissionRules.PHASE_KNOWN],
  ['name does not match the investigation id', j => { j.metadata.name = 'investigation-other'; }, AdmissionRules.NAME_MATCHES_INVESTIGATION],
  ['investigation-id label missing', j => { setLabel(j, 'investigation-id', undefined); }, AdmissionRules.NAME_MATCHES_INVESTIGATION],
  ['generateName instead of a name', j => { delete j.metadata.name; j.metadata.generateName = 'investigation-'; }, AdmissionRules.NAME_MATCHES_INVESTIGATION],
  ['pod template claims another phase than the Job', j => { j.spec.template.metadata.labels['trust-phase'] = 'autonomous'; }, AdmissionRules.POD_LABELS_MATCH_JOB],
  ['pod template lacks the agent label', j => { delete j.spec.template.metadata.labels['agent-trust.io/agent']; }, AdmissionRules.POD_LABELS_MATCH_JOB],
  ['backoffLimit 1', j => { j.spec.backoffLimit = 1; }, AdmissionRules.BACKOFF_LIMIT_ZERO],
  ['backoffLimit unset', j => { delete j.spec.backoffLimit; }, AdmissionRules.BACKOFF_LIMIT_ZERO],
  ['parallelism 5', j => { j.spec.parallelism = 5; }, AdmissionRules.SINGLE_ATTEMPT],
  ['completions 3', j => { j.spec.completions = 3; }, AdmissionRules.SINGLE_ATTEMPT],
  ['per-index retries', j => { j.spec.completionMode = 'Indexed'; j.spec.backoffLimitPerIndex = 2; }, AdmissionRules.SINGLE_ATTEMPT],
  ['restartPolicy OnFailure (in-place retries)', j => { pod(j).restartPolicy = 'OnFailure'; }, AdmissionRules.SINGLE_ATTEMPT],
  ['deadline missing', j => { delete j.spec.activeDeadlineSeconds; }, AdmissionRules.DEADLINE_WITHIN_MAXIMUM],
  ['deadline too long (901 s)', j => { j.spec.activeDeadlineSeconds = 901; }, AdmissionRules.DEADLINE_WITHIN_MAXIMUM],
  ['deadline 0', j => { j.spec.activeDeadlineSeconds = 0; }, AdmissionRules.DEADLINE_WITHIN_MAXIMUM],
  ['container without limits', j => { delete agentContainer(j).resources.limits; }, AdmissionRules.RESOURCE_LIMITS],
  ['container without a memory limit', j => { delete agentContainer(j).resources.limits.memory; }, AdmissionRules.RESOURCE_LIMITS],
  ['initContainer without limits', j => {
    const init = hardenedInitContainer();
    delete init.resources;
    pod(j).initContainers = [init];
  }, AdmissionRules.RESOURCE_LIMITS],
  ['image from another registry', j => { agentContainer(j).image = 'docker.io/library/busybox:1.36'; }, AdmissionRules.IMAGE_REGISTRY_ALLOWED],
  ['image from a look-alike host', j => { agentContainer(j).image = 'registry.example.com.evil.io/agents/diagnostics:1.4.2'; }, AdmissionRules.IMAGE_REGISTRY_ALLOWED],
  ['image without a registry host', j => { agentContainer(j).image = 'diagnostics:1.4.2'; }, AdmissionRules.IMAGE_REGISTRY_ALLOWED],
  ['initContainer image from another registry', j => { pod(j).initContainers = [hardenedInitContainer('quay.io/evil/init:1')]; }, AdmissionRules.IMAGE_REGISTRY_ALLOWED],
  ['automountServiceAccountToken true', j => { pod(j).automountServiceAccountToken = true; }, AdmissionRules.TOKEN_NOT_AUTOMOUNTED],
  ['automountServiceAccountToken unset (defaults to true)', j => { delete pod(j).automountServiceAccountToken; }, AdmissionRules.TOKEN_NOT_AUTOMOUNTED],
  ['privileged container', j => { agentContainer(j).securityContext.privileged = true; }, AdmissionRules.NOT_PRIVILEGED],
  ['privileged initContainer', j => {
    const init = hardenedInitContainer();
    init.securityContext.privileged = true;
    pod(j).initContainers = [init];
  }, AdmissionRules.NOT_PRIVILEGED],
  ['pod seccompProfile missing', j => { delete pod(j).securityContext.seccompProfile; }, AdmissionRules.SECCOMP_PROFILE],
  ['pod seccompProfile Unconfined', j => { pod(j).securityContext.seccompProfile = { type: 'Unconfined' }; }, AdmissionRules.SECCOMP_PROFILE],
  ['container overrides seccomp with Unconfined', j => { agentContainer(j).securityContext.seccompProfile = { type: 'Unconfined' }; }, AdmissionRules.SECCOMP_PROFILE],
  ['pod runAsNonRoot false', j => { pod(j).securityContext.runAsNonRoot = false; }, AdmissionRules.RUN_AS_NON_ROOT],
  ['container runAsNonRoot false', j => { agentContainer(j).securityContext.runAsNonRoot = false; }, AdmissionRules.RUN_AS_NON_ROOT],
  ['container runAsUser 0', j => { agentContainer(j).securityContext.runAsUser = 0; }, AdmissionRules.RUN_AS_NON_ROOT],
  ['allowPrivilegeEscalation true', j => { agentContainer(j).securityContext.allowPrivilegeEscalation = true; }, AdmissionRules.NO_PRIVILEGE_ESCALATION],
  ['allowPrivilegeEscalation unset', j => { delete agentContainer(j).securityContext.allowPrivilegeEscalation; }, AdmissionRules.NO_PRIVILEGE_ESCALATION],
  ['capabilities not dropping ALL', j => { agentContainer(j).securityContext.capabilities.drop = ['NET_RAW']; }, AdmissionRules.CAPABILITIES_DROPPED],
  ['capabilities adding SYS_ADMIN', j => { agentContainer(j).securityContext.capabilities.add = ['SYS_ADMIN']; }, AdmissionRules.CAPABILITIES_DROPPED],
  ['hostNetwork', j => { pod(j).hostNetwork = true; }, AdmissionRules.NO_HOST_NAMESPACES],
  ['hostPID', j => { pod(j).hostPID = true; }, AdmissionRules.NO_HOST_NAMESPACES],
  ['hostIPC', j => { pod(j).hostIPC = true; }, AdmissionRules.NO_HOST_NAMESPACES],
  ['hostPath volume', j => { pod(j).volumes.push({ name: 'host', hostPath: { path: '/' } }); }, AdmissionRules.NO_HOST_PATH_OR_PORT],
  ['hostPort', j => { agentContainer(j).ports = [{ containerPort: 8080, hostPort: 8080 }]; }, AdmissionRules.NO_HOST_PATH_OR_PORT],
  ['agent label missing', j => { setLabel(j, 'agent-trust.io/agent', undefined); }, AdmissionRules.AGENT_KNOWN],
  ['unknown agent', j => { setLabel(j, 'agent-trust.io/agent', 'intruder'); }, AdmissionRules.AGENT_KNOWN],
];

// The seed rules, one per invariant; the contract rules (job-contract-admission.test.ts)
// compare the whole Job with the contract, so most tampering also breaks one of them.
describe('(b) each tampered Job is denied by exactly the seed rule it breaks', () => {
  const s = setup();
  const contractIds = new Set(JobContractAdmissionRules.forFleet(s.fleet, []).map(r => r.id));
  const seedRules = (ids: string[]): string[] => ids.filter(id => !contractIds.has(id));
  const bases: Array<[string, () => any]> = [
    ['rendered by JobRenderer', () => s.renderers.diagnostics.render({ investigationId: 'inv-42', phase: 'read-only' })],
    ['written by hand', () => handWrittenJob('inv-42', 'read-only')],
  ];

  test('the bases are admitted', () => {
    expect(denyingRules(s.harness, { object: bases[0][1](), params: s.params })).toEqual([]);
    expect(seedRules(denyingRules(s.harness, { object: bases[1][1](), params: s.params }))).toEqual([]);
  });

  describe.each(bases)('base %s', (_base, base) => {
    test.each(TAMPERED.map(([name, mutate, rule]) => [name, rule, mutate] as const))('%s → %s', (_name, rule, mutate) => {
      const job = copy(base());
      mutate(job);
      expect(seedRules(denyingRules(s.harness, { object: job, params: s.params }))).toEqual([rule]);
      // Also on UPDATE: tampering with a running Job is denied the same way.
      expect(seedRules(denyingRules(s.harness, { object: job, oldObject: base(), params: s.params, request: { operation: 'UPDATE' } })))
        .toEqual([rule]);
    });
  });

  test('every rule is hit by at least one tampered Job (no rule is dead code)', () => {
    const hit = new Set(TAMPERED.map(t => t[2]));
    expect(AdmissionRules.forFleet(s.fleet).map(r => r.id).filter(id => !hit.has(id))).toEqual([]);
  });

  test('audit annotations attribute every Job request to agent, phase and investigation; a missing label is omitted', () => {
    const annotations = s.policy.spec.auditAnnotations;
    expect(annotations).toEqual(AdmissionRules.auditAnnotations());
    const job = s.renderers.diagnostics.render({ investigationId: 'inv-42', phase: 'read-only' });
    expect(s.harness.auditAnnotationValues(annotations, { object: job, params: s.params })).toEqual(new Map([
      ['agent', 'diagnostics'], ['trust-phase', 'read-only'], ['investigation-id', 'inv-42'],
    ]));
    const unlabelled = copy(job);
    setLabel(unlabelled, 'investigation-id', undefined);
    expect(s.harness.auditAnnotationValues(annotations, { object: unlabelled, params: s.params }).get('investigation-id')).toBeNull();
    expect(s.harness.auditAnnotationValues(annotations, { object: {}, params: s.params })).toEqual(new Map([
      ['agent', null], ['trust-phase', null], ['investigation-id', null],
    ]));
  });

  test('messages name the offending values where a messageExpression exists', () => {
    const base = handWrittenJob('inv-42', 'read-only');
    const message = (mutate: (j: any) => void): string => {
      const job = copy(base);
      mutate(job);
      const [denial] = s.harness.denials({ object: job, params: s.params });
      expect(denial.messageError).toBeUndefined();
      return denial.message!;
    };
    expect(message(TAMPERED[0][1])).toBe(
      'agent-trust [service-account-matches-phase]: serviceAccountName must be agent-phase-read-only for phase read-only, not agent-phase-autonomous');
    expect(message(TAMPERED[3][1])).toBe(
      'agent-trust [phase-within-ceiling]: phase limited-write is above the ceiling read-only of agent diagnostics (ConfigMap agents/agent-trust-ceilings)');
    expect(message(j => setLabel(j, 'trust-phase', 'root'))).toBe(
      'agent-trust [phase-known]: phase root is not on the ladder (shadow, read-only, limited-write, autonomous)');
    expect(message(j => setLabel(j, 'trust-phase', undefined))).toBe('agent-trust [phase-known]: the Job has no trust-phase label');
    expect(message(TAMPERED[7][1])).toBe(
      'agent-trust [name-matches-investigation]: metadata.name must be investigation-inv-42 for investigation inv-42, not investigation-other');
    expect(message(j => setLabel(j, 'agent-trust.io/agent', 'intruder'))).toBe(
      'agent-trust [agent-known]: agent intruder has no ceiling in ConfigMap agents/agent-trust-ceilings');
    expect(message(j => setLabel(j, 'agent-trust.io/agent', undefined))).toBe('agent-trust [agent-known]: the Job has no agent-trust.io/agent label');
    // Without a messageExpression the static message is used.
    expect(message(j => { j.spec.backoffLimit = 3; })).toBe('agent-trust [backoff-limit-zero]: spec.backoffLimit must be 0');
  });
});

describe('the policy holds when the launcher does not', () => {
  test('a compromised launcher that ignores the ceiling is stopped by phase-within-ceiling; the promotion then admits it', () => {
    // fleetWith on both sides, so the two fleets differ in the ceiling only.
    const s = setup(fleetWith({ agents: [{ name: 'diagnostics', image: DIAG_IMAGE, ceiling: TrustPhase.READ_ONLY }] }));
    // The launcher's own copy of the contract, with the ceiling forged upwards.
    const forged = new JobRenderer({ ...s.renderers.diagnostics.contract, ceiling: 'autonomous' });
    expect(() => s.renderers.diagnostics.render({ investigationId: 'x1', phase: 'autonomous' })).toThrow(/above the ceiling/);
    for (const phase of ['limited-write', 'autonomous']) {
      const job = forged.render({ investigationId: 'x1', phase });
      expect(denyingRules(s.harness, { object: job, params: s.params })).toEqual([AdmissionRules.PHASE_WITHIN_CEILING]);
    }
    // The reviewed promotion: raise the ceiling in code → new params ConfigMap.
    const promoted = setup(fleetWith({ agents: [{ name: 'diagnostics', image: DIAG_IMAGE, ceiling: TrustPhase.LIMITED_WRITE }] }));
    expect(promoted.policy.spec).toEqual(s.policy.spec);
    expect(denyingRules(promoted.harness, { object: forged.render({ investigationId: 'x1', phase: 'limited-write' }), params: promoted.params })).toEqual([]);
    expect(denyingRules(promoted.harness, { object: forged.render({ investigationId: 'x1', phase: 'autonomous' }), params: promoted.params }))
      .toEqual([AdmissionRules.PHASE_WITHIN_CEILING]);
  });

  test('after a demotion, a Job above the new ceiling is denied on UPDATE but can still be deleted (finalizers removed)', () => {
    const before = setup(fleetWith({ agents: [{ name: 'diagnostics', image: DIAG_IMAGE, ceiling: TrustPhase.LIMITED_WRITE }] }));
    const demoted = setup(fleetWith({ agents: [{ name: 'diagnostics', image: DIAG_IMAGE, ceiling: TrustPhase.READ_ONLY }] }));
    const job = before.renderers.diagnostics.render({ investigationId: 'd1', phase: 'limited-write' });
    expect(denyingRules(before.harness, { object: job, params: before.params })).toEqual([]);
    const relabel = copy(job);
    relabel.metadata.labels.note = 'x';
    const update = { object: relabel, oldObject: job, params: demoted.params, request: { operation: 'UPDATE' } };
    expect(denyingRules(demoted.harness, update)).toEqual([AdmissionRules.PHASE_WITHIN_CEILING]);
    // The garbage collector removing finalizers of a Job being deleted.
    const deleting = copy(job);
    deleting.metadata.deletionTimestamp = '2026-11-25T18:00:00Z';
    deleting.metadata.finalizers = [];
    const oldDeleting = { ...copy(deleting), metadata: { ...deleting.metadata, finalizers: ['foregroundDeletion'] } };
    const gcUpdate = { operation: 'UPDATE', userInfo: { username: 'system:serviceaccount:kube-system:generic-garbage-collector' } };
    expect(demoted.harness.applies({ object: deleting, oldObject: oldDeleting, params: demoted.params, request: gcUpdate })).toBe(false);
    expect(denyingRules(demoted.harness, { object: deleting, oldObject: oldDeleting, params: demoted.params, request: { operation: 'UPDATE' } })).toEqual([]);
  });

  test.each([
    ['the ceiling names a phase with no rank', 'shadow', (p: any) => { p.data['ceiling.diagnostics'] = 'god-mode'; }],
    ['the phase rank is not a number', 'shadow', (p: any) => { p.data['rank.shadow'] = 'zero'; }],
    ['the ceiling rank is not a whole number', 'shadow', (p: any) => { p.data['rank.read-only'] = '-1'; }],
  ])('broken params (%s) deny cleanly with phase-within-ceiling', (_name, phase, breakParams) => {
    const s = setup();
    const params = copy(s.params);
    breakParams(params);
    const job = s.renderers.diagnostics.render({ investigationId: 'p1', phase });
    expect(denyingRules(s.harness, { object: job, params: s.params })).toEqual([]);
    expect(denyingRules(s.harness, { object: job, params })).toEqual([AdmissionRules.PHASE_WITHIN_CEILING]);
  });
});
