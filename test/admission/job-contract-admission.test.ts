/**
 * Issue #17 item 1 and 2: the Job policy compares each investigation Job
 * with its agent's launcher contract, so only the investigation id and the
 * phase may vary. Every request is reviewed as the API server does it
 * (match rules, match conditions, then validations) with the fleet example
 * (three agents at three ceilings).
 */
import { Testing } from 'cdk8s';
import { fleetOfThree } from '../../examples/fleet/fleet';
import { AgentJobTemplate, TrustPhaseAdmission } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { AdmissionRules, JobContractAdmissionRules as R } from '../../lib/model';
import { AdmissionReviewRequest, PolicyUnderTest } from '../helpers/admission-review';
import { copy } from './fixtures';

const fleet = fleetOfThree();
const chart = Testing.chart();
const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet });
const templates = fleet.agents.map(a => new AgentJobTemplate(chart, `T-${a.name}`, { fleet, agent: a.name }));
const objects = Testing.synth(chart);
const policy = objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === admission.name);
const params = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === AdmissionRules.PARAMS_NAME);
const job = new PolicyUnderTest(policy, params);
const renderers = Object.fromEntries(templates.map(t => [t.agent.name, new JobRenderer(t.contract)]));
const LAUNCHER = AdmissionRules.serviceAccountUsername(fleet.namespace, 'agent-launcher');
const TRIAGE_IMAGE = fleet.agents.find(a => a.name === 'triage')!.image;

function jobRequest(object: any, operation: 'CREATE' | 'UPDATE' = 'CREATE', oldObject?: any, username = LAUNCHER): AdmissionReviewRequest {
  return {
    operation, resource: { group: 'batch', version: 'v1', resource: 'jobs' }, namespace: fleet.namespace,
    userInfo: { username }, object, oldObject,
  };
}

