import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { defaultFleet } from '../../examples/default/fleet';
import {
  AdmissionApiVersion, AdmissionEnforcement, AdmissionFailurePolicy, AgentJobTemplate, LauncherAccess, TrustPhaseAdmission,
} from '../../lib/k8s';
import { AdmissionGuard, AdmissionRules, AgentFleet, JobContractAdmissionRules, LauncherContract, PodAdmissionRules } from '../../lib/model';
import { fleetWith } from './fixtures';
import { validationErrorOf } from '../helpers/problems';
import { admissionPolicyLines, objectDigests } from '../helpers/summary';

const { ValidatingAdmissionPolicy } = require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy');
const { ValidatingAdmissionPolicyBinding } = require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding');
const { ConfigMap } = require('kubernetes-models/v1/ConfigMap');

/** The admission's objects (the templates' contract ConfigMaps left out) and the Job policy, its binding and params. */
function objectsOf(chart: Chart, admission: TrustPhaseAdmission) {
  const objects = Testing.synth(chart).filter(o => !o.metadata.labels?.[LauncherContract.CONFIGMAP_LABEL]);
  return {
    admission,
    objects,
    policy: objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === admission.name),
    binding: objects.find(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === admission.name),
    params: objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === AdmissionRules.PARAMS_NAME),
    policies: objects.filter(o => o.kind === 'ValidatingAdmissionPolicy'),
    bindings: objects.filter(o => o.kind === 'ValidatingAdmissionPolicyBinding'),
  };
}

/** A chart with the admission and one Job template per agent (the Pod policy reads their shapes). */
function synth(props: Partial<ConstructorParameters<typeof TrustPhaseAdmission>[2]> = {}, chartNamespace?: string,
  fleet: AgentFleet = defaultFleet()) {
  const app = Testing.app();
  const chart = chartNamespace ? new Chart(app, 'test', { namespace: chartNamespace }) : new Chart(app, 'test');
  const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet, ...props });
  fleet.agents.forEach(a => new AgentJobTemplate(chart, `Job-${a.name}`, { fleet, agent: a.name }));
  return objectsOf(chart, admission);
}

/** Errors thrown by `fn`, as problems. */
const problemsOf = validationErrorOf;

