import { Testing } from 'cdk8s';
import { defaultFleet } from '../../examples/default/fleet';
import { AgentJobTemplate, AgentJobTemplateProps, LauncherAccess, TrustPhaseAdmission, TrustPhaseAdmissionProps } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { AgentFleet } from '../../lib/model';
import { AdmissionReviewRequest, PolicyUnderTest } from '../helpers/admission-review';
import { copy } from './fixtures';

/** Every admission policy of a fleet, with a renderer per agent. */
export interface GuardSetup {
  readonly fleet: AgentFleet;
  readonly admission: TrustPhaseAdmission;
  readonly objects: any[];
  readonly params: any;
  readonly jobs: PolicyUnderTest;
  readonly pods: PolicyUnderTest;
  readonly tokens: PolicyUnderTest;
  readonly connect: PolicyUnderTest;
  readonly renderers: { [agent: string]: JobRenderer };
  readonly launcherUser: string;
}

/** Synthesize the launcher, a Job template per agent and the admission in one chart. */
export function guardSetup(fleet: AgentFleet = defaultFleet(), templateProps: Partial<AgentJobTemplateProps> = {},
  props: Partial<TrustPhaseAdmissionProps> = {}): GuardSetup {
  const chart = Testing.chart();
  const launcher = new LauncherAccess(chart, 'Launcher', { fleet });
  const templates = fleet.agents.map(a => new AgentJobTemplate(chart, `Job-${a.name}`, { fleet, agent: a.name, ...templateProps }));
  const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet, launcher, jobTemplates: templates, ...props });
  const objects = Testing.synth(chart);
  const policy = (name: string): any => objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === name);
  const params = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'agent-trust-ceilings');
  const renderers: { [agent: string]: JobRenderer } = {};
  templates.forEach(t => { renderers[t.agent.name] = new JobRenderer(t.contract); });
  return {
    fleet, admission, objects, params, renderers, launcherUser: launcher.username,
    jobs: new PolicyUnderTest(policy(admission.name), params),
    pods: new PolicyUnderTest(policy(`${admission.name}-pods`), params),
    tokens: new PolicyUnderTest(policy(`${admission.name}-tokens`)),
    connect: new PolicyUnderTest(policy(`${admission.name}-connect`)),
  };
}

export const JOB_CONTROLLER = { username: 'system:serviceaccount:kube-system:job-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
export const CONTROLLER_MANAGER = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
export const REPLICASET_CONTROLLER = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] };
export const CRONJOB_CONTROLLER = { username: 'system:serviceaccount:kube-system:cronjob-controller', groups: ['system:serviceaccounts', 'system:authenticated'] };
export const GC = { username: 'system:serviceaccount:kube-system:generic-garbage-collector', groups: ['system:serviceaccounts', 'system:authenticated'] };
export const ADMIN = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
export const ALICE = { username: 'alice@example.com', groups: ['developers', 'system:authenticated'] };
export const KUBELET = { username: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] };

const POD_RESOURCE = { group: '', version: 'v1', resource: 'pods' };

/** A stable fake uid. */
export function uidOf(name: string): string {
  const hex = Buffer.from(name).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The Pod the Job controller creates for a Job, as the validating
 * admission sees it: the template's metadata and spec, the Job controller's
 * labels, finalizer and controller reference, the name the API server
 * generated from `<job>-`, and what defaulting and the built-in mutating
 * plugins add (serviceAccount alias, scheduler, tolerations, priority,
 * container and volume defaults).
 */
export function podFromJob(job: any, suffix = 'x7k2q'): any {
  const jobName = job.metadata.name;
  const uid = uidOf(jobName);
  const tmpl = copy(job.spec.template);
  const spec = tmpl.spec;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.imagePullPolicy ??= 'Always';
  }
  for (const v of spec.volumes ?? []) {
    if (v.projected) {
      v.projected.defaultMode ??= 420;
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${jobName}-${suffix}`,
      generateName: `${jobName}-`,
      namespace: job.metadata.namespace,
      uid: uidOf(`${jobName}-${suffix}`),
      labels: {
        ...(tmpl.metadata?.labels ?? {}),
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': jobName,
        'controller-uid': uid,
        'job-name': jobName,
      },
      ...(tmpl.metadata?.annotations ? { annotations: tmpl.metadata.annotations } : {}),
      finalizers: ['batch.kubernetes.io/job-tracking'],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...spec,
      serviceAccount: spec.serviceAccountName,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

/** The Job controller creating `pod`. */
export function podCreate(pod: any, userInfo: { username: string; groups?: string[] } = JOB_CONTROLLER): AdmissionReviewRequest {
  return { operation: 'CREATE', resource: POD_RESOURCE, namespace: pod.metadata?.namespace ?? 'agents', name: pod.metadata?.name, userInfo, object: pod };
}

/** An UPDATE of `oldPod` to `pod` (optionally through a subresource). */
export function podUpdate(oldPod: any, pod: any, userInfo: { username: string; groups?: string[] }, subResource = ''): AdmissionReviewRequest {
  return {
    operation: 'UPDATE', resource: POD_RESOURCE, subResource, namespace: pod.metadata?.namespace ?? 'agents', name: pod.metadata?.name,
    userInfo, object: pod, oldObject: oldPod,
  };
}

/** A Job CREATE by `userInfo`. */
export function jobCreate(job: any, userInfo: { username: string; groups?: string[] }): AdmissionReviewRequest {
  return {
    operation: 'CREATE', resource: { group: 'batch', version: 'v1', resource: 'jobs' }, namespace: job.metadata.namespace,
    name: job.metadata.name, userInfo, object: job,
  };
}

/** A TokenRequest for ServiceAccount `sa`, optionally bound to a Pod. */
export function tokenRequest(namespace: string, sa: string, userInfo: { username: string; groups?: string[] },
  boundPod?: string, audiences = ['vault']): AdmissionReviewRequest {
  return {
    operation: 'CREATE', resource: { group: '', version: 'v1', resource: 'serviceaccounts' }, subResource: 'token', namespace, name: sa,
    userInfo,
    object: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: sa, namespace },
      spec: {
        audiences,
        expirationSeconds: 600,
        ...(boundPod ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: boundPod, uid: uidOf(boundPod) } } : {}),
      },
    },
  };
}

/** A CONNECT on `pods/<subResource>` of `pod`. */
export function podConnect(namespace: string, pod: string, subResource: 'exec' | 'attach' | 'portforward' | 'proxy',
  userInfo: { username: string; groups?: string[] }): AdmissionReviewRequest {
  const kinds = { exec: 'PodExecOptions', attach: 'PodAttachOptions', portforward: 'PodPortForwardOptions', proxy: 'PodProxyOptions' };
  const options = subResource === 'portforward' ? { ports: [8200] }
    : subResource === 'proxy' ? { path: '/metrics' }
      : { stdin: true, stdout: true, tty: true, container: 'agent', ...(subResource === 'exec' ? { command: ['sh'] } : {}) };
  return {
    operation: 'CONNECT', resource: POD_RESOURCE, subResource, namespace, name: pod, userInfo,
    object: { apiVersion: 'v1', kind: kinds[subResource], ...options },
  };
}