/** The Job as the API server hands it to validating admission: defaults and the generated selector filled in. */
function asStored(rendered: any): any {
  const j = copy(rendered);
  const uid = '0f5c8d7e-1111-2222-3333-444455556666';
  j.metadata.uid = uid;
  Object.assign(j.spec, { completions: 1, parallelism: 1, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'Failed',
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } } });
  Object.assign(j.spec.template.metadata.labels, {
    'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid,
    'batch.kubernetes.io/job-name': j.metadata.name, 'job-name': j.metadata.name,
  });
  const pod = j.spec.template.spec;
  Object.assign(pod, { schedulerName: 'default-scheduler', enableServiceLinks: true });
  for (const c of pod.containers) {
    Object.assign(c, { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
  }
  for (const v of pod.volumes) {
    if (v.projected) {
      v.projected.defaultMode = 420;
    }
  }
  return j;
}

const base = (): any => renderers.remediator.render({ investigationId: 'inc-4711', phase: 'limited-write' });
const podOf = (j: any): any => j.spec.template.spec;
const agentOf = (j: any): any => podOf(j).containers[0];
const tokenOf = (j: any): any => podOf(j).volumes.find((v: any) => v.name === 'vault-token').projected.sources[0].serviceAccountToken;

type Attack = [name: string, mutate: (j: any) => void, rules: string[]];

const ATTACKS: Attack[] = [
  ['another agent\'s image (triage, ceiling shadow) labelled as remediator at limited-write', j => { agentOf(j).image = TRIAGE_IMAGE; },
    [R.IMAGE_MATCHES_AGENT]],
  ['the agent\'s repository at another tag than the pinned digest', j => { agentOf(j).image = 'registry.example.com/agents/remediator:latest'; },
    [R.IMAGE_MATCHES_AGENT]],
  ['an allowed-registry image with a command override', j => {
    agentOf(j).image = 'registry.example.com/agents/toolbox:1.0';
    agentOf(j).command = ['sh', '-c', 'vault login … && kubectl delete ns payments'];
  }, [R.IMAGE_MATCHES_AGENT, R.COMMAND_FROM_CONTRACT]],
  ['command override on the agent\'s own image', j => { agentOf(j).command = ['/bin/sh']; }, [R.COMMAND_FROM_CONTRACT]],
  ['args override', j => { agentOf(j).args = ['--skip-approval']; }, [R.COMMAND_FROM_CONTRACT]],
  ['postStart lifecycle hook', j => { agentOf(j).lifecycle = { postStart: { exec: { command: ['sh', '-c', 'id'] } } }; }, [R.COMMAND_FROM_CONTRACT]],
  ['secret volume', j => {
    podOf(j).volumes.push({ name: 'creds', secret: { secretName: 'payments-db-root' } });
    agentOf(j).volumeMounts.push({ name: 'creds', mountPath: '/creds' });
  }, [R.VOLUMES_MATCH_CONTRACT]],
  ['persistentVolumeClaim volume', j => { podOf(j).volumes.push({ name: 'data', persistentVolumeClaim: { claimName: 'payments-data' } }); },
    [R.VOLUMES_MATCH_CONTRACT]],
  ['scratch volume swapped for a secret of the same name', j => { podOf(j).volumes[0] = { name: 'scratch', secret: { secretName: 'x' } }; },
    [R.VOLUMES_MATCH_CONTRACT]],
  ['envFrom secretRef', j => { agentOf(j).envFrom = [{ secretRef: { name: 'payments-db-root' } }]; }, [R.ENV_FROM_CONTRACT]],
  ['env valueFrom secretKeyRef', j => { agentOf(j).env.push({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }); },
    [R.ENV_FROM_CONTRACT]],
  ['VAULT_ADDR pointed elsewhere (the projected token would go there)', j => {
    agentOf(j).env.find((e: any) => e.name === 'VAULT_ADDR').value = 'https://vault.attacker.example';
  }, [R.ENV_FROM_CONTRACT]],
  ['TRUST_PHASE env claiming another phase than the label', j => {
    agentOf(j).env.find((e: any) => e.name === 'TRUST_PHASE').value = 'autonomous';
  }, [R.ENV_FROM_CONTRACT]],
  ['podFailurePolicy Ignore on exit codes (retries under backoffLimit 0)', j => {
    j.spec.podFailurePolicy.rules.push({ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [0] } });
  }, [R.POD_FAILURE_POLICY_FROM_CONTRACT]],
  ['podFailurePolicy FailJob rule turned into Ignore', j => { j.spec.podFailurePolicy.rules[1].action = 'Ignore'; },
    [R.POD_FAILURE_POLICY_FROM_CONTRACT]],
  ['ttlSecondsAfterFinished missing', j => { delete j.spec.ttlSecondsAfterFinished; }, [R.TTL_FROM_CONTRACT]],
  ['ttlSecondsAfterFinished a year', j => { j.spec.ttlSecondsAfterFinished = 31536000; }, [R.TTL_FROM_CONTRACT]],
  ['priorityClassName system-node-critical', j => { podOf(j).priorityClassName = 'system-node-critical'; }, [R.POD_FIELDS_FROM_CONTRACT]],
  ['nodeName pinning a control-plane node', j => { podOf(j).nodeName = 'control-plane-1'; }, [R.POD_FIELDS_FROM_CONTRACT]],
  ['tolerations operator Exists (every taint)', j => { podOf(j).tolerations = [{ operator: 'Exists' }]; }, [R.POD_FIELDS_FROM_CONTRACT]],
  ['runtimeClassName', j => { podOf(j).runtimeClassName = 'unsandboxed'; }, [R.POD_FIELDS_FROM_CONTRACT]],
  ['another scheduler', j => { podOf(j).schedulerName = 'my-scheduler'; }, [R.POD_FIELDS_FROM_CONTRACT]],
  ['spec.managedBy another controller', j => { j.spec.managedBy = 'example.com/evil-controller'; }, [R.JOB_FIELDS_FROM_CONTRACT]],
  ['manualSelector true', j => { j.spec.manualSelector = true; }, [R.JOB_FIELDS_FROM_CONTRACT]],
  ['extra pod label (a NetworkPolicy may select it)', j => { j.spec.template.metadata.labels['app.kubernetes.io/name'] = 'egress-proxy'; },
    [R.POD_METADATA_FROM_CONTRACT]],
  ['the contract\'s app label changed', j => { j.spec.template.metadata.labels.app = 'payments-api'; }, [R.POD_METADATA_FROM_CONTRACT]],
  ['job-name label naming another Job', j => { j.spec.template.metadata.labels['job-name'] = 'investigation-other'; }, [R.POD_METADATA_FROM_CONTRACT]],
  ['AppArmor unconfined annotation', j => {
    j.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/agent': 'unconfined' };
  }, [R.POD_METADATA_FROM_CONTRACT]],
  ['readOnlyRootFilesystem false', j => { agentOf(j).securityContext.readOnlyRootFilesystem = false; }, [R.SECURITY_CONTEXT_FROM_CONTRACT]],
  ['pod runAsUser changed', j => { podOf(j).securityContext.runAsUser = 1000; }, [R.SECURITY_CONTEXT_FROM_CONTRACT]],
  ['projected token with a 48 h lifetime', j => { tokenOf(j).expirationSeconds = 172800; }, [R.VOLUMES_MATCH_CONTRACT]],
  ['projected token for another audience', j => { tokenOf(j).audience = 'https://kubernetes.default.svc'; }, [R.VOLUMES_MATCH_CONTRACT]],
  ['a second token volume', j => {
    podOf(j).volumes.push({ name: 'api', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 600, path: 't' } }] } });
  }, [R.VOLUMES_MATCH_CONTRACT]],
  ['a sidecar container', j => { podOf(j).containers.push({ ...copy(agentOf(j)), name: 'sidecar' }); }, [R.CONTAINERS_MATCH_CONTRACT]],
  ['an init container', j => { podOf(j).initContainers = [{ ...copy(agentOf(j)), name: 'init' }]; }, [R.CONTAINERS_MATCH_CONTRACT]],
  ['pod activeDeadlineSeconds removed (an orphaned pod would run on)', j => { delete podOf(j).activeDeadlineSeconds; }, [R.POD_DEADLINE_WITHIN_JOB]],
  ['pod activeDeadlineSeconds above the Job\'s', j => { podOf(j).activeDeadlineSeconds = j.spec.activeDeadlineSeconds + 1; },
    [R.POD_DEADLINE_WITHIN_JOB]],
];