describe('TrustPhaseAdmission (admissionregistration v1, default)', () => {
  const { admission, objects, policy, binding, params, policies, bindings } = synth();

  test('emits the Job, Pod, token and exec policies with their bindings, and the params ConfigMap', () => {
    expect(objects.map(o => `${o.apiVersion}/${o.kind} ${o.metadata.name}`)).toEqual([
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy agent-trust-admission-agents',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding agent-trust-admission-agents',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy agent-trust-admission-agents-pods',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding agent-trust-admission-agents-pods',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy agent-trust-admission-agents-tokens',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding agent-trust-admission-agents-tokens',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy agent-trust-admission-agents-connect',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding agent-trust-admission-agents-connect',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy agent-trust-admission-agents-params',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding agent-trust-admission-agents-params',
      'v1/ConfigMap agent-trust-ceilings',
    ]);
    // Each policy's shape readably; every byte of every object through its digest.
    expect(admissionPolicyLines(objects)).toMatchSnapshot();
    expect(objectDigests(objects)).toMatchSnapshot();
  });

  test('policy: batch/v1 Jobs, CREATE and UPDATE, in the agent namespace only, parameterized by a ConfigMap', () => {
    expect(policy.metadata.name).toBe('agent-trust-admission-agents');
    expect(policy.metadata.namespace).toBeUndefined();
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.paramKind).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(policy.spec.matchConditions).toEqual(AdmissionRules.matchConditions());
    expect(policy.spec.matchConditions.map((c: any) => c.name)).toEqual(['not-being-deleted']);
    expect(policy.spec.auditAnnotations.map((a: any) => a.key)).toEqual(['agent', 'trust-phase', 'investigation-id']);
    expect(policy.spec.variables).toEqual(AdmissionRules.variables().map(v => ({ name: v.name, expression: v.expression })));
    expect(policy.spec.matchConstraints).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'agents' } },
      resourceRules: [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs'], scope: 'Namespaced' }],
    });
  });

  test('validations are the model rules, in order, with their reasons', () => {
    const seed = AdmissionRules.forFleet(defaultFleet(), ['system:serviceaccount:agents:agent-launcher']);
    expect(seed[seed.length - 1].id).toBe(AdmissionRules.JOB_CREATED_BY_LAUNCHER);
    // Then the rules comparing the Job with the agent's launcher contract.
    const rules = [...seed, ...JobContractAdmissionRules.forFleet(defaultFleet(), admission.contracts)];
    expect(admission.contracts.map(c => c.agent)).toEqual(['diagnostics']);
    expect(policy.spec.validations).toEqual(rules.map(r => ({
      expression: r.expression,
      message: r.message,
      ...(r.messageExpression ? { messageExpression: r.messageExpression } : {}),
      reason: r.reason.value,
    })));
    expect(admission.rules.map(r => r.id)).toEqual(rules.map(r => r.id));
  });

  test('binding: Deny, params by name in the agent namespace, a missing ConfigMap denies', () => {
    expect(binding.metadata).toEqual({ name: 'agent-trust-admission-agents' });
    expect(binding.spec).toEqual({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
      paramRef: { name: 'agent-trust-ceilings', namespace: 'agents', parameterNotFoundAction: 'Deny' },
    });
  });

  test('params ConfigMap: the agent ceiling and the ladder ranks', () => {
    expect(params.metadata.name).toBe(AdmissionRules.PARAMS_NAME);
    expect(params.metadata.namespace).toBe('agents');
    expect(params.data).toEqual({
      'ceiling.diagnostics': 'read-only',
      'image.diagnostics': 'registry.example.com/agents/diagnostics:1.4.2',
      'rank.autonomous': '3',
      'rank.limited-write': '2',
      'rank.read-only': '1',
      'rank.shadow': '0',
    });
    expect(admission.paramsData).toEqual(params.data);
  });

  test('every object validates against the Kubernetes 1.30+ schema (kubernetes-models)', () => {
    expect(policies).toHaveLength(5);
    for (const p of policies) {
      expect(() => new ValidatingAdmissionPolicy(p).validate()).not.toThrow();
    }
    for (const b of bindings) {
      expect(() => new ValidatingAdmissionPolicyBinding(b).validate()).not.toThrow();
    }
    expect(() => new ConfigMap(params).validate()).not.toThrow();
  });

  test('the schema check can fail (an unknown failurePolicy value is rejected)', () => {
    const bad = { ...policy, spec: { ...policy.spec, failurePolicy: 42 } };
    expect(() => new ValidatingAdmissionPolicy(bad).validate()).toThrow();
  });

  test('public fields expose the emitted objects and the resolved settings', () => {
    expect(admission.policy).toBeInstanceOf(ApiObject);
    expect(admission.policy.node.id).toBe('Resource');
    expect(admission.binding.kind).toBe('ValidatingAdmissionPolicyBinding');
    expect(admission.params.kind).toBe('ConfigMap');
    expect(admission.apiVersion).toBe(AdmissionApiVersion.V1);
    expect(admission.failurePolicy).toBe(AdmissionFailurePolicy.FAIL);
    expect(admission.enforcement).toBe(AdmissionEnforcement.DENY);
    expect(admission.enforcement.denies).toBe(true);
    expect(admission.name).toBe(TrustPhaseAdmission.defaultName(defaultFleet()));
  });
});

