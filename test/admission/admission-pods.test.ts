import { PodAdmissionRules, AdmissionRules } from '../../lib/model';
import { copy, fleetWith } from './fixtures';
import {
  ADMIN, ALICE, CONTROLLER_MANAGER, GC, JOB_CONTROLLER, KUBELET, REPLICASET_CONTROLLER, guardSetup, podCreate, podFromJob, podUpdate,
} from './guard-fixtures';
import { TrustPhase } from '../../lib/model';

const { Pod } = require('kubernetes-models/v1/Pod');

const s = guardSetup();
const renderer = s.renderers.diagnostics;
const job = renderer.render({ investigationId: 'inc-4711', phase: 'read-only' });
const pod = podFromJob(job);
const hardened = (name: string, image = 'registry.example.com/agents/diagnostics:1.4.2'): any => ({
  name,
  image,
  resources: { limits: { cpu: '100m', memory: '64Mi' } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true },
});

describe('the legitimate Pod lifecycle is admitted', () => {
  test('the Pod the Job controller builds from a rendered Job is a valid v1 Pod', () => {
    expect(() => new Pod(pod).validate()).not.toThrow();
    expect(pod.metadata.name).toMatch(/^investigation-inc-4711-[a-z0-9]{5}$/);
  });

  test.each(renderer.allowedPhases)('the Job controller creating the Pod of a %s Job', (phase) => {
    const p = podFromJob(renderer.render({ investigationId: 'inc-1', phase }));
    expect(s.pods.review(podCreate(p))).toEqual({ selected: true, denied: [], messages: [] });
    // Control planes without per-controller credentials create it as the controller manager.
    expect(s.pods.review(podCreate(p, CONTROLLER_MANAGER)).denied).toEqual([]);
  });

  test('the launcher creating the rendered Job (the Job policy admits it)', () => {
    expect(s.jobs.review({
      operation: 'CREATE', resource: { group: 'batch', version: 'v1', resource: 'jobs' }, namespace: 'agents', userInfo: { username: s.launcherUser }, object: job,
    })).toMatchObject({ selected: true, denied: [] });
  });

  test('kubelet status updates go through pods/status, which the policy does not match', () => {
    const running = { ...copy(pod), status: { phase: 'Running' } };
    const req = podUpdate(pod, running, KUBELET, 'status');
    expect(s.pods.matchesRules(req)).toBe(false);
    expect(s.pods.review(req).selected).toBe(false);
  });

  test('the Job controller removing its tracking finalizer (also on a terminating Pod) is admitted', () => {
    const done = copy(pod);
    done.metadata.finalizers = [];
    expect(s.pods.review(podUpdate(pod, done, JOB_CONTROLLER))).toMatchObject({ selected: true, denied: [] });
    const terminating = copy(pod);
    terminating.metadata.deletionTimestamp = '2026-11-28T12:00:00Z';
    const released = copy(terminating);
    delete released.metadata.finalizers;
    expect(s.pods.review(podUpdate(terminating, released, JOB_CONTROLLER)).denied).toEqual([]);
  });

  test('after a demotion, the Job controller can still release a running Pod above the new ceiling', () => {
    const demoted = guardSetup(fleetWith({ agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.SHADOW }] }));
    const done = copy(pod);
    done.metadata.finalizers = [];
    expect(demoted.pods.review(podUpdate(pod, done, JOB_CONTROLLER)).denied).toEqual([]);
    // A new Pod of that phase is denied (the Job would be too).
    expect(demoted.pods.review(podCreate(pod)).denied).toEqual([AdmissionRules.PHASE_WITHIN_CEILING]);
  });

  test('annotations and unrelated labels may change', () => {
    const annotated = copy(pod);
    annotated.metadata.annotations = { 'example.com/note': 'x' };
    annotated.metadata.labels['team'] = 'sre';
    expect(s.pods.review(podUpdate(pod, annotated, ALICE)).denied).toEqual([]);
  });

  test('Pods that neither run as a phase ServiceAccount nor carry investigation labels are not selected (the launcher\'s)', () => {
    const launcherPod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'agent-launcher-5d9c7-abcde', namespace: 'agents', labels: { app: 'agent-launcher' } },
      spec: { serviceAccountName: 'agent-launcher', containers: [{ name: 'launcher', image: 'docker.io/any:latest' }] },
    };
    expect(s.pods.review(podCreate(launcherPod, REPLICASET_CONTROLLER)).selected).toBe(false);
    // Nor are investigation Pods in another namespace.
    const elsewhere = copy(pod);
    elsewhere.metadata.namespace = 'default';
    expect(s.pods.review(podCreate(elsewhere, ALICE)).selected).toBe(false);
  });
});

