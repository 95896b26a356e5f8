import * as fc from 'fast-check';
import { PodAdmissionRules, TrustPhase } from '../../lib/model';
import { fleetWith } from './fixtures';
import { GuardSetup, guardSetup, jobCreate, podCreate, podFromJob, podUpdate, JOB_CONTROLLER } from './guard-fixtures';

const { Pod } = require('kubernetes-models/v1/Pod');

// Three agents at three ceilings, so "any phase at or below the ceiling" varies by agent.
const fleet = fleetWith({
  agents: [
    { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.AUTONOMOUS },
    { name: 'triage', image: 'registry.example.com/agents/triage:0.3.0', ceiling: TrustPhase.READ_ONLY },
    { name: 'scribe', image: 'registry.example.com/agents/scribe:2.0.0' },
  ],
});

/** The template variants a fleet may use: the default, with an API token, with the Vault Agent injector. */
const variants: Array<[string, GuardSetup]> = [
  ['default template', guardSetup(fleet)],
  ['template with the Kubernetes API token', guardSetup(fleet, { kubernetesApiToken: true, containerName: 'investigator' })],
  ['template with the Vault Agent injector', guardSetup(fleet, { vaultAgentInjector: true })],
];

/** What the Vault Agent injector's webhook adds in pre-populate-only mode (image mirrored into an allowed registry). */
function injectVaultAgent(pod: any): void {
  pod.spec.initContainers = [{
    name: PodAdmissionRules.VAULT_AGENT_INIT_CONTAINER,
    image: 'registry.example.com/hashicorp/vault:1.18.1',
    resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 100, readOnlyRootFilesystem: true },
    volumeMounts: [{ name: 'home-init', mountPath: '/home/vault' }, { name: 'vault-secrets', mountPath: '/vault/secrets' }],
  }];
  pod.spec.volumes.push({ name: 'home-init', emptyDir: { medium: 'Memory' } }, { name: 'vault-secrets', emptyDir: { medium: 'Memory' } });
}

const GENERATED_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789'.split('');
const ids = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/);
const suffixes = fc.string({ unit: fc.constantFrom(...GENERATED_NAME_CHARS), minLength: 5, maxLength: 5 });
const requests = fc.record({
  variant: fc.integer({ min: 0, max: variants.length - 1 }),
  agent: fc.constantFrom(...fleet.agents.map(a => a.name)),
  phaseIndex: fc.nat(),
  id: ids,
  suffix: suffixes,
  viaControllerManager: fc.boolean(),
});

describe('property: every Pod the Job controller makes from a rendered Job is admitted (500 runs)', () => {
  test('any template variant, agent, phase at or below its ceiling, valid id and generated name', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(requests, (r) => {
      const [variantName, s] = variants[r.variant];
      const renderer = s.renderers[r.agent];
      const phase = renderer.allowedPhases[r.phaseIndex % renderer.allowedPhases.length];
      const job = renderer.render({ investigationId: r.id, phase });
      expect(s.jobs.review(jobCreate(job, { username: s.launcherUser })).denied).toEqual([]);
      const pod = podFromJob(job, r.suffix);
      if (variantName.includes('injector')) {
        injectVaultAgent(pod);
      }
      const created = s.pods.review(podCreate(pod, r.viaControllerManager ? { username: 'system:kube-controller-manager' } : JOB_CONTROLLER));
      expect(created).toEqual({ selected: true, denied: [], messages: [] });
      // And the Job controller can release it when it finishes.
      const done = JSON.parse(JSON.stringify(pod));
      done.metadata.finalizers = [];
      expect(s.pods.review(podUpdate(pod, done, JOB_CONTROLLER)).denied).toEqual([]);
      seen.add(`${variantName}/${r.agent}/${phase}`);
    }), { numRuns: 500 });
    // Every agent and every phase up to its ceiling came up in every variant.
    expect(seen.size).toBe(variants.length * (4 + 2 + 1));
  });

  test('those Pods are valid v1 Pods (kubernetes-models, 100 runs)', () => {
    fc.assert(fc.property(requests, (r) => {
      const [, s] = variants[r.variant];
      const renderer = s.renderers[r.agent];
      const pod = podFromJob(renderer.render({ investigationId: r.id, phase: renderer.allowedPhases[0] }), r.suffix);
      expect(() => new Pod(pod).validate()).not.toThrow();
    }), { numRuns: 100 });
  });

  test('the injector\'s additions are admitted only where the template asks for the injector', () => {
    const [, plain] = variants[0];
    const pod = podFromJob(plain.renderers.diagnostics.render({ investigationId: 'inj', phase: 'shadow' }));
    injectVaultAgent(pod);
    expect(plain.pods.review(podCreate(pod)).denied).toEqual([PodAdmissionRules.CONTAINERS_MATCH_CONTRACT, PodAdmissionRules.VOLUMES_MATCH_CONTRACT]);
  });
});
