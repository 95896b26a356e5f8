import { App } from 'cdk8s';
import { defaultFleetProps } from '../../examples/default/fleet';
import { defaultChart } from '../../examples/default/k8s';
import { EffectivePermissions } from '../../lib/check/effective-permissions';
import { AccessAdmissionRules, AdmissionRules, AgentFleet } from '../../lib/model';
import { copy } from './fixtures';
import {
  ADMIN, ALICE, CRONJOB_CONTROLLER, JOB_CONTROLLER, KUBELET, guardSetup, jobCreate, podConnect, tokenRequest,
} from './guard-fixtures';

const { TokenRequest } = require('kubernetes-models/authentication.k8s.io/v1/TokenRequest');

const s = guardSetup();
const job = s.renderers.diagnostics.render({ investigationId: 'inc-4711', phase: 'read-only' });
const launcher = { username: s.launcherUser, groups: ['system:serviceaccounts', 'system:serviceaccounts:agents', 'system:authenticated'] };

describe('creator check on Jobs', () => {
  test('the launcher creating a rendered Job is admitted', () => {
    expect(s.launcherUser).toBe('system:serviceaccount:agents:agent-launcher');
    expect(s.jobs.review(jobCreate(job, launcher))).toEqual({ selected: true, denied: [], messages: [] });
  });

  test.each([
    ['a user with create on jobs', ALICE],
    ['a cluster admin', ADMIN],
    ['the CronJob controller (a CronJob in the namespace)', CRONJOB_CONTROLLER],
    ['the Job controller', JOB_CONTROLLER],
    ['a phase ServiceAccount', { username: 'system:serviceaccount:agents:agent-phase-autonomous' }],
    ['a launcher of the same name in another namespace', { username: 'system:serviceaccount:other:agent-launcher' }],
  ])('the same Job created by %s is denied by exactly job-created-by-launcher', (_name, user) => {
    const result = s.jobs.review(jobCreate(job, user));
    expect(result.denied).toEqual([AdmissionRules.JOB_CREATED_BY_LAUNCHER]);
    expect(result.messages[0]).toBe(`agent-trust [job-created-by-launcher]: ${user.username} may not create investigation Jobs; `
      + 'only system:serviceaccount:agents:agent-launcher may');
  });

  test('updates are not blocked: the Job controller (finalizers, annotations) and the launcher', () => {
    const updated = copy(job);
    updated.metadata.finalizers = ['batch.kubernetes.io/job-tracking'];
    for (const user of [JOB_CONTROLLER, launcher]) {
      expect(s.jobs.review({ ...jobCreate(updated, user), operation: 'UPDATE', oldObject: job }).denied).toEqual([]);
    }
    // Job status is a subresource the policy does not match.
    expect(s.jobs.matchesRules({ ...jobCreate(updated, JOB_CONTROLLER), operation: 'UPDATE', subResource: 'status', oldObject: job })).toBe(false);
  });

  test('identities the fleet names explicitly may create Jobs too, and only they', () => {
    const second = guardSetup(undefined, {}, { additionalJobCreators: ['system:serviceaccount:ops:incident-launcher'] });
    expect(second.jobs.review(jobCreate(job, { username: 'system:serviceaccount:ops:incident-launcher' })).denied).toEqual([]);
    expect(second.jobs.review(jobCreate(job, launcher)).denied).toEqual([]);
    expect(second.jobs.review(jobCreate(job, ALICE)).denied).toEqual([AdmissionRules.JOB_CREATED_BY_LAUNCHER]);
  });
});