type Attack = [name: string, request: () => ReturnType<typeof podCreate>, rules: string[]];

const mutated = (f: (p: any) => void): any => {
  const p = copy(pod);
  f(p);
  return p;
};

const ATTACKS: Attack[] = [
  // A bare Pod copied from a legitimate one, owner reference forged: only the creator check can tell.
  ['a bare Pod as a phase ServiceAccount, by a user (forged owner reference)', () => podCreate(pod, ALICE), [PodAdmissionRules.CREATED_BY_JOB_CONTROLLER]],
  ['a bare Pod as a phase ServiceAccount, by a cluster admin', () => podCreate(pod, ADMIN), [PodAdmissionRules.CREATED_BY_JOB_CONTROLLER]],
  ['a bare Pod without owner, by a user', () => podCreate(mutated(p => { delete p.metadata.ownerReferences; }), ALICE),
    [PodAdmissionRules.CREATED_BY_JOB_CONTROLLER, PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB]],
  ['a Pod of a ReplicaSet (a Deployment) as a phase ServiceAccount', () => podCreate(mutated(p => {
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'agent-5d9c7', uid: 'u', controller: true }];
  }), REPLICASET_CONTROLLER), [PodAdmissionRules.CREATED_BY_JOB_CONTROLLER, PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB]],
  ['a Job-controller Pod of a Job not named after the investigation', () => podCreate(mutated(p => {
    p.metadata.ownerReferences[0].name = 'backup';
  })), [PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB]],
  ['a Job-controller Pod with a second controller reference', () => podCreate(mutated(p => {
    p.metadata.ownerReferences.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u', controller: true });
  })), [PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB]],
  ['a Job-controller Pod with an added (sidecar) container', () => podCreate(mutated(p => { p.spec.containers.push(hardened('istio-proxy')); })),
    [PodAdmissionRules.CONTAINERS_MATCH_CONTRACT]],
  ['a Job-controller Pod with its container renamed', () => podCreate(mutated(p => { p.spec.containers[0].name = 'shell'; })),
    [PodAdmissionRules.CONTAINERS_MATCH_CONTRACT]],
  ['a Job-controller Pod with an added init container', () => podCreate(mutated(p => { p.spec.initContainers = [hardened('istio-init')]; })),
    [PodAdmissionRules.CONTAINERS_MATCH_CONTRACT]],
  ['a Job-controller Pod with a secret volume', () => podCreate(mutated(p => { p.spec.volumes.push({ name: 'creds', secret: { secretName: 'db' } }); })),
    [PodAdmissionRules.VOLUMES_MATCH_CONTRACT]],
  ['a Job-controller Pod whose scratch volume became a PVC', () => podCreate(mutated(p => {
    p.spec.volumes[0] = { name: 'scratch', persistentVolumeClaim: { claimName: 'shared' } };
  })), [PodAdmissionRules.VOLUMES_MATCH_CONTRACT]],
  ['a Job-controller Pod with a hostPath volume', () => podCreate(mutated(p => { p.spec.volumes.push({ name: 'host', hostPath: { path: '/' } }); })),
    [PodAdmissionRules.VOLUMES_MATCH_CONTRACT, AdmissionRules.NO_HOST_PATH_OR_PORT]],
  ['a Job-controller Pod with an extra projected token (API audience)', () => podCreate(mutated(p => {
    p.spec.volumes.push({ name: 'api-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } });
  })), [PodAdmissionRules.VOLUMES_MATCH_CONTRACT]],
  ['a Job-controller Pod whose Vault token lost its audience', () => podCreate(mutated(p => {
    delete p.spec.volumes.find((v: any) => v.name === 'vault-token').projected.sources[0].serviceAccountToken.audience;
  })), [PodAdmissionRules.VOLUMES_MATCH_CONTRACT]],
  ['a Job-controller Pod whose Vault token lives a day', () => podCreate(mutated(p => {
    p.spec.volumes.find((v: any) => v.name === 'vault-token').projected.sources[0].serviceAccountToken.expirationSeconds = 86400;
  })), [PodAdmissionRules.VOLUMES_MATCH_CONTRACT]],
  ['a Job-controller Pod whose Vault token volume also projects a Secret', () => podCreate(mutated(p => {
    p.spec.volumes.find((v: any) => v.name === 'vault-token').projected.sources.push({ secret: { name: 'db' } });
  })), [PodAdmissionRules.VOLUMES_MATCH_CONTRACT]],
  ['a Job-controller Pod running as another phase\'s ServiceAccount', () => podCreate(mutated(p => {
    p.spec.serviceAccountName = 'agent-phase-autonomous';
    p.spec.serviceAccount = 'agent-phase-autonomous';
  })), [AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE]],
  ['a Job-controller Pod whose deprecated serviceAccount names another account', () => podCreate(mutated(p => { p.spec.serviceAccount = 'agent-phase-autonomous'; })),
    [AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE]],
  ['a Job-controller Pod above the agent\'s ceiling', () => podCreate(mutated(p => {
    p.metadata.labels['trust-phase'] = 'autonomous';
    p.spec.serviceAccountName = 'agent-phase-autonomous';
    p.spec.serviceAccount = 'agent-phase-autonomous';
  })), [AdmissionRules.PHASE_WITHIN_CEILING]],
  ['a Job-controller Pod made privileged', () => podCreate(mutated(p => { p.spec.containers[0].securityContext.privileged = true; })),
    [AdmissionRules.NOT_PRIVILEGED]],
  ['a Job-controller Pod with the API token automounted', () => podCreate(mutated(p => { p.spec.automountServiceAccountToken = true; })),
    [AdmissionRules.TOKEN_NOT_AUTOMOUNTED]],
  ['a Job-controller Pod with an image from another registry', () => podCreate(mutated(p => { p.spec.containers[0].image = 'docker.io/evil/agent:1'; })),
    [AdmissionRules.IMAGE_REGISTRY_ALLOWED]],
  ['a Job-controller Pod without limits', () => podCreate(mutated(p => { delete p.spec.containers[0].resources.limits; })),
    [AdmissionRules.RESOURCE_LIMITS]],
  ['a Job-controller Pod restarting in place', () => podCreate(mutated(p => { p.spec.restartPolicy = 'OnFailure'; })),
    [PodAdmissionRules.RESTART_NEVER]],
  ['a Job-controller Pod without its investigation-id label', () => podCreate(mutated(p => { delete p.metadata.labels['investigation-id']; })),
    [PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB]],
  ['a Pod carrying the investigation labels under the default ServiceAccount', () => podCreate(mutated(p => {
    delete p.spec.serviceAccountName;
    delete p.spec.serviceAccount;
  })), [AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE]],
  ['an ephemeral container (kubectl debug) on an investigation Pod', () => podUpdate(pod, mutated(p => {
    p.spec.ephemeralContainers = [{ name: 'debugger', image: 'registry.example.com/tools/busybox:1', targetContainerName: 'agent', stdin: true, tty: true }];
  }), ADMIN, 'ephemeralcontainers'), [PodAdmissionRules.NO_EPHEMERAL_CONTAINERS]],
  ['an image swapped on a running investigation Pod (same registry)', () => podUpdate(pod, mutated(p => {
    p.spec.containers[0].image = 'registry.example.com/agents/shell:1';
  }), ALICE), [PodAdmissionRules.UNCHANGED_ON_UPDATE]],
  ['an in-place resize of an investigation Pod', () => podUpdate(pod, mutated(p => {
    p.spec.containers[0].resources.limits.memory = '64Gi';
  }), ALICE, 'resize'), [PodAdmissionRules.UNCHANGED_ON_UPDATE]],
  ['a running investigation Pod relabelled into a higher phase (egress follows the label)', () => podUpdate(pod, mutated(p => {
    p.metadata.labels['trust-phase'] = 'autonomous';
  }), ALICE), [AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE, PodAdmissionRules.UNCHANGED_ON_UPDATE]],
  ['a running investigation Pod orphaned from its Job (it would outlive the deadline)', () => podUpdate(pod, mutated(p => {
    delete p.metadata.ownerReferences;
  }), GC), [PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB]],
];

describe('each attack on the Pod path is selected and denied by exactly the intended rule(s)', () => {
  test.each(ATTACKS)('%s', (_name, request, rules) => {
    const result = s.pods.review(request());
    expect(result.selected).toBe(true);
    expect(result.denied).toEqual(rules);
    for (const m of result.messages) {
      expect(m).toMatch(/^agent-trust \[[a-z-]+\]: /);
    }
  });

  test('messages name the identity and what differs', () => {
    expect(s.pods.review(podCreate(pod, ALICE)).messages[0]).toContain('alice@example.com may not create an investigation Pod');
    const sidecar = s.pods.review(podCreate(mutated(p => { p.spec.containers.push(hardened('istio-proxy')); })));
    expect(sidecar.messages[0]).toContain('containers agent, istio-proxy are not the Job template\'s of agent diagnostics');
  });

  test('the attack Pods are valid v1 Pods (the API server would accept their shape)', () => {
    for (const [, request] of ATTACKS) {
      const req = request();
      expect(() => new Pod(req.object).validate()).not.toThrow();
    }
  });
});