describe('legitimate actors pass', () => {
  test('the launcher: every agent\'s Job in every phase up to its ceiling, as rendered and as the API server stores it', () => {
    let reviewed = 0;
    for (const agent of fleet.agents) {
      const r = renderers[agent.name];
      for (const phase of r.allowedPhases) {
        const rendered = r.render({ investigationId: `inv-${agent.name}`, phase });
        for (const object of [rendered, asStored(rendered)]) {
          expect(job.review(jobRequest(object))).toEqual({ selected: true, denied: [], messages: [] });
          reviewed++;
        }
      }
    }
    expect(reviewed).toBe(2 * (1 + 2 + 3));
  });

  test('an UPDATE of a stored Job (labels, by a controller such as the garbage collector) passes', () => {
    const stored = asStored(base());
    const updated = copy(stored);
    updated.metadata.labels.note = 'reviewed';
    const gc = AdmissionRules.serviceAccountUsername('kube-system', 'generic-garbage-collector');
    expect(job.review(jobRequest(updated, 'UPDATE', stored, gc)).denied).toEqual([]);
  });

  test('params carry every agent\'s image, the digest-pinned one by digest', () => {
    expect(params.data['image.remediator']).toBe(`registry.example.com/agents/remediator@sha256:${'4f'.repeat(32)}`);
    expect(Object.keys(params.data).filter(k => k.startsWith(R.IMAGE_KEY_PREFIX)).sort())
      .toEqual(['image.diagnostics', 'image.remediator', 'image.triage']);
  });

  test('the template sets the pod deadline to the Job deadline', () => {
    const j = base();
    expect(podOf(j).activeDeadlineSeconds).toBe(j.spec.activeDeadlineSeconds);
    expect(j.spec.activeDeadlineSeconds).toBe(fleet.jobDeadline.toSeconds());
  });
});

describe('each attack is denied by exactly the rule it breaks, on CREATE and on UPDATE', () => {
  test.each(ATTACKS.map(([name, mutate, rules]) => [name, rules.join(' + '), mutate, rules] as const))('%s → %s', (_n, _r, mutate, rules) => {
    for (const original of [base(), asStored(base())]) {
      const attacked = copy(original);
      mutate(attacked);
      expect(job.review(jobRequest(attacked)).denied).toEqual(rules);
      expect(job.review(jobRequest(attacked, 'UPDATE', original)).denied).toEqual(rules);
    }
  });

  test('every contract rule is hit by an attack (no dead rule)', () => {
    const hit = new Set(ATTACKS.flatMap(a => a[2]));
    expect(R.forFleet(fleet, []).map(r => r.id).filter(id => !hit.has(id))).toEqual([]);
  });

  test('the image denial names the images and the agent\'s image', () => {
    const attacked = base();
    agentOf(attacked).image = TRIAGE_IMAGE;
    const { messages } = job.review(jobRequest(attacked));
    expect(messages).toEqual([`agent-trust [job-image-matches-agent]: images ${TRIAGE_IMAGE} are not the images of agent remediator `
      + `(registry.example.com/agents/remediator@sha256:${'4f'.repeat(32)})`]);
  });

  test('a fleet agent without a Job template is denied by the contract rules (fail closed)', () => {
    const rules = R.forFleet(fleet, admission.contracts.filter(c => c.agent !== 'remediator'));
    const p = new PolicyUnderTest({ ...policy, spec: { ...policy.spec, validations: rules.map(r => ({ expression: r.expression, message: r.message })) } }, params);
    expect(p.review(jobRequest(base())).denied).toEqual(R.forFleet(fleet, []).map(r => r.id)
      .filter(id => id !== R.JOB_FIELDS_FROM_CONTRACT && id !== R.POD_DEADLINE_WITHIN_JOB));
  });
});