describe('TrustPhaseAdmission (v1beta1 for 1.28/1.29)', () => {
  const { objects, policy, binding, policies, bindings } = synth({ apiVersion: AdmissionApiVersion.V1BETA1 });

  test('same objects under admissionregistration.k8s.io/v1beta1', () => {
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(binding.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    // Exactly the v1 objects but for the API version.
    const v1 = synth().objects;
    const unversioned = (o: any): any => ({ ...o, apiVersion: o.apiVersion.replace('admissionregistration.k8s.io/v1beta1', 'admissionregistration.k8s.io/v1') });
    expect(objects.map(unversioned)).toEqual(v1);
    expect(objects.filter(o => o.kind !== 'ConfigMap').every(o => o.apiVersion === 'admissionregistration.k8s.io/v1beta1')).toBe(true);
  });

  test('every field is a field of the v1beta1 schema (cdk8s-plus-28 L1 round trip keeps all of it)', () => {
    // The generated v1beta1 converters copy only fields of the v1beta1 schema;
    // a field v1beta1 lacks would be dropped and the round trip would differ.
    const chart = Testing.chart();
    policies.forEach((policy, i) => {
      const policySpec: kplus.k8s.ValidatingAdmissionPolicySpecV1Beta1 = policy.spec;
      const p = new kplus.k8s.KubeValidatingAdmissionPolicyV1Beta1(chart, `p${i}`, { metadata: { name: 'x' }, spec: policySpec }).toJson();
      expect(p.spec).toEqual(policy.spec);
    });
    bindings.forEach((binding, i) => {
      const bindingSpec: kplus.k8s.ValidatingAdmissionPolicyBindingSpecV1Beta1 = binding.spec;
      const b = new kplus.k8s.KubeValidatingAdmissionPolicyBindingV1Beta1(chart, `b${i}`, { metadata: { name: 'x' }, spec: bindingSpec }).toJson();
      expect(b.spec).toEqual(binding.spec);
    });
    expect(AdmissionApiVersion.V1BETA1.minimumKubernetesVersion).toBe('1.28');
  });
});

describe('TrustPhaseAdmission options', () => {
  test('dry-run rollout: WARN_AND_AUDIT warns and audits, denies nothing', () => {
    const { binding, admission } = synth({ enforcement: AdmissionEnforcement.WARN_AND_AUDIT });
    expect(binding.spec.validationActions).toEqual(['Warn', 'Audit']);
    expect(admission.enforcement.denies).toBe(false);
    expect(synth({ enforcement: AdmissionEnforcement.DENY_AND_AUDIT }).binding.spec.validationActions).toEqual(['Deny', 'Audit']);
  });

  test('failurePolicy IGNORE is emitted only when asked for', () => {
    expect(synth({ failurePolicy: AdmissionFailurePolicy.IGNORE }).policy.spec.failurePolicy).toBe('Ignore');
  });

  test('custom name names policy and binding; the binding follows it', () => {
    const { policy, binding } = synth({ name: 'trust.agents.example.com' });
    expect(policy.metadata.name).toBe('trust.agents.example.com');
    expect(binding.metadata.name).toBe('trust.agents.example.com');
    expect(binding.spec.policyName).toBe('trust.agents.example.com');
  });

  test('in a Chart with a namespace, the cluster-scoped objects carry none and the ConfigMap keeps the fleet namespace', () => {
    const { policy, binding, params } = synth({}, 'agents');
    expect(policy.metadata.namespace).toBeUndefined();
    expect(binding.metadata.namespace).toBeUndefined();
    expect(params.metadata.namespace).toBe('agents');
  });

  test('another fleet namespace changes the selector, the params namespace and the default name', () => {
    const fleet = fleetWith({ namespace: 'sre-agents' });
    const { policy, binding, params } = synth({}, undefined, fleet);
    expect(policy.metadata.name).toBe('agent-trust-admission-sre-agents');
    expect(policy.spec.matchConstraints.namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'sre-agents' });
    expect(binding.spec.paramRef.namespace).toBe('sre-agents');
    expect(params.metadata.namespace).toBe('sre-agents');
  });
});