describe('token requests for phase ServiceAccounts', () => {
  const boundPod = 'investigation-inc-4711-x7k2q';

  test('a kubelet minting the projected token of an investigation Pod is admitted', () => {
    const req = tokenRequest('agents', 'agent-phase-read-only', KUBELET, boundPod);
    expect(() => new TokenRequest(req.object).validate()).not.toThrow();
    expect(s.tokens.review(req)).toEqual({ selected: true, denied: [], messages: [] });
  });

  test.each([
    ['kubectl create token agent-phase-autonomous by a cluster admin', () => tokenRequest('agents', 'agent-phase-autonomous', ADMIN)],
    ['kubectl create token by a user', () => tokenRequest('agents', 'agent-phase-read-only', ALICE)],
    ['a user binding the token to the investigation Pod', () => tokenRequest('agents', 'agent-phase-autonomous', ALICE, boundPod)],
    ['the launcher', () => tokenRequest('agents', 'agent-phase-shadow', { username: s.launcherUser })],
    ['a kubelet without a bound object', () => tokenRequest('agents', 'agent-phase-autonomous', KUBELET)],
    ['a kubelet for a Pod that is not an investigation', () => tokenRequest('agents', 'agent-phase-autonomous', KUBELET, 'debug-shell')],
    ['a user impersonating a node name without the nodes group', () => tokenRequest('agents', 'agent-phase-autonomous', { username: 'system:node:worker-1', groups: ['system:authenticated'] }, boundPod)],
  ])('%s is denied by exactly token-bound-to-pod-by-kubelet', (_name, request) => {
    const req = request();
    expect(() => new TokenRequest(req.object).validate()).not.toThrow();
    const result = s.tokens.review(req);
    expect(result.selected).toBe(true);
    expect(result.denied).toEqual([AccessAdmissionRules.TOKEN_BOUND_BY_KUBELET]);
    expect(result.messages[0]).toContain(`may not mint a token for ${req.name}`);
  });

  test('a token for another ServiceAccount (the launcher\'s) or in another namespace is not selected', () => {
    expect(s.tokens.review(tokenRequest('agents', 'agent-launcher', ALICE)).selected).toBe(false);
    expect(s.tokens.review(tokenRequest('default', 'agent-phase-autonomous', ALICE)).selected).toBe(false);
    // Creating or reading the ServiceAccount itself is not a token request.
    expect(s.tokens.matchesRules({ ...tokenRequest('agents', 'agent-phase-autonomous', ALICE), subResource: '' })).toBe(false);
  });
});

describe('exec, attach, port-forward and proxy', () => {
  test.each([['exec'], ['attach'], ['portforward'], ['proxy']] as const)('CONNECT %s into an investigation Pod is denied, whoever asks', (sub) => {
    for (const user of [ADMIN, ALICE]) {
      const result = s.connect.review(podConnect('agents', 'investigation-inc-4711-x7k2q', sub, user));
      expect(result.selected).toBe(true);
      expect(result.denied).toEqual([AccessAdmissionRules.NO_CONNECT]);
      expect(result.messages[0]).toContain(`${sub} into investigation-inc-4711-x7k2q is denied`);
    }
  });

  test('CONNECT into another Pod of the namespace (the launcher) is admitted; other namespaces are not selected', () => {
    expect(s.connect.review(podConnect('agents', 'agent-launcher-5d9c7-abcde', 'exec', ADMIN))).toEqual({ selected: true, denied: [], messages: [] });
    expect(s.connect.review(podConnect('default', 'investigation-inc-4711-x7k2q', 'exec', ADMIN)).selected).toBe(false);
  });

  test('nothing the library grants allows pods/exec, pods/attach, pods/portforward or pods/proxy: the launcher and every phase', () => {
    // Every phase rendered (renderAllPhases), so the higher phases are checked too.
    const objects = defaultChart(new App(), new AgentFleet({ ...defaultFleetProps(), renderAllPhases: true })).toJson();
    const permissions = EffectivePermissions.fromManifests(objects);
    const accounts = objects.filter(o => o.kind === 'ServiceAccount').map(o => [o.metadata.namespace, o.metadata.name] as const);
    // The Kubernetes engine's credential-level ServiceAccounts (one per target namespace) are checked too.
    expect(accounts.map(a => a[1]).sort()).toEqual(['agent-launcher', 'agent-phase-autonomous', 'agent-phase-limited-write',
      'agent-phase-read-only', 'agent-phase-shadow',
      ...['autonomous', 'limited-write', 'read-only'].map(l => `agents-application-${l}`)]);
    const namespaces = [...new Set(objects.filter(o => o.metadata?.namespace).map(o => o.metadata.namespace))];
    expect(namespaces.length).toBeGreaterThan(1);
    // The computation does see the grants: read-only reads pods somewhere.
    expect(namespaces.some(ns => permissions.forServiceAccount('agents', 'agent-phase-read-only').allows(ns, '', 'pods', 'get'))).toBe(true);
    for (const [ns, name] of accounts) {
      const set = permissions.forServiceAccount(ns, name);
      for (const scope of namespaces) {
        for (const resource of AccessAdmissionRules.CONNECT_SUBRESOURCES) {
          for (const verb of ['create', 'get']) {
            expect([name, scope, resource, verb, set.allows(scope, '', resource, verb)]).toEqual([name, scope, resource, verb, false]);
          }
        }
      }
    }
  });
});
