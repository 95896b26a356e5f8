import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { defaultFleet } from '../../examples/default/fleet';
import { defaultChart } from '../../examples/default/k8s';
import { TrustPhaseAdmission } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { LauncherContractLoader } from '../../lib/launcher/launcher-contract-loader';
import { SynthOutput } from '../../lib/launcher/synth-output';
import { EffectivePermissions } from '../../lib/check/effective-permissions';
import { AdmissionRules, LauncherContract, PermissionSet } from '../../lib/model';
import { CelHarness } from '../helpers/cel-harness';
import { launcherCreate } from './fixtures';

/**
 * End to end over files, as an operator would run it: synthesize the
 * default example to YAML, load the launcher contract and the admission
 * policy back from that folder, render every allowed phase and evaluate the
 * policy as written to disk.
 */
describe('default example: synthesized YAML → contract → rendered Jobs → policy from disk', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-admission-'));
  const app = new App({ outdir });
  const chart = defaultChart(app);
  // The example may or may not wire the admission yet; never add it twice.
  if (!chart.node.findAll().some(c => c instanceof TrustPhaseAdmission)) {
    new TrustPhaseAdmission(chart, 'Admission', { fleet: defaultFleet() });
  }
  app.synth();
  const objects = SynthOutput.readDirectory(outdir);
  const policy = objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'agent-trust-admission-agents');
  const binding = objects.find(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === policy.metadata.name);
  const params = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === AdmissionRules.PARAMS_NAME);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('the folder holds the Job policy, its binding and params, next to the Namespace they select', () => {
    // Jobs, Pods, token requests, exec/attach/port-forward: each policy once, each bound.
    const policies = objects.filter(o => o.kind === 'ValidatingAdmissionPolicy').map(o => o.metadata.name).sort();
    expect(policies).toEqual(['agent-trust-admission-agents', 'agent-trust-admission-agents-connect',
      'agent-trust-admission-agents-params', 'agent-trust-admission-agents-pods', 'agent-trust-admission-agents-tokens']);
    expect(objects.filter(o => o.kind === 'ValidatingAdmissionPolicyBinding').map(o => o.spec.policyName).sort()).toEqual(policies);
    expect(binding.spec.policyName).toBe(policy.metadata.name);
    expect(binding.spec.paramRef).toEqual({ name: params.metadata.name, namespace: params.metadata.namespace, parameterNotFoundAction: 'Deny' });
    const ns = objects.find(o => o.kind === 'Namespace');
    expect(policy.spec.matchConstraints.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(ns.metadata.name);
    expect(params.metadata.namespace).toBe(ns.metadata.name);
  });

  test('the params ceiling equals the contract ceiling, and every Job rendered from the folder is admitted', () => {
    const contract = LauncherContractLoader.fromDirectory(outdir, 'diagnostics');
    expect(params.data[AdmissionRules.ceilingKey('diagnostics')]).toBe(contract.ceiling);
    const harness = new CelHarness(policy.spec.validations, policy.spec.matchConditions, policy.spec.variables, launcherCreate(defaultFleet()));
    const renderer = new JobRenderer(contract);
    expect(renderer.allowedPhases).toEqual(['shadow', 'read-only']);
    for (const phase of renderer.allowedPhases) {
      const job = renderer.render({ investigationId: 'e2e-1', phase });
      expect(harness.denials({ object: job, params }).map(d => d.message)).toEqual([]);
    }
    // The namespace the Jobs are created in is the one the policy selects.
    expect(contract.namespace).toBe(policy.spec.matchConstraints.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
  });

  test('a Job claiming a phase above the ceiling, whose identities are not rendered, is denied', () => {
    const contract = LauncherContractLoader.fromDirectory(outdir, 'diagnostics');
    const harness = new CelHarness(policy.spec.validations, policy.spec.matchConditions, policy.spec.variables, launcherCreate(defaultFleet()));
    // No identity of limited-write or autonomous exists in the output ...
    const accounts = objects.filter(o => o.kind === 'ServiceAccount').map(o => o.metadata.name);
    expect(accounts.filter(a => /^agent-phase-(limited-write|autonomous)$/.test(a))).toEqual([]);
    for (const phase of ['limited-write', 'autonomous']) {
      // ... and a Job relabelled into that phase (as a launcher ignoring the ceiling would create it) is refused by the ceiling rule.
      const job = new JobRenderer(contract).render({ investigationId: 'e2e-2', phase: 'read-only' });
      const row = contract.phases.find(p => p.name === phase)!;
      job.metadata.labels[LauncherContract.PHASE_LABEL] = phase;
      job.spec.template.metadata.labels[LauncherContract.PHASE_LABEL] = phase;
      job.spec.template.spec.serviceAccountName = row.serviceAccount;
      const denials = harness.denials({ object: job, params }).map(d => d.message);
      expect(denials.some(m => String(m).startsWith('agent-trust [phase-within-ceiling]'))).toBe(true);
    }
  });

  test('the Pod Security labels of the namespace and the policy agree: restricted is enforced twice', () => {
    const ns = objects.find(o => o.kind === 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const ids = policy.spec.validations.map((v: any) => AdmissionRules.ruleIdOf(v.message));
    expect(ids).toEqual(expect.arrayContaining(['seccomp-profile', 'run-as-non-root', 'no-privilege-escalation', 'capabilities-dropped']));
  });

  test('no ServiceAccount of the chart (launcher, phases) can change the ceilings or the policy', () => {
    const permissions = EffectivePermissions.fromManifests(objects);
    const accounts = objects.filter(o => o.kind === 'ServiceAccount').map(o => [o.metadata.namespace, o.metadata.name] as const);
    expect(accounts.map(a => a[1])).toEqual(expect.arrayContaining(['agent-launcher', 'agent-phase-shadow', 'agent-phase-read-only']));
    const ns = params.metadata.namespace;
    // The computation sees the Roles: the launcher does create Jobs.
    expect(permissions.forServiceAccount(ns, 'agent-launcher').allows(ns, 'batch', 'jobs', 'create')).toBe(true);
    for (const [namespace, name] of accounts) {
      const set = permissions.forServiceAccount(namespace, name);
      for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection', '*']) {
        for (const scope of [ns, PermissionSet.CLUSTER_SCOPE]) {
          expect([name, scope, verb, set.allows(scope, '', 'configmaps', verb, AdmissionRules.PARAMS_NAME)]).toEqual([name, scope, verb, false]);
          for (const resource of ['validatingadmissionpolicies', 'validatingadmissionpolicybindings']) {
            expect([name, resource, verb, set.allows(PermissionSet.CLUSTER_SCOPE, 'admissionregistration.k8s.io', resource, verb)])
              .toEqual([name, resource, verb, false]);
          }
        }
      }
    }
  });
});