describe('TrustPhaseAdmission misuse fails loudly, naming path, field and value', () => {
  test('a name that is not a DNS subdomain', () => {
    const { message, problems } = problemsOf(() => synth({ name: 'Agent_Trust' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'test/Admission', field: 'name', value: '"Agent_Trust"' });
    expect(message).toContain('test/Admission');
    expect(message).toContain('name = "Agent_Trust"');
    expect(message).toContain('Fix:');
  });

  test('a name longer than 253 characters', () => {
    const long = `${'a'.repeat(250)}.com`;
    const { problems } = problemsOf(() => synth({ name: long }));
    expect(problems[0]).toMatchObject({ field: 'name', value: JSON.stringify(long) });
  });

  test('every bad prop at once: fleet, apiVersion, failurePolicy, enforcement, name', () => {
    const { problems } = problemsOf(() => new TrustPhaseAdmission(Testing.chart(), 'Admission', {
      fleet: { namespace: 'agents' } as any,
      apiVersion: 'admissionregistration.k8s.io/v1' as any,
      failurePolicy: 'Ignore' as any,
      enforcement: ['Deny'] as any,
      name: '-bad-',
    }));
    expect(problems.map(p => [p.field, p.value])).toEqual([
      ['fleet', '{"namespace":"agents"}'],
      ['apiVersion', '"admissionregistration.k8s.io/v1"'],
      ['failurePolicy', '"Ignore"'],
      ['enforcement', '["Deny"]'],
      ['name', '"-bad-"'],
    ]);
    for (const p of problems) {
      expect(p.path).toBe('test/Admission');
      expect(p.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('TrustPhaseAdmission guards: on by default, off only with a reason', () => {
  test('every guard is on by default: four policies, the creator rule, no guard-off annotation', () => {
    const { admission, policy } = synth();
    expect(admission.disabledGuards).toEqual([]);
    expect(admission.podPolicy).toBeDefined();
    expect(admission.tokenPolicy).toBeDefined();
    expect(admission.connectPolicy).toBeDefined();
    expect(admission.jobCreators).toEqual(['system:serviceaccount:agents:agent-launcher']);
    expect(admission.rules.map(r => r.id)).toContain(AdmissionRules.JOB_CREATED_BY_LAUNCHER);
    expect(policy.metadata.annotations).toBeUndefined();
  });

  test.each(AdmissionGuard.all().map(g => [g.id, g] as const))('turning off %s removes exactly that guard and records the reason', (_id, guard) => {
    const reason = 'exercised by the platform team\'s own webhook (ticket SEC-42)';
    const { admission, policy, policies } = synth({ disabledGuards: [{ guard, reason }] });
    expect(admission.disabledGuards).toEqual([{ guard, reason }]);
    expect(policy.metadata.annotations).toEqual({ [AdmissionGuard.annotationKey(guard)]: reason });
    const names = policies.map(p => p.metadata.name);
    expect(names.includes('agent-trust-admission-agents-pods')).toBe(guard !== AdmissionGuard.POD);
    expect(names.includes('agent-trust-admission-agents-tokens')).toBe(guard !== AdmissionGuard.TOKEN_REQUEST);
    expect(names.includes('agent-trust-admission-agents-connect')).toBe(guard !== AdmissionGuard.POD_CONNECT);
    expect(names.includes('agent-trust-admission-agents-params')).toBe(guard !== AdmissionGuard.PARAMS);
    expect(admission.rules.some(r => r.id === JobContractAdmissionRules.IMAGE_MATCHES_AGENT)).toBe(guard !== AdmissionGuard.JOB_CONTRACT);
    expect(policy.spec.validations.some((v: any) => v.message.includes('[job-image-matches-agent]'))).toBe(guard !== AdmissionGuard.JOB_CONTRACT);
    expect(admission.rules.some(r => r.id === AdmissionRules.JOB_CREATED_BY_LAUNCHER)).toBe(guard !== AdmissionGuard.JOB_CREATOR);
  });

  test('the launcher passed in names the creator; additional creators follow it', () => {
    const chart = Testing.chart();
    const fleet = defaultFleet();
    const launcher = new LauncherAccess(chart, 'L', { fleet, serviceAccountName: 'runner', serviceAccountNamespace: 'launchers' });
    const admission = new TrustPhaseAdmission(chart, 'A', { fleet, launcher, additionalJobCreators: ['system:serviceaccount:ops:incident-launcher'] });
    expect(launcher.username).toBe('system:serviceaccount:launchers:runner');
    expect(admission.jobCreators).toEqual(['system:serviceaccount:launchers:runner', 'system:serviceaccount:ops:incident-launcher']);
  });

  test('templates added to the App after the admission are found at synth', () => {
    const { admission } = synth();
    expect(PodAdmissionRules._shapesOf(admission.contracts).map(p => p.agent)).toEqual(['diagnostics']);
    expect(PodAdmissionRules._shapesOf(admission.contracts)[0].containers).toEqual(['agent']);
    expect(PodAdmissionRules._shapesOf(admission.contracts)[0].volumes.map(v => `${v.name}:${v.kind}`)).toEqual(['scratch:emptyDir', 'tmp:emptyDir', 'vault-token:projected', 'kube-api-access:projected']);
  });

  test('an agent without a Job template fails the synth, naming the agent and the fixes', () => {
    const chart = Testing.chart();
    new TrustPhaseAdmission(chart, 'Admission', { fleet: defaultFleet() });
    expect(() => Testing.synth(chart)).toThrow(/test\/Admission: jobTemplates = "diagnostics": agent "diagnostics" has no AgentJobTemplate.*AdmissionGuard\.POD/);
  });

  test('jobTemplates with the pod guard off has no effect, and says so', () => {
    const chart = Testing.chart();
    const fleet = defaultFleet();
    const t = new AgentJobTemplate(chart, 'T', { fleet, agent: 'diagnostics' });
    const { problems } = problemsOf(() => new TrustPhaseAdmission(chart, 'Admission', {
      fleet, jobTemplates: [t], disabledGuards: [{ guard: AdmissionGuard.POD, reason: 'another admission controller checks Pods' }],
    }));
    expect(problems.map(p => [p.field, p.message])).toEqual([['jobTemplates', 'has no effect: the pod guard is turned off']]);
  });

  test('misuse: no reason, an unknown guard, a guard twice, bad usernames, props without effect — all at once', () => {
    const { problems } = problemsOf(() => new TrustPhaseAdmission(Testing.chart(), 'Admission', {
      fleet: defaultFleet(),
      disabledGuards: [
        { guard: AdmissionGuard.JOB_CREATOR, reason: 'one launcher per team' },
        { guard: AdmissionGuard.POD, reason: '   ' },
        { guard: 'token-request' as any, reason: 'x' },
        { guard: AdmissionGuard.JOB_CREATOR, reason: 'again' },
      ],
      additionalJobCreators: ['system:serviceaccount:ops:*', 'bob smith'],
      podCreators: [],
    }));
    expect(problems.map(p => [p.field, p.value])).toEqual([
      ['disabledGuards[1].reason', '"   "'],
      ['disabledGuards[2].guard', '"token-request"'],
      ['disabledGuards[3].guard', '"job-creator"'],
      ['additionalJobCreators[0]', '"system:serviceaccount:ops:*"'],
      ['additionalJobCreators[1]', '"bob smith"'],
      ['podCreators', '[]'],
      ['additionalJobCreators', '["system:serviceaccount:ops:*","bob smith"]'],
    ]);
    for (const p of problems) {
      expect(p.path).toBe('test/Admission');
      expect(p.hint.length).toBeGreaterThan(10);
    }
  });
});
