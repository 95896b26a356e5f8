/**
 * Issue #17 item 7: the `not-being-deleted` match condition skips only an
 * UPDATE that changes nothing but finalizers on a Job being deleted.
 */
import { Testing } from 'cdk8s';
import { AgentJobTemplate, TrustPhaseAdmission } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { AdmissionRules, TrustPhase } from '../../lib/model';
import { AdmissionReviewRequest, PolicyUnderTest } from '../helpers/admission-review';
import { copy, fleetWith } from './fixtures';

const IMAGE = 'registry.example.com/agents/diagnostics:1.4.2';

function policyFor(ceiling: TrustPhase): { policy: PolicyUnderTest; renderer: JobRenderer } {
  const fleet = fleetWith({ agents: [{ name: 'diagnostics', image: IMAGE, ceiling }] });
  const chart = Testing.chart();
  const admission = new TrustPhaseAdmission(chart, 'A', { fleet });
  const template = new AgentJobTemplate(chart, 'T', { fleet, agent: 'diagnostics' });
  const objects = Testing.synth(chart);
  return {
    policy: new PolicyUnderTest(objects.find(o => o.metadata.name === admission.name), objects.find(o => o.metadata.name === AdmissionRules.PARAMS_NAME)),
    renderer: new JobRenderer(template.contract),
  };
}

// A limited-write Job admitted before a demotion to read-only, now being deleted (foreground).
const before = policyFor(TrustPhase.LIMITED_WRITE);
const after = policyFor(TrustPhase.READ_ONLY);
const job = before.renderer.render({ investigationId: 'd1', phase: 'limited-write' });
const deleting = copy(job);
deleting.metadata.deletionTimestamp = '2026-11-28T18:00:00Z';
deleting.metadata.finalizers = ['foregroundDeletion'];

function update(object: any, oldObject: any, username: string): AdmissionReviewRequest {
  return { operation: 'UPDATE', resource: { group: 'batch', version: 'v1', resource: 'jobs' }, namespace: 'agents', userInfo: { username }, object, oldObject };
}
const GC = 'system:serviceaccount:kube-system:generic-garbage-collector';

test('the garbage collector removing the finalizer of a Job being deleted is not checked (a demotion cannot strand it)', () => {
  const done = copy(deleting);
  done.metadata.finalizers = [];
  expect(before.policy.review(update(job, job, GC))).toMatchObject({ selected: true, denied: [] });
  expect(after.policy.review(update(done, deleting, GC))).toEqual({ selected: false, denied: [], messages: [] });
});

test.each([
  ['relabels it', (j: any) => { j.metadata.labels['trust-phase'] = 'autonomous'; }],
  ['adds an annotation', (j: any) => { j.metadata.annotations = { 'example.com/x': 'y' }; }],
  ['changes its spec (TTL)', (j: any) => { j.spec.ttlSecondsAfterFinished = 31536000; }],
])('an update that %s on a Job being deleted is checked like any update', (_name, edit) => {
  const tampered = copy(deleting);
  edit(tampered);
  const result = after.policy.review(update(tampered, deleting, 'alice'));
  expect(result.selected).toBe(true);
  expect(result.denied.length).toBeGreaterThan(0);
});

test('a CREATE carrying a deletionTimestamp is checked (the condition only skips updates)', () => {
  const req: AdmissionReviewRequest = { ...update(deleting, undefined, 'system:serviceaccount:agents:agent-launcher'), operation: 'CREATE' };
  expect(after.policy.review(req)).toMatchObject({ selected: true, denied: [AdmissionRules.PHASE_WITHIN_CEILING] });
});
