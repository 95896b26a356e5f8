import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Verifier, VerifySeverity } from '../../lib/check';
import { JobRenderer, LauncherContractLoader } from '../../lib/launcher';
import { validateManifest } from '../helpers/k8s-schema';

const ROOT = path.join(__dirname, '..', '..');
// `npm test` builds first; the examples run exactly as a user runs them.
const EXAMPLES: Array<{ name: string; stack: string; agents: string[]; phases: number }> = [
  // phases: the rendered ones, from the lowest up to the highest agent ceiling (read-only, limited-write, canary).
  { name: 'default', stack: 'agent-trust-vault', agents: ['diagnostics'], phases: 2 },
  { name: 'fleet', stack: 'agent-trust-fleet-vault', agents: ['triage', 'diagnostics', 'remediator'], phases: 3 },
  { name: 'custom-ladder', stack: 'agent-trust-ledger-vault', agents: ['ledger-sre'], phases: 3 },
];

function synth(example: string, out: string): { manifests: any[]; terraform: any; k8sDir: string; tfDir: string } {
  const k8sDir = path.join(out, 'k8s');
  const tfDir = path.join(out, 'tf');
  const env = { ...process.env, CDK8S_OUTDIR: k8sDir, CDKTF_OUTDIR: tfDir };
  execFileSync(process.execPath, [path.join(ROOT, 'build/examples', example, 'k8s.js')], { env, cwd: ROOT });
  execFileSync(process.execPath, [path.join(ROOT, 'build/examples', example, 'vault.js')], { env, cwd: ROOT });
  const manifests = fs.readdirSync(k8sDir).filter(f => f.endsWith('.yaml'))
    .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(k8sDir, f), 'utf8')).map(d => d.toJSON()))
    .filter(m => m);
  return { manifests, terraform: undefined, k8sDir, tfDir };
}

describe.each(EXAMPLES)('example $name', ({ name, stack, agents, phases }) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  let result: ReturnType<typeof synth>;
  let terraform: any;
  beforeAll(() => {
    result = synth(name, out);
    terraform = JSON.parse(fs.readFileSync(path.join(result.tfDir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('every Kubernetes object validates against its schema; no Secret is emitted', () => {
    expect(result.manifests.length).toBeGreaterThan(20);
    for (const m of result.manifests) {
      expect(() => validateManifest(m)).not.toThrow();
    }
    expect(result.manifests.filter(m => m.kind === 'Secret')).toEqual([]);
  });

  test('one ServiceAccount, Vault role and policy per rendered phase, with the same names', () => {
    const sas = result.manifests.filter(m => m.kind === 'ServiceAccount' && m.metadata.name.startsWith('agent-phase-'))
      .map(m => m.metadata.name).sort();
    const roles = Object.values<any>(terraform.resource.vault_kubernetes_auth_backend_role).map(r => r.role_name).sort();
    const policies = Object.values<any>(terraform.resource.vault_policy).map(p => p.name).sort();
    expect(sas).toHaveLength(phases);
    expect(roles).toEqual(sas);
    expect(policies).toEqual(sas);
    for (const role of Object.values<any>(terraform.resource.vault_kubernetes_auth_backend_role)) {
      expect(role.bound_service_account_names).toEqual([role.role_name]);
      expect(role.audience).toBe('vault');
    }
  });

  test('cross-layer: every Vault role binds a ServiceAccount that exists, in the same namespace; every TTL fits the Job deadline', () => {
    const [contract] = LauncherContractLoader.fromManifests(result.manifests);
    const deadline = contract.jobDeadlineSeconds;
    const margin = 60; // AgentFleet's default ttlMargin
    for (const role of Object.values<any>(terraform.resource.vault_kubernetes_auth_backend_role)) {
      for (const sa of role.bound_service_account_names) {
        const found = result.manifests.filter(m => m.kind === 'ServiceAccount' && m.metadata.name === sa
          && role.bound_service_account_namespaces.includes(m.metadata.namespace));
        expect({ role: role.role_name, found: found.length }).toEqual({ role: role.role_name, found: 1 });
      }
      // Short tokens the agent renews, up to an explicit max that covers the deadline and ends at deadline + margin.
      expect(role.token_ttl).toBe(contract.vaultToken!.ttlSeconds);
      expect(role.token_ttl).toBeLessThanOrEqual(300);
      expect(role.token_explicit_max_ttl).toBeGreaterThanOrEqual(deadline);
      expect(role.token_explicit_max_ttl).toBeLessThanOrEqual(deadline + margin);
    }
    // Per-investigation identity: where the contract sends agents, a JWT mount with one role per phase exists.
    const jwtMounts = [...new Set(contract.phases.map(p => p.vaultJwtAuthMount).filter(m => m !== undefined))];
    for (const mount of jwtMounts) {
      expect(Object.values<any>(terraform.resource.vault_jwt_auth_backend ?? {}).map(b => b.path)).toContain(mount);
      expect(Object.values<any>(terraform.resource.vault_jwt_auth_backend_role ?? {}).map(r => r.role_name).sort())
        .toEqual(contract.phases.slice(0, phases).map(p => p.vaultRole).sort());
      const job = new JobRenderer(contract).render({ investigationId: 'inc-1', phase: contract.phases[0].name });
      expect(job.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([
        { name: 'VAULT_AUTH_MOUNT', value: mount }, { name: 'VAULT_AUTH_METHOD', value: 'jwt' },
      ]));
    }
    expect(jwtMounts).toEqual(name === 'fleet' ? [] : ['jwt-agents']);
    // Every lease of every credential role ends by the time the Job's token does.
    const ttls: Array<[string, number]> = [];
    for (const [type, key] of [
      ['vault_database_secret_backend_role', 'default_ttl'], ['vault_database_secret_backend_role', 'max_ttl'],
      ['vault_kubernetes_secret_backend_role', 'token_default_ttl'], ['vault_kubernetes_secret_backend_role', 'token_max_ttl'],
      ['vault_aws_secret_backend_role', 'default_sts_ttl'], ['vault_aws_secret_backend_role', 'max_sts_ttl'],
      ['vault_ssh_secret_backend_role', 'ttl'], ['vault_ssh_secret_backend_role', 'max_ttl'],
    ]) {
      for (const [address, r] of Object.entries<any>(terraform.resource[type] ?? {})) {
        if (r[key] !== undefined) ttls.push([`${type}.${address}.${key}`, Number(r[key])]);
      }
    }
    expect(ttls.length).toBeGreaterThan(0);
    expect(ttls.filter(([, ttl]) => !(ttl > 0 && ttl <= deadline + margin))).toEqual([]);
  });

  test('the Vault provider is pinned and every policy is JSON without sys/', () => {
    expect(terraform.terraform.required_providers.vault.version).toBe('5.6.0');
    for (const p of Object.values<any>(terraform.resource.vault_policy)) {
      const doc = JSON.parse(p.policy);
      expect(Object.keys(doc.path).filter(k => k.startsWith('sys/'))).toEqual([]);
    }
  });

  test('agent-trust verify finds nothing to report', () => {
    const report = Verifier.verifyPaths(result.k8sDir, result.tfDir);
    expect(report.findings.filter(f => f.severity === VerifySeverity.ERROR.value).map(f => `${f.id} ${f.object}: ${f.message}`)).toEqual([]);
    expect(report.agents.sort()).toEqual([...agents].sort());
  });

  test('every agent has a contract whose Jobs, for every phase up to its ceiling, validate', () => {
    const contracts = LauncherContractLoader.fromManifests(result.manifests);
    expect(contracts.map(c => c.agent).sort()).toEqual([...agents].sort());
    for (const contract of contracts) {
      const renderer = new JobRenderer(contract);
      expect(renderer.allowedPhases.length).toBeGreaterThan(0);
      for (const phase of renderer.allowedPhases) {
        const job = renderer.render({ investigationId: 'inc-1', phase });
        expect(() => validateManifest(job)).not.toThrow();
        expect(job.spec.template.spec.serviceAccountName).toBe(`agent-phase-${phase}`);
      }
    }
  });
});

describe('schema helper', () => {
  test('v1beta1 admission objects are checked against the v1 schema, and errors are caught', () => {
    const bad = {
      apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'x' }, spec: { validationActions: 'Deny' },
    };
    expect(() => validateManifest(bad)).toThrow(/ValidatingAdmissionPolicyBinding \/x fails its schema/);
    expect(() => validateManifest({ ...bad, spec: { policyName: 'p', validationActions: ['Deny'] } })).not.toThrow();
  });
});
