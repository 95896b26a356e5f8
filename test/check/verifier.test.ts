import { Testing } from 'cdktf';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { TerraformOutput, Verifier, VerifyOptions, VerifyReport, VerifyRule } from '../../lib/check';
import { VERIFY_CHECKS } from '../../lib/check/rules';
import { problemsOf } from '../helpers/problems';
import { AdmissionGuard, AgentTrustErrors } from '../../lib/model';
import { LauncherVaultPolicy } from '../../lib/vault';
import {
  clone, editContract, editPolicy, obj, ParsedOutput, parseOutput, remove, resource, SynthDirs, synthDefaultWholeLadder, synthExample, WHOLE_LADDER, wholeLadder, writeOutput,
} from './verify-fixture';
import { VerifyDefaults } from '../../lib/check/private/verify-defaults';

const AWS_DOC_EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

let base: SynthDirs;
let parsed: ParsedOutput;
const written: string[] = [];

beforeAll(() => {
  // The breakage tests edit the higher phases too: the whole ladder rendered (renderAllPhases).
  base = synthDefaultWholeLadder();
  parsed = parseOutput(base);
});

afterAll(() => {
  for (const dir of [base?.root, ...written]) {
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

/** Copy the default output, edit it, write it to files and verify the files. */
function verifyEdited(edit: (out: ParsedOutput) => void, options?: VerifyOptions): VerifyReport {
  const out = clone(parsed);
  edit(out);
  const dirs = writeOutput(out, base.stack);
  written.push(dirs.root);
  return Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir, wholeLadder(options));
}

function ids(report: VerifyReport): string[] {
  return [...new Set(report.findings.map(f => f.id))];
}

describe('the default example', () => {
  test('as shipped (identities only up to the ceiling read-only) verifies clean; its contract still lists the whole ladder', () => {
    const dirs = synthExample('default');
    written.push(dirs.root);
    const report = Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir);
    expect(report.findings).toEqual([]);
    const out = parseOutput(dirs);
    const accounts = out.manifests.filter(m => m.kind === 'ServiceAccount' && m.metadata.namespace === 'agents').map(m => m.metadata.name);
    expect(accounts).toEqual(expect.arrayContaining(['agent-phase-shadow', 'agent-phase-read-only']));
    expect(accounts.filter(a => /limited-write|autonomous/.test(a))).toEqual([]);
    expect(Object.keys(out.terraform.resource.vault_policy).some(k => /autonomous|limited-write/.test(k))).toBe(false);
    expect(Object.values(out.contracts)[0].phases.map((p: any) => p.name)).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
  });

  test('a phase above every ceiling whose identities are absent is no finding, but one whose ServiceAccount is present is checked', () => {
    // With renderAllPhases the autonomous identities exist, so breaking them is found (the higher phases stay verified).
    expect(ids(verifyEdited(out => remove(out, 'ServiceAccount', 'agent-phase-autonomous')))).toContain('sa-missing');
  });

  test('with renderAllPhases (every phase rendered) verifies without errors from the folders cdk8s and cdktf write; the loosening is a warning per phase above the ceiling', () => {
    const report = Verifier.verifyPaths(base.k8sDir, base.tfDir);
    expect(report.findings.map(f => [f.id, f.severity, f.object])).toEqual([
      ['identities-above-ceiling', 'WARNING', 'Namespace agents phase limited-write'],
      ['identities-above-ceiling', 'WARNING', 'Namespace agents phase autonomous'],
    ]);
    expect(report.findings[1].message).toBe('no agent\'s ceiling reaches phase "autonomous" (the highest is "read-only"), but the phase\'s identities are in the output'
      + ' (ServiceAccount agents/agent-phase-autonomous; RoleBindings in 2 namespace(s); NetworkPolicy agent-phase-autonomous; Vault role agent-phase-autonomous):'
      + ' credentials of a phase no agent may run in');
    expect(report.findings[1].fix).toMatch(/^leave renderAllPhases off/);
    expect(report.warningCount).toBe(2);
    expect(Verifier.formatText(report)).toMatch(/^WARNING identities-above-ceiling Namespace agents phase limited-write: [\s\S]*\n2 finding\(s\): 0 error\(s\), 2 warning\(s\)/);
    expect(Verifier.toJson(report).summary.clean).toBe(true);
    expect(report.agents).toEqual(['diagnostics']);
    expect(report.errorCount).toBe(0);
    expect(report.deadlineSeconds).toBe(900);
    expect(report.marginSeconds).toBe(VerifyDefaults.MARGIN_SECONDS);
  });

  test('identities-above-ceiling: one warning per phase of which anything remains, naming what; none for the secure default', () => {
    const report = verifyEdited(out => {
      // limited-write's identities all removed; of autonomous only the ServiceAccount is left.
      out.manifests = out.manifests.filter(m => !/agent-phase-limited-write/.test(m.metadata?.name ?? '')
        && !(m.kind === 'ServiceAccount' ? false : /agent-phase-autonomous/.test(m.metadata?.name ?? '')));
      for (const type of Object.keys(out.terraform.resource)) {
        for (const name of Object.keys(out.terraform.resource[type])) {
          if (/limited.write|autonomous/.test(name)) delete out.terraform.resource[type][name];
        }
      }
    }, { suppressions: [] });
    const above = [...report.findings, ...report.suppressed].filter(f => f.id === 'identities-above-ceiling');
    expect(above.map(f => [f.object, f.message.replace(/.*identities are in the output \((.*)\):.*/, '$1')])).toEqual([
      ['Namespace agents phase autonomous', 'ServiceAccount agents/agent-phase-autonomous'],
    ]);
    const dirs = synthExample('default');
    written.push(dirs.root);
    expect(Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir).findings.map(f => f.id)).not.toContain('identities-above-ceiling');
  });

  test('verifies clean from a stack folder and from the cdk.tf.json file too', () => {
    const stackDir = path.join(base.tfDir, 'stacks', base.stack);
    expect(Verifier.verifyPaths(base.k8sDir, stackDir, wholeLadder()).findings).toEqual([]);
    expect(Verifier.verifyPaths(path.join(base.k8sDir, 'agent-trust.k8s.yaml'), path.join(stackDir, 'cdk.tf.json'), wholeLadder()).findings).toEqual([]);
  });

  test('the rewritten copy the breakage tests start from is clean too (the edits alone cause each finding)', () => {
    expect(verifyEdited(() => undefined).findings).toEqual([]);
  });
});

describe.each(['fleet', 'custom-ladder'])('example %s', (example) => {
  test('verifies clean', () => {
    const dirs = synthExample(example);
    written.push(dirs.root);
    const report = Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir);
    expect(report.findings).toEqual([]);
    expect(report.agents.length).toBeGreaterThan(0);
  });
});

interface Case {
  readonly name: string;
  readonly id: string;
  readonly edit: (out: ParsedOutput) => string | void;
  /** Substring of the finding's object; a function of the edit's return value (e.g. a Terraform address). */
  readonly object: string | ((ret: any) => string);
  /** Substrings the message must hold (the field and the bad value). */
  readonly message: string[];
  readonly count?: number;
}

const role = (out: ParsedOutput, phase: string): any =>
  resource(out, 'vault_kubernetes_auth_backend_role', a => a.role_name === `agent-phase-${phase}`);
const jwtRole = (out: ParsedOutput, phase: string): any =>
  resource(out, 'vault_jwt_auth_backend_role', a => a.role_name === `agent-phase-${phase}`);

/** Edit every phase policy still present and still JSON (so the edit combines with cases that remove or rewrite one). */
function editPhasePolicies(out: ParsedOutput, edit: (paths: any) => void): void {
  for (const attrs of Object.values<any>(out.terraform.resource.vault_policy ?? {})) {
    if (typeof attrs.name === 'string' && attrs.name.startsWith('agent-phase-')) {
      try {
        const doc = JSON.parse(attrs.policy);
        edit(doc.path);
        attrs.policy = JSON.stringify(doc, null, 2);
      } catch {
        // Rewritten as HCL by another case: left to that case's finding.
      }
    }
  }
}

const CASES: Case[] = [
  {
    name: 'a Role whose rules are not a list', id: 'input-malformed',
    edit: out => { obj(out, 'Role', 'agent-launcher', 'agents').rules = { apiGroups: ['*'] }; },
    object: 'Role agents/agent-launcher', message: ['rules must be a list', '{"apiGroups":["*"]}'],
  },
  {
    name: 'no launcher contract', id: 'contract-missing',
    edit: out => { remove(out, 'ConfigMap', 'diagnostics-launcher-contract'); out.contracts = {}; },
    object: '(Kubernetes output)', message: ['no launcher contract'],
  },
  {
    name: 'a contract of another version', id: 'contract-invalid',
    edit: out => editContract(out, 'diagnostics', d => { d.apiVersion = 'agent-trust.io/v9'; }),
    // The ConfigMap and the contract file beside it.
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['apiVersion', 'agent-trust.io/v9'], count: 2,
  },
  {
    name: 'a contract whose template retries and pulls from another registry', id: 'contract-invalid',
    edit: out => editContract(out, 'diagnostics', d => {
      d.jobTemplate.spec.backoffLimit = 5;
      d.jobTemplate.spec.template.spec.containers[0].image = 'evil.io/x:1';
    }),
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['jobTemplate.spec.backoffLimit = 5', 'must be 0'], count: 2,
  },
  {
    name: 'a contract file edited by hand (ceiling, image, backoffLimit)', id: 'contract-file-mismatch',
    edit: out => {
      const doc = out.contracts['agents.diagnostics.contract.json'];
      doc.ceiling = 'autonomous';
      doc.jobTemplate.spec.backoffLimit = 5;
      doc.jobTemplate.spec.template.spec.containers[0].image = 'evil.io/x:1';
    },
    object: 'contracts/agents.diagnostics.contract.json',
    message: ['ConfigMap agents/diagnostics-launcher-contract', 'in 3 field(s)', 'ceiling: file "autonomous", ConfigMap "read-only"',
      'jobTemplate.spec.backoffLimit: file 5, ConfigMap 0', '"evil.io/x:1"'],
  },
  {
    name: 'a contract file of another namespace (no ConfigMap for it, no file for the ConfigMap)', id: 'contract-file-unmatched',
    edit: out => {
      const doc = out.contracts['agents.diagnostics.contract.json'];
      doc.namespace = 'elsewhere';
      doc.jobTemplate.metadata.namespace = 'elsewhere';
    },
    object: 'contracts/agents.diagnostics.contract.json', message: ['"diagnostics"', '"elsewhere"'], count: 2,
  },
  {
    name: 'a phase Role missing from one target namespace', id: 'phase-rbac-missing',
    edit: out => remove(out, 'Role', 'agent-phase-shadow.payments', 'payments'),
    object: 'Role payments/agent-phase-shadow.payments', message: ['RoleBinding payments/agent-phase-shadow.payments', '"shadow"'],
  },
  {
    name: 'a phase Role and RoleBinding missing from one target namespace', id: 'phase-rbac-missing',
    edit: out => {
      remove(out, 'Role', 'agent-phase-shadow.checkout', 'checkout');
      remove(out, 'RoleBinding', 'agent-phase-shadow.checkout', 'checkout');
    },
    object: 'checkout', message: ['"shadow"', 'bound in payments', 'target namespace "checkout"'],
  },
  {
    name: 'the Kubernetes API token removed from the template (and the contract)', id: 'kubernetes-api-unreachable',
    edit: out => editContract(out, 'diagnostics', d => {
      const spec = d.jobTemplate.spec.template.spec;
      spec.volumes = spec.volumes.filter((v: any) => v.name !== 'kube-api-access');
      for (const c of spec.containers) {
        c.volumeMounts = c.volumeMounts.filter((m: any) => m.name !== 'kube-api-access');
      }
    }),
    object: 'ConfigMap agents/diagnostics-launcher-contract',
    message: ['"shadow", "read-only"', 'granted RBAC in checkout, payments', 'no Kubernetes API token', 'container "agent"'],
  },
  {
    name: 'the API server egress removed from a phase NetworkPolicy', id: 'kubernetes-api-unreachable',
    edit: out => {
      const np = obj(out, 'NetworkPolicy', 'agent-phase-shadow', 'agents');
      np.spec.egress = np.spec.egress.filter((r: any) => !(r.ports ?? []).some((p: any) => p.port === 6443));
    },
    object: 'NetworkPolicy agents/agent-phase-shadow', message: ['phase "shadow"', 'RBAC in checkout, payments', 'cannot reach the API server'],
  },
  {
    name: 'a phase ServiceAccount removed', id: 'sa-missing',
    edit: out => remove(out, 'ServiceAccount', 'agent-phase-limited-write'),
    object: 'ServiceAccount agents/agent-phase-limited-write', message: ['limited-write'],
  },
  {
    name: 'token automount on a phase ServiceAccount', id: 'sa-automount-token',
    edit: out => { obj(out, 'ServiceAccount', 'agent-phase-shadow').automountServiceAccountToken = true; },
    object: 'ServiceAccount agents/agent-phase-shadow', message: ['automountServiceAccountToken is true'],
  },
  {
    name: 'the Vault role renamed', id: 'vault-role-missing',
    edit: out => { role(out, 'shadow').attrs.role_name = 'agent-shadow'; },
    object: 'role_name "agent-phase-shadow"', message: ['"agent-phase-shadow"', 'agent-shadow'],
  },
  {
    name: 'the Vault role bound to another ServiceAccount', id: 'sa-vault-binding',
    edit: out => { const r = role(out, 'read-only'); r.attrs.bound_service_account_names = ['agent-phase-autonomous']; return r.address; },
    object: ret => ret, message: ['bound_service_account_names', '["agent-phase-autonomous"]', 'agent-phase-read-only'],
  },
  {
    name: 'the Vault role bound to every namespace', id: 'sa-vault-binding',
    edit: out => { const r = role(out, 'read-only'); r.attrs.bound_service_account_namespaces = ['*']; return r.address; },
    object: ret => ret, message: ['bound_service_account_namespaces', '["*"]', '["agents"]'],
  },
  {
    name: 'the JWT role bound to another subject', id: 'sa-vault-binding',
    edit: out => {
      const r = resource(out, 'vault_jwt_auth_backend_role', a => a.role_name === 'agent-phase-shadow');
      r.attrs.bound_claims = { sub: 'system:serviceaccount:agents:agent-launcher' };
      return r.address;
    },
    object: ret => ret, message: ['bound_claims.sub', 'agent-launcher', 'system:serviceaccount:agents:agent-phase-shadow'],
  },
  {
    name: 'the Vault role on another auth mount', id: 'vault-auth-mount',
    edit: out => { const r = role(out, 'read-only'); r.attrs.backend = 'kubernetes'; return r.address; },
    object: ret => ret, message: ['backend is "kubernetes"', '"kubernetes-agents"'],
  },
  {
    name: 'the JWT login mount the contract names moved elsewhere', id: 'vault-auth-mount',
    edit: out => { resource(out, 'vault_jwt_auth_backend', a => a.path === 'jwt-agents').attrs.path = 'jwt-elsewhere'; },
    object: 'vault_jwt_auth_backend (path "jwt-agents")', message: ['JWT auth mount "jwt-agents"', 'no vault_jwt_auth_backend'],
  },
  {
    name: 'the phase role missing on the JWT login mount', id: 'vault-role-missing',
    edit: out => { resource(out, 'vault_jwt_auth_backend_role', a => a.role_name === 'agent-phase-read-only').attrs.role_name = 'agent-read-only'; },
    object: 'vault_jwt_auth_backend_role (role_name "agent-phase-read-only")', message: ['JWT mount "jwt-agents"', 'agent-phase-read-only'],
  },
  {
    name: 'the Vault role audience changed', id: 'token-audience',
    edit: out => { const r = role(out, 'limited-write'); r.attrs.audience = 'https://kubernetes.default.svc'; return r.address; },
    object: ret => ret, message: ['audience is "https://kubernetes.default.svc"', '["vault"]'],
  },
  {
    name: 'the Vault role audience removed', id: 'token-audience',
    edit: out => { const r = role(out, 'limited-write'); delete r.attrs.audience; return r.address; },
    object: ret => ret, message: ['audience is (unset)', 'any audience', '["vault"]'],
  },
  {
    name: 'the Job token minted for the Kubernetes API instead of Vault', id: 'token-audience',
    edit: out => editContract(out, 'diagnostics', d => {
      const volume = d.jobTemplate.spec.template.spec.volumes.find((v: any) => v.projected);
      volume.projected.sources[0].serviceAccountToken.audience = 'https://kubernetes.default.svc';
    }),
    // Every phase's Kubernetes role and JWT role now disagrees with the token.
    object: 'vault_', message: ['["https://kubernetes.default.svc"]'], count: 8,
  },
  {
    name: 'the Job template deadline removed', id: 'job-deadline',
    edit: out => editContract(out, 'diagnostics', d => { delete d.jobTemplate.spec.activeDeadlineSeconds; }),
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['activeDeadlineSeconds is (unset)', '900'],
  },
  {
    name: 'a database credential max TTL raised', id: 'vault-ttl-too-long',
    edit: out => { const r = resource(out, 'vault_database_secret_backend_role', a => a.name === 'read-only'); r.attrs.max_ttl = 3600; return r.address; },
    object: ret => ret, message: ['max_ttl is 3600', '960s'],
  },
  {
    name: 'an SSH certificate TTL raised (string duration)', id: 'vault-ttl-too-long',
    edit: out => { const r = resource(out, 'vault_ssh_secret_backend_role', a => a.name === 'autonomous'); r.attrs.ttl = '1h'; return r.address; },
    object: ret => ret, message: ['ttl is "1h"', '3600s'],
  },
  {
    name: 'a mount max lease TTL set to 0 (system maximum)', id: 'vault-ttl-too-long',
    edit: out => { const r = resource(out, 'vault_mount', a => a.path === 'agents/network'); r.attrs.max_lease_ttl_seconds = 0; return r.address; },
    object: ret => ret, message: ['max_lease_ttl_seconds is 0', 'system maximum'],
  },
  {
    name: 'a phase role token explicit max TTL raised', id: 'vault-ttl-too-long',
    edit: out => { const r = role(out, 'autonomous'); r.attrs.token_explicit_max_ttl = 86400; return r.address; },
    object: ret => ret, message: ['token_explicit_max_ttl is 86400'],
  },
  {
    name: 'the contract stating a shorter token explicit max than the roles have', id: 'vault-ttl-too-long',
    edit: out => editContract(out, 'diagnostics', d => {
      if (d.vaultToken) {
        d.vaultToken.explicitMaxTtlSeconds = 930;
      }
    }),
    object: '_auth_backend_role.', message: ['token_explicit_max_ttl is 960, longer than the 930s the launcher contract states'], count: 8,
  },
  {
    name: 'a phase role token explicit max TTL below the deadline', id: 'vault-token-ttl-too-short',
    edit: out => { const r = role(out, 'limited-write'); r.attrs.token_explicit_max_ttl = 600; return r.address; },
    object: ret => ret, message: ['token_explicit_max_ttl is 600', '900s', 'even renewed'],
  },
  {
    name: 'a batch phase role whose token TTL ends before the deadline', id: 'vault-token-ttl-too-short',
    edit: out => { const r = jwtRole(out, 'shadow'); r.attrs.token_type = 'batch'; return r.address; },
    object: ret => ret, message: ['"batch" (not renewable)', 'token_ttl is 300s', '900s'],
  },
  {
    name: 'a phase role token TTL raised to the deadline', id: 'vault-token-ttl-bound',
    edit: out => { const r = role(out, 'shadow'); r.attrs.token_ttl = 900; return r.address; },
    object: ret => ret, message: ['token_ttl is 900', 'bound of 300s', 'outlive its investigation by up to 900s'],
  },
  {
    name: 'a phase role token TTL removed (mount default)', id: 'vault-token-ttl-bound',
    edit: out => { const r = jwtRole(out, 'autonomous'); delete r.attrs.token_ttl; return r.address; },
    object: ret => ret, message: ['token_ttl is (unset)', '768h'],
  },
  {
    name: 'a phase role token TTL below the renewal interval', id: 'vault-token-renewal',
    edit: out => { const r = role(out, 'read-only'); r.attrs.token_ttl = 120; return r.address; },
    object: ret => ret, message: ['token_ttl is 120s', 'renews only every 150s'],
  },
  {
    name: 'the renewal interval removed from the template (and the contract)', id: 'vault-token-renewal',
    edit: out => editContract(out, 'diagnostics', d => {
      delete d.vaultToken;
      const c = d.jobTemplate.spec.template.spec.containers[0];
      c.env = c.env.filter((e: any) => e.name !== 'VAULT_TOKEN_RENEW_INTERVAL');
    }),
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['VAULT_TOKEN_RENEW_INTERVAL to (unset)', 'not told to renew'],
  },
  {
    name: 'renew-self dropped from every phase policy', id: 'vault-token-renewal',
    edit: out => editPhasePolicies(out, p => { delete p['auth/token/renew-self']; }),
    object: 'vault_policy.', message: ['"auth/token/renew-self"', 'cannot renew their own token'], count: 4,
  },
  {
    name: 'the agent told not to revoke its token on exit (contract and template agree)', id: 'vault-token-revoke-on-exit',
    edit: out => editContract(out, 'diagnostics', d => {
      if (d.vaultToken) {
        d.vaultToken.revokeOnExit = false;
      }
      d.jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'VAULT_REVOKE_ON_EXIT').value = 'false';
    }),
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['VAULT_REVOKE_ON_EXIT to "false"', 'not told to revoke'],
  },
  {
    name: 'revoke-self dropped from every phase policy', id: 'vault-token-revoke-on-exit',
    edit: out => editPhasePolicies(out, p => { p['auth/token/revoke-self'] = { capabilities: ['deny'] }; }),
    object: 'vault_policy.', message: ['["deny"] on "auth/token/revoke-self"', 'cannot revoke their own token'], count: 4,
  },
  {
    name: 'every phase token explicit max lowered below the engine lease maxima', id: 'vault-lease-outlives-token',
    edit: out => {
      for (const type of ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role']) {
        Object.values<any>(out.terraform.resource[type]).forEach(r => { r.token_explicit_max_ttl = 930; });
      }
    },
    object: 'vault_', message: ['(960s), longer than the agent tokens\' token_explicit_max_ttl of 930s'], count: 16,
  },
  {
    name: 'the admission binding removed', id: 'admission-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicyBinding', 'agent-trust-admission-agents'),
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents', message: ['no ValidatingAdmissionPolicyBinding'],
  },
  {
    name: 'the admission policy removed', id: 'admission-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents'),
    object: 'Namespace agents', message: ['no ValidatingAdmissionPolicy'],
  },
  {
    name: 'the admission policy matching another namespace', id: 'admission-missing',
    edit: out => {
      obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents').spec.matchConstraints.namespaceSelector =
        { matchLabels: { 'kubernetes.io/metadata.name': 'default' } };
    },
    object: 'Namespace agents', message: ['namespace "agents"'],
  },
  {
    name: 'the ceiling rule removed from the admission policy', id: 'admission-missing',
    edit: out => {
      const policy = obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents');
      policy.spec.validations = policy.spec.validations.filter((v: any) => !v.message.startsWith('agent-trust [phase-within-ceiling]'));
    },
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents', message: ['lacks the validation(s) phase-within-ceiling'],
  },
  {
    name: 'the admission params ConfigMap removed', id: 'admission-missing',
    edit: out => remove(out, 'ConfigMap', 'agent-trust-ceilings'),
    object: 'ConfigMap agents/agent-trust-ceilings', message: ['params ConfigMap'],
  },
  {
    name: 'an agent ceiling raised in the admission params only', id: 'admission-ceiling',
    edit: out => { obj(out, 'ConfigMap', 'agent-trust-ceilings').data['ceiling.diagnostics'] = 'autonomous'; },
    object: 'ConfigMap agents/agent-trust-ceilings', message: ['data.ceiling.diagnostics is "autonomous"', '"read-only"'],
  },
  {
    name: 'a phase rank changed in the admission params', id: 'admission-ceiling',
    edit: out => { obj(out, 'ConfigMap', 'agent-trust-ceilings').data['rank.shadow'] = '3'; },
    object: 'ConfigMap agents/agent-trust-ceilings', message: ['data.rank.shadow is "3"'],
  },
  {
    name: 'the Pod policy removed', id: 'admission-pod-guard-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-pods'),
    object: 'Namespace agents', message: ['no bound ValidatingAdmissionPolicy checks CREATE pods', 'agent-phase-*'],
  },
  {
    name: 'the Pod policy no longer matching pods/ephemeralcontainers', id: 'admission-pod-guard-missing',
    edit: out => {
      const mc = obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-pods').spec.matchConstraints;
      mc.resourceRules = mc.resourceRules.filter((r: any) => !r.resources.includes('pods/ephemeralcontainers'));
    },
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents-pods', message: ['does not match UPDATE pods/ephemeralcontainers'],
  },
  {
    name: 'the Pod policy\'s binding removed', id: 'admission-pod-guard-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicyBinding', 'agent-trust-admission-agents-pods'),
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents-pods', message: ['lacks a binding or the rule(s)'],
  },
  {
    name: 'the creator rule removed from the Job policy', id: 'admission-creator-guard-missing',
    edit: out => {
      const policy = obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents');
      policy.spec.validations = policy.spec.validations.filter((v: any) => !v.message.startsWith('agent-trust [job-created-by-launcher]'));
    },
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents', message: ['lacks the validation job-created-by-launcher', 'CronJob'],
  },
  {
    name: 'the token-request policy removed', id: 'admission-token-guard-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-tokens'),
    object: 'Namespace agents', message: ['CREATE serviceaccounts/token', 'kubectl create token'],
  },
  {
    name: 'the Job policy no longer comparing images with the contract', id: 'admission-job-contract-guard-missing',
    edit: out => {
      const p = obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents');
      p.spec.validations = p.spec.validations.filter((v: any) => !v.message.includes('[job-image-matches-agent]'));
    },
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents', message: ['job-image-matches-agent', 'another agent\'s image'],
  },
  {
    name: 'the params guard policy removed', id: 'admission-params-guard-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-params'),
    object: 'Namespace agents', message: ['UPDATE configmaps', 'raise a ceiling'],
  },
  {
    name: 'the params guard no longer matching DELETE', id: 'admission-params-guard-missing',
    edit: out => {
      const rule = obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-params').spec.matchConstraints.resourceRules[0];
      rule.operations = ['CREATE', 'UPDATE'];
    },
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents-params', message: ['does not match DELETE configmaps'],
  },
  {
    name: 'the exec policy removed', id: 'admission-connect-guard-missing',
    edit: out => remove(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-connect'),
    object: 'Namespace agents', message: ['CONNECT pods/exec'],
  },
  {
    name: 'the exec policy no longer matching pods/portforward', id: 'admission-connect-guard-missing',
    edit: out => {
      const rule = obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-connect').spec.matchConstraints.resourceRules[0];
      rule.resources = rule.resources.filter((r: string) => r !== 'pods/portforward');
    },
    object: 'ValidatingAdmissionPolicy agent-trust-admission-agents-connect', message: ['does not match CONNECT pods/portforward'],
  },
  {
    name: 'a Kubernetes rule dropped from a higher phase', id: 'phase-monotonic-k8s',
    edit: out => {
      const r = obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments');
      r.rules = r.rules.filter((x: any) => !(x.resources.includes('pods') && x.verbs.includes('delete')));
    },
    object: 'ServiceAccount agents/agent-phase-autonomous', message: ['"limited-write"', 'payments: delete core/pods'],
  },
  {
    name: 'a Vault path dropped from a higher phase', id: 'phase-monotonic-vault',
    edit: out => editPolicy(out, 'agent-phase-autonomous', p => { delete p['agents/database/creds/read-only']; }),
    object: ret => ret, message: ['agents/database/creds/read-only read', '"limited-write"'],
  },
  {
    name: 'a phase policy removed', id: 'vault-policy-missing',
    edit: out => { const r = resource(out, 'vault_policy', a => a.name === 'agent-phase-shadow'); delete out.terraform.resource.vault_policy[r.address.split('.')[1]]; },
    object: 'vault_policy (name "agent-phase-shadow")', message: ['no Vault policy "agent-phase-shadow"'],
  },
  {
    name: 'a policy in HCL', id: 'vault-policy-unverifiable',
    edit: out => { const r = resource(out, 'vault_policy', a => a.name === 'agent-phase-autonomous'); r.attrs.policy = 'path "agents/*" { capabilities = ["read"] }'; return r.address; },
    object: ret => ret, message: ['not a JSON policy document'],
  },
  {
    name: 'a path the contract does not list', id: 'vault-policy-undeclared-path',
    edit: out => editPolicy(out, 'agent-phase-autonomous', p => { p['agents/database/creds/admin'] = { capabilities: ['read'] }; }),
    object: ret => ret, message: ['"agents/database/creds/admin"'],
  },
  {
    name: 'a path under sys/', id: 'vault-policy-system-path',
    edit: out => editPolicy(out, 'agent-phase-autonomous', p => { p['sys/mounts'] = { capabilities: ['read'] }; }),
    object: ret => ret, message: ['"sys/mounts"'],
  },
  {
    name: 'a glob over every mount', id: 'vault-policy-glob',
    edit: out => editPolicy(out, 'agent-phase-autonomous', p => { p['agents/*'] = { capabilities: ['read'] }; }),
    object: ret => ret, message: ['"agents/*"'],
  },
  {
    name: 'sudo on a credential path', id: 'vault-policy-sudo',
    edit: out => editPolicy(out, 'agent-phase-autonomous', p => { p['agents/database/creds/autonomous'].capabilities.push('sudo'); }),
    object: ret => ret, message: ['["sudo"]', 'agents/database/creds/autonomous'],
  },
  {
    name: 'the default policy attached', id: 'vault-token-default-policy',
    edit: out => { const r = role(out, 'read-only'); r.attrs.token_no_default_policy = false; return r.address; },
    object: ret => ret, message: ['token_no_default_policy is false'],
  },
  {
    name: 'a higher phase policy attached to a lower role', id: 'vault-token-policies',
    edit: out => { const r = role(out, 'read-only'); r.attrs.token_policies = ['agent-phase-read-only', 'agent-phase-autonomous']; return r.address; },
    object: ret => ret, message: ['["agent-phase-read-only","agent-phase-autonomous"]', '["agent-phase-read-only"]'],
  },
  {
    name: 'secrets added to a Role', id: 'rbac-denylist',
    edit: out => { obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }); },
    object: 'Role payments/agent-phase-autonomous.payments', message: ['secrets: get secrets', 'agents/agent-phase-autonomous'],
  },
  {
    name: 'a phase given patch on Deployments (a pod-template write)', id: 'rbac-denylist',
    edit: out => { obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments').rules.push({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }); },
    object: 'Role payments/agent-phase-autonomous.payments', message: ['workload-template-write: patch deployments', 'agents/agent-phase-autonomous'],
  },
  {
    name: 'a phase bound in kube-system (a system namespace as target)', id: 'target-namespace-protected',
    edit: out => {
      const r = JSON.parse(JSON.stringify(obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments')));
      const b = JSON.parse(JSON.stringify(obj(out, 'RoleBinding', 'agent-phase-autonomous.payments', 'payments')));
      r.metadata.namespace = 'kube-system';
      b.metadata.namespace = 'kube-system';
      out.manifests.push(r, b);
    },
    object: 'RoleBinding kube-system/agent-phase-autonomous.payments', message: ['agent-phase-autonomous', '"kube-system"', 'system namespace'],
  },
  {
    name: 'Vault may mint a token for any ServiceAccount of a target namespace (resourceNames dropped)', id: 'vault-engine-rbac',
    edit: out => { delete obj(out, 'Role', 'vault-agents-application.payments', 'payments').rules[0].resourceNames; },
    object: 'Role payments/vault-agents-application.payments',
    message: ['serviceaccounts/token for any ServiceAccount in "payments"', 'RoleBinding payments/vault-agents-application.payments'],
  },
  {
    name: 'Vault may mint a phase ServiceAccount\'s token', id: 'vault-engine-rbac',
    edit: out => { obj(out, 'Role', 'vault-agents-application.payments', 'payments').rules[0].resourceNames.push('agent-phase-autonomous'); },
    object: 'Role payments/vault-agents-application.payments', message: ['"agent-phase-autonomous"', 'phase ServiceAccount'],
  },
  {
    name: 'Vault given free RoleBinding create/delete (the generated-Role mode)', id: 'vault-engine-rbac',
    edit: out => {
      obj(out, 'Role', 'vault-agents-application.payments', 'payments').rules
        .push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create', 'delete'] });
    },
    object: 'Role payments/vault-agents-application.payments', message: ['create/delete roles, rolebindings in "payments"'],
  },
  {
    name: 'pod creation added to the launcher', id: 'rbac-denylist',
    edit: out => { obj(out, 'Role', 'agent-launcher', 'agents').rules.push({ apiGroups: [''], resources: ['pods'], verbs: ['create'] }); },
    object: 'Role agents/agent-launcher', message: ['create-workloads: create pods'],
  },
  {
    name: 'a launcher in a namespace of its own given pod exec in the agent namespace', id: 'rbac-denylist',
    edit: out => {
      const binding = obj(out, 'RoleBinding', 'agent-launcher', 'agents');
      binding.subjects[0].namespace = 'agent-ops';
      obj(out, 'Role', 'agent-launcher', 'agents').rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] });
    },
    object: 'Role agents/agent-launcher', message: ['agent-ops/agent-launcher', 'pod-shell: create pods/exec'],
  },
  {
    name: 'seccomp dropped from the Job template', id: 'pod-security',
    edit: out => editContract(out, 'diagnostics', d => { delete d.jobTemplate.spec.template.spec.securityContext.seccompProfile; }),
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['seccompProfile.type', 'RuntimeDefault'],
  },
  {
    name: 'a privileged Deployment in the output', id: 'pod-security',
    edit: out => {
      const job = JSON.parse(obj(out, 'ConfigMap', 'diagnostics-launcher-contract').data['contract.json']).jobTemplate;
      const spec = job.spec.template.spec;
      spec.containers[0].securityContext.privileged = true;
      out.manifests.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'helper', namespace: 'agents' },
        spec: { selector: { matchLabels: { app: 'helper' } }, template: { metadata: { labels: { app: 'helper' } }, spec } } });
    },
    object: 'Deployment agents/helper', message: ['privileged', 'true'],
  },
  {
    name: 'the API token mounted in the Job template', id: 'pod-automount-token',
    edit: out => editContract(out, 'diagnostics', d => { d.jobTemplate.spec.template.spec.automountServiceAccountToken = true; }),
    object: 'ConfigMap agents/diagnostics-launcher-contract', message: ['automountServiceAccountToken is true'],
  },
  {
    name: 'a phase NetworkPolicy removed', id: 'egress-policy-missing',
    edit: out => remove(out, 'NetworkPolicy', 'agent-phase-read-only'),
    object: 'phase read-only', message: ['trust-phase=read-only'],
  },
  {
    // On the top phase's 443 only, so the rule is neither below the top (egress-internet-wide) nor DNS (egress-dns-wide).
    name: 'an allow-all egress rule', id: 'egress-not-default-deny',
    edit: out => { obj(out, 'NetworkPolicy', 'agent-phase-autonomous').spec.egress.push({ ports: [{ port: 443, protocol: 'TCP' }] }); },
    object: 'NetworkPolicy agents/agent-phase-autonomous', message: ['has no "to"', 'every destination'],
  },
  {
    name: 'Egress dropped from the policyTypes of the default-deny and a phase policy', id: 'egress-not-default-deny',
    edit: out => {
      for (const name of ['default-deny-all', 'agent-phase-shadow']) {
        const np = obj(out, 'NetworkPolicy', name);
        np.spec.policyTypes = np.spec.policyTypes.filter((t: string) => t !== 'Egress');
      }
    },
    object: 'Namespace agents phase shadow', message: ['"Egress"', 'default-deny-all, agent-phase-shadow'],
  },
  {
    name: 'Ingress dropped from the policyTypes of the default-deny and a phase policy', id: 'ingress-not-denied',
    edit: out => {
      for (const name of ['default-deny-all', 'agent-phase-limited-write']) {
        const np = obj(out, 'NetworkPolicy', name);
        np.spec.policyTypes = np.spec.policyTypes.filter((t: string) => t !== 'Ingress');
      }
    },
    object: 'Namespace agents phase limited-write', message: ['"Ingress"'],
  },
  {
    // The default example reaches no wide block any more; the top phase gets one without the metadata except.
    name: 'a wide block without the metadata except', id: 'egress-metadata',
    edit: out => {
      obj(out, 'NetworkPolicy', 'agent-phase-autonomous').spec.egress.push(
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443, protocol: 'TCP' }] });
    },
    object: 'NetworkPolicy agents/agent-phase-autonomous', message: ['"0.0.0.0/0"', '169.254.0.0/16'],
  },
  {
    name: 'an internet-wide rule added to the read-only phase', id: 'egress-internet-wide',
    edit: out => {
      obj(out, 'NetworkPolicy', 'agent-phase-read-only').spec.egress.push(
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }], ports: [{ port: 443, protocol: 'TCP' }] });
    },
    object: 'NetworkPolicy agents/agent-phase-read-only', message: ['"0.0.0.0/0"', 'phase "read-only" (below the top phase "autonomous")', 'open internet'],
  },
  {
    name: 'a Cilium world entity for the shadow phase', id: 'egress-internet-wide',
    edit: out => {
      out.manifests.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'shadow-world', namespace: 'agents' },
        spec: { endpointSelector: { matchLabels: { 'k8s:trust-phase': 'shadow' } },
          egress: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] } });
    },
    object: 'CiliumNetworkPolicy agents/shadow-world', message: ['toEntities[0] "world"', 'phase "shadow"'],
  },
  {
    name: 'a host added to the read-only phase\'s proxy allowlist', id: 'egress-hostnames-unenforced',
    edit: out => { obj(out, 'ConfigMap', 'agents-egress-allowlist', 'egress-proxy').data['read-only.hosts'] += 'exfil.example.com:443/TCP\n'; },
    object: 'ConfigMap egress-proxy/agents-egress-allowlist read-only.hosts', message: ['"exfil.example.com:443/TCP"', 'does not grant'],
  },
  {
    name: 'DNS to a public resolver block', id: 'egress-dns-wide',
    edit: out => {
      // limited-write: the shadow policy loses its Egress type in another case, which would (rightly) void this rule.
      obj(out, 'NetworkPolicy', 'agent-phase-limited-write').spec.egress.push(
        { to: [{ ipBlock: { cidr: '8.8.8.8/30' } }], ports: [{ port: 53, protocol: 'UDP' }] });
    },
    object: 'NetworkPolicy agents/agent-phase-limited-write', message: ['"8.8.8.8/30"', 'port 53', 'phase "limited-write"'],
  },
  {
    name: 'an ingress rule on a phase policy', id: 'ingress-not-denied',
    edit: out => { obj(out, 'NetworkPolicy', 'agent-phase-shadow').spec.ingress = [{ from: [{ podSelector: {} }] }]; },
    object: 'NetworkPolicy agents/agent-phase-shadow', message: ['allows ingress'],
  },
  {
    name: 'a Secret object', id: 'k8s-secret-object',
    edit: out => { out.manifests.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'llm-key', namespace: 'agents' }, stringData: { key: 'x' } }); },
    object: 'Secret agents/llm-key', message: ['Secret object'],
  },
  {
    name: 'a password literal in connection_url', id: 'tf-secret-literal',
    edit: out => {
      const r = resource(out, 'vault_database_secrets_mount', () => true);
      r.attrs.postgresql[0].connection_url = 'postgresql://vault_admin:hunter2@postgres.payments.svc:5432/payments';
      return r.address;
    },
    object: ret => ret, message: ['postgresql[0].connection_url', 'vault_admin:***@'],
  },
  {
    name: 'a password literal in password_wo', id: 'tf-secret-literal',
    edit: out => { const r = resource(out, 'vault_database_secrets_mount', () => true); r.attrs.postgresql[0].password_wo = 'hunter2'; return r.address; },
    object: ret => ret, message: ['postgresql[0].password_wo is a literal'],
  },
  {
    name: 'a default on the sensitive variable', id: 'tf-secret-variable',
    edit: out => { out.terraform.variable.database_password.default = 'hunter2'; },
    object: 'var.database_password', message: ['default'],
  },
  {
    name: 'the secret variable not marked sensitive', id: 'tf-secret-variable',
    edit: out => { delete out.terraform.variable.database_password.sensitive; },
    object: 'var.database_password', message: ['not marked sensitive'],
  },
  {
    name: 'the secret variable neither sensitive nor without default', id: 'tf-secret-variable',
    edit: out => { delete out.terraform.variable.database_password.sensitive; out.terraform.variable.database_password.default = 'hunter2'; },
    object: 'var.database_password', message: ['not marked sensitive and declares a default value'],
  },
  {
    name: 'an AWS secret key in a description', id: 'secret-pattern',
    edit: out => { const r = resource(out, 'vault_aws_secret_backend', () => true); r.attrs.description = `key ${AWS_DOC_EXAMPLE_SECRET}`; return r.address; },
    object: ret => ret, message: ['description', 'AWS secret access key'],
  },
  {
    name: 'a private key in a ConfigMap', id: 'secret-pattern',
    edit: out => {
      out.manifests.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssh', namespace: 'agents' },
        data: { key: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\n' } });
    },
    object: 'ConfigMap agents/ssh', message: ['data.key', 'private-key PEM block'],
  },
];

describe('each broken invariant yields exactly its finding', () => {
  test('every rule is covered by at least one case below', () => {
    // The rules between fleets or clusters need two fleets or several cluster directories (the default example has one
    // fleet): their break cases are in multi-cluster-verify.test.ts.
    const covered = new Set([...CASES.map(c => c.id), 'admission-not-enforced', 'check-error',
      'cluster-missing', 'cluster-auth-mount-shared', 'vault-name-shared', 'target-namespace-shared',
      // The whole-ladder fixture has it already (suppressed in the cases); its tests are under "the default example".
      'identities-above-ceiling']);
    expect(VerifyRule.all().map(r => r.id).filter(id => !covered.has(id))).toEqual([]);
  });

  test.each(CASES)('$name → $id', (c) => {
    let ret: any;
    const report = verifyEdited(out => { ret = c.edit(out); });
    expect(ids(report)).toEqual([c.id]);
    expect(report.findings).toHaveLength(c.count ?? 1);
    const f = report.findings[0];
    expect(f.severity).toBe('ERROR');
    expect(f.object).toContain(typeof c.object === 'function' ? c.object(ret) : c.object);
    for (const part of c.message) {
      expect(f.message).toContain(part);
    }
    expect(f.fix.length).toBeGreaterThan(10);
    expect(report.errorCount).toBe(c.count ?? 1);
  });

  // Edits that remove what other edits change (or the anchor of a check) cannot be combined freely.
  const MASKING = ['a Role whose rules are not a list', 'no launcher contract', 'a contract of another version', 'the admission policy removed',
    'the admission binding removed', 'the admission policy matching another namespace', 'the admission params ConfigMap removed',
    'the Vault role renamed', 'a policy in HCL', 'a phase NetworkPolicy removed', 'a password literal in password_wo',
    'the JWT login mount the contract names moved elsewhere', 'a contract file of another namespace (no ConfigMap for it, no file for the ConfigMap)',
    // Rewrites every phase role's explicit max, which other cases edit one at a time.
    'every phase token explicit max lowered below the engine lease maxima',
    // Removes the contract's vaultToken block, which other cases edit.
    'the renewal interval removed from the template (and the contract)',
    'the Pod policy removed', 'the exec policy removed'];
  const COMBINABLE = CASES.filter(c => !MASKING.includes(c.name));

  test('findings do not mask each other: any set of independent edits yields the union of their ids', () => {
    expect(COMBINABLE.length).toBeGreaterThan(35);
    fc.assert(fc.property(fc.subarray(COMBINABLE, { minLength: 2, maxLength: 12 }), (chosen) => {
      const report = verifyEdited(out => chosen.forEach(c => c.edit(out)));
      expect(ids(report).sort()).toEqual([...new Set(chosen.map(c => c.id))].sort());
    }), { numRuns: 25 });
  });

  describe('Vault roles are found by (auth mount, name)', () => {
    /** A copy of the phase's Kubernetes role on another auth mount (and that mount), edited by `edit`; returns both addresses. */
    function copyRole(out: ParsedOutput, phase: string, edit: (copy: any) => void = () => undefined): { original: string; copy: string } {
      const r = role(out, phase);
      const mounts = out.terraform.resource.vault_auth_backend;
      mounts.elsewhere = { ...Object.values<any>(mounts)[0], path: 'kubernetes-elsewhere' };
      const copy = { ...clone(r.attrs), backend: '${vault_auth_backend.elsewhere.path}' };
      edit(copy);
      out.terraform.resource.vault_kubernetes_auth_backend_role[`copy_${phase}`] = copy;
      return { original: r.address, copy: `vault_kubernetes_auth_backend_role.copy_${phase}` };
    }

    test('a faithful namesake on a mount no contract uses is no finding', () => {
      expect(verifyEdited(out => { copyRole(out, 'read-only'); }).findings).toEqual([]);
    });

    test('the role on the contract\'s mount bound to another ServiceAccount, a faithful namesake elsewhere: exactly sa-vault-binding for the contract\'s mount', () => {
      let original = '';
      const report = verifyEdited(out => {
        const r = role(out, 'read-only');
        original = copyRole(out, 'read-only').original;
        r.attrs.bound_service_account_names = ['agent-phase-autonomous'];
      });
      expect(report.findings.map(f => [f.id, f.object])).toEqual([['sa-vault-binding', original]]);
    });

    test('a namesake on a mount no contract uses bound to every namespace: exactly sa-vault-binding for it (it grants the phase\'s policy)', () => {
      let copy = '';
      const report = verifyEdited(out => {
        copy = copyRole(out, 'read-only', c => { c.bound_service_account_namespaces = ['*']; }).copy;
      });
      expect(report.findings.map(f => [f.id, f.object])).toEqual([['sa-vault-binding', copy]]);
    });
  });

  test('a policy dropping a direction is not a finding while another selecting policy still denies it (policies add up)', () => {
    const report = verifyEdited(out => {
      const np = obj(out, 'NetworkPolicy', 'agent-phase-shadow');
      np.spec.policyTypes = ['Ingress'];
      np.spec.egress.push({});
    });
    // Egress rules of a policy without the Egress type are ignored by Kubernetes; default-deny-all still restricts egress,
    // so egress stays denied by default (no egress-not-default-deny) and the phase, granted RBAC, no longer reaches the API server.
    expect(report.findings.map(f => [f.id, f.object])).toEqual([['kubernetes-api-unreachable', 'NetworkPolicy agents/agent-phase-shadow']]);
    expect(report.findings[0].message).toContain('no egress rule of default-deny-all');
  });

  test('a default deny that selects a single investigation does not count for the phase', () => {
    const report = verifyEdited(out => {
      for (const name of ['default-deny-all', 'agent-phase-shadow']) {
        obj(out, 'NetworkPolicy', name).spec.podSelector = { matchLabels: { 'trust-phase': 'shadow', 'investigation-id': 'abc' } };
      }
    });
    expect(report.findings.map(f => [f.id, f.object])).toEqual([
      ['egress-not-default-deny', 'Namespace agents phase shadow'],
      ['ingress-not-denied', 'Namespace agents phase shadow'],
      // The other phases lost the namespace-wide default deny but keep their own policies.
    ]);
  });

  test('a guard turned off in code is reported missing, quoting the reason recorded on the Job policy', () => {
    const report = verifyEdited(out => {
      // What TrustPhaseAdmission emits with disabledGuards: [{ guard: AdmissionGuard.TOKEN_REQUEST, reason }].
      remove(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents-tokens');
      remove(out, 'ValidatingAdmissionPolicyBinding', 'agent-trust-admission-agents-tokens');
      obj(out, 'ValidatingAdmissionPolicy', 'agent-trust-admission-agents').metadata.annotations = {
        [AdmissionGuard.annotationKey(AdmissionGuard.TOKEN_REQUEST)]: 'tokens are restricted by the cluster\'s own webhook',
      };
    });
    expect(report.findings.map(f => f.id)).toEqual(['admission-token-guard-missing']);
    expect(report.findings[0].message).toContain('turned off on purpose: "tokens are restricted by the cluster\'s own webhook"');
    expect(report.errorCount).toBe(1);
  });

  test('a warn-only binding of a guard policy is a warning too', () => {
    const report = verifyEdited(out => {
      obj(out, 'ValidatingAdmissionPolicyBinding', 'agent-trust-admission-agents-pods').spec.validationActions = ['Warn'];
    });
    expect(report.findings.map(f => [f.id, f.severity, f.object])).toEqual([
      ['admission-not-enforced', 'WARNING', 'ValidatingAdmissionPolicyBinding agent-trust-admission-agents-pods'],
    ]);
  });

  test('a warn-only admission binding is a warning: listed, not an error', () => {
    const report = verifyEdited(out => {
      obj(out, 'ValidatingAdmissionPolicyBinding', 'agent-trust-admission-agents').spec.validationActions = ['Warn', 'Audit'];
    });
    expect(report.findings).toEqual([expect.objectContaining({
      id: 'admission-not-enforced', severity: 'WARNING',
      object: 'ValidatingAdmissionPolicyBinding agent-trust-admission-agents',
    })]);
    expect(report.findings[0].message).toContain('["Warn","Audit"]');
    expect(report.errorCount).toBe(0);
    expect(report.warningCount).toBe(1);
  });

  test('hand-edited output converted to JSON files reads the same', () => {
    const out = clone(parsed);
    const dirs = writeOutput(out, base.stack);
    written.push(dirs.root);
    fs.rmSync(path.join(dirs.k8sDir, 'agent-trust.k8s.yaml'));
    out.manifests.forEach((m, i) => fs.writeFileSync(path.join(dirs.k8sDir, `${String(i).padStart(3, '0')}.json`), JSON.stringify(m)));
    expect(Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir, wholeLadder()).findings).toEqual([]);
    fs.writeFileSync(path.join(dirs.k8sDir, 'zz-secret.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'agents' } }));
    expect(Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir, wholeLadder()).findings.map(f => f.id)).toEqual(['k8s-secret-object']);
  });

  test('v1beta1 admission objects are accepted like v1', () => {
    const report = verifyEdited(out => {
      for (const m of out.manifests.filter(x => x.apiVersion === 'admissionregistration.k8s.io/v1')) {
        m.apiVersion = 'admissionregistration.k8s.io/v1beta1';
      }
    });
    expect(report.findings).toEqual([]);
  });

  test('several breaks at once are all reported, in rule order', () => {
    const report = verifyEdited(out => {
      role(out, 'read-only').attrs.bound_service_account_names = ['default'];
      obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments').rules.push({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] });
      out.manifests.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'agents' } });
    });
    expect(ids(report)).toEqual(['sa-vault-binding', 'rbac-denylist', 'k8s-secret-object']);
    expect(Verifier.toJson(report)).toMatchSnapshot();
  });
});

describe('hand-edited input of any shape', () => {
  const KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'NetworkPolicy', 'ServiceAccount', 'ConfigMap', 'Job',
    'CronJob', 'Pod', 'Deployment', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'Secret', 'LauncherContract'];
  const TYPES = ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role', 'vault_policy', 'vault_mount',
    'vault_database_secret_backend_role', 'vault_auth_backend'];

  test('never crashes: malformed objects of every kind the verifier reads are findings or ignored, not exceptions', () => {
    const manifest = fc.record({
      apiVersion: fc.constantFrom('v1', 'admissionregistration.k8s.io/v1', 'rbac.authorization.k8s.io/v1'),
      kind: fc.constantFrom(...KINDS),
      metadata: fc.oneof(fc.constant(undefined), fc.record({ name: fc.string(), namespace: fc.constantFrom('agents', 'payments', undefined) })),
      spec: fc.anything(), rules: fc.anything(), subjects: fc.anything(), roleRef: fc.anything(), data: fc.anything(),
    }, { requiredKeys: ['kind'] });
    const resourceAttrs = fc.dictionary(fc.constantFrom('role_name', 'backend', 'policy', 'token_ttl', 'max_ttl', 'name', 'path',
      'bound_service_account_names', 'audience', 'token_policies', 'password', 'connection_url', 'bound_claims'), fc.anything());
    fc.assert(fc.property(fc.array(manifest, { maxLength: 6 }), fc.constantFrom(...TYPES), resourceAttrs, (extra, type, attrs) => {
      const tf = clone(parsed.terraform);
      tf.resource[type] = { ...(tf.resource[type] ?? {}), Fuzzed: attrs };
      const report = Verifier.verify([...clone(parsed.manifests), ...extra], TerraformOutput.fromJson(tf, base.stack));
      expect(Array.isArray(report.findings)).toBe(true);
      for (const f of report.findings) {
        expect(VerifyRule.of(f.id).severity.value).toBe(f.severity);
        expect(f.object === '(output)' ? f.message : '').toBe('');
      }
    }), { numRuns: 300 });
  });
});

describe('phase names come from the contract, not from the phase name', () => {
  /** Give every phase's Vault role and policy another (consistent) name on both sides, as a per-fleet prefix would. */
  function renameVaultNames(out: ParsedOutput): void {
    const renamed = (name: string): string => `fleet-a-${name}`;
    editContract(out, 'diagnostics', doc => {
      for (const p of doc.phases) {
        p.vaultRole = renamed(p.vaultRole);
      }
    });
    const roles = [...Object.values<any>(out.terraform.resource.vault_kubernetes_auth_backend_role),
      ...Object.values<any>(out.terraform.resource.vault_jwt_auth_backend_role ?? {})];
    expect(roles.length).toBeGreaterThan(4);
    for (const r of roles) {
      r.role_name = renamed(r.role_name);
      r.token_policies = r.token_policies.map(renamed);
    }
    for (const r of Object.values<any>(out.terraform.resource.vault_policy)) {
      if (String(r.name).startsWith('agent-phase-')) {
        r.name = renamed(r.name);
      }
    }
  }

  test('renamed Vault roles and policies verify clean: the policy is the one the contract\'s role names', () => {
    expect(verifyEdited(renameVaultNames).findings).toEqual([]);
  });

  test('the policy checks still run on the renamed policies (monotonicity, missing policy)', () => {
    const monotonic = verifyEdited(out => {
      renameVaultNames(out);
      editPolicy(out, 'fleet-a-agent-phase-autonomous', p => { delete p['agents/database/creds/read-only']; });
    });
    expect(ids(monotonic)).toEqual(['phase-monotonic-vault']);
    expect(monotonic.findings[0].message).toContain('policy "fleet-a-agent-phase-autonomous" lacks');
    const missing = verifyEdited(out => {
      renameVaultNames(out);
      const r = resource(out, 'vault_policy', a => a.name === 'fleet-a-agent-phase-shadow');
      delete out.terraform.resource.vault_policy[r.address.split('.')[1]];
    });
    expect(ids(missing)).toEqual(['vault-policy-missing']);
    expect(missing.findings[0].object).toBe('vault_policy (name "fleet-a-agent-phase-shadow")');
  });
});

describe('options', () => {
  test('a smaller margin turns the 960 s max TTLs into findings; the summary names deadline and margin', () => {
    const report = verifyEdited(() => undefined, { marginSeconds: 30 });
    expect(ids(report)).toEqual(['vault-ttl-too-long']);
    expect(report.findings.every(f => f.message.includes('960') && f.message.includes('930s'))).toBe(true);
    // Every TTL source: 4 k8s roles + 4 JWT roles (explicit max), 4 mounts, 3 db, 3 aws, 3 k8s-secrets, 3 ssh roles.
    expect(report.findings.length).toBeGreaterThanOrEqual(20);
  });

  test('the token_ttl bound: 300 s by default, what the contract states otherwise, tightened (never widened) by tokenTtlBoundSeconds', () => {
    expect(VerifyDefaults.TOKEN_TTL_BOUND_SECONDS).toBe(300);
    expect(verifyEdited(() => undefined).tokenTtlBoundSeconds).toBe(300);
    // A reviewer's tighter bound: every phase role (4 Kubernetes + 4 JWT) is a finding.
    const tight = verifyEdited(() => undefined, { tokenTtlBoundSeconds: 120 });
    expect(ids(tight)).toEqual(['vault-token-ttl-bound']);
    expect(tight.findings).toHaveLength(8);
    expect(tight.tokenTtlBoundSeconds).toBe(120);
    expect(Verifier.formatText(tight)).toContain('token_ttl is 300 (300s), above the bound of 120s');
    // A fleet that chose 15-minute tokens states it in the contract: the roles match it, so no finding...
    const longTokens = (out: ParsedOutput): void => {
      editContract(out, 'diagnostics', d => { d.vaultToken.ttlSeconds = 900; });
      for (const type of ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role']) {
        Object.values<any>(out.terraform.resource[type]).forEach(r => { r.token_ttl = 900; });
      }
    };
    const declared = verifyEdited(longTokens);
    expect(declared.findings).toEqual([]);
    expect(declared.tokenTtlBoundSeconds).toBe(900);
    // ...unless the reviewer insists on the default bound.
    expect(ids(verifyEdited(longTokens, { tokenTtlBoundSeconds: 300 }))).toEqual(['vault-token-ttl-bound']);
  });

  test('property: for any token_ttl and explicit max on every phase role, exactly the broken relations are reported', () => {
    // Deadline 900, margin 60, renewal every 150 s, engine leases up to 960 s, contract bound 300 s and explicit max 960 s.
    fc.assert(fc.property(fc.integer({ min: 1, max: 960 }), fc.integer({ min: 600, max: 960 }), (ttl, max) => {
      const report = verifyEdited(out => {
        for (const type of ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role']) {
          Object.values<any>(out.terraform.resource[type]).forEach(r => { r.token_ttl = ttl; r.token_explicit_max_ttl = max; });
        }
      });
      const expected = [
        ...(max < 900 ? ['vault-token-ttl-too-short'] : []),
        ...(ttl > 300 ? ['vault-token-ttl-bound'] : []),
        ...(ttl <= 150 ? ['vault-token-renewal'] : []),
        // Leases (max 960 s) outlive a token whose explicit max is shorter but still covers the deadline.
        ...(max >= 900 && max < 960 ? ['vault-lease-outlives-token'] : []),
      ];
      expect(ids(report).sort()).toEqual(expected.sort());
    }), { numRuns: 20 });
  });

  test('the launcher revocation policy is accepted as rendered; any path beyond revoke/lookup by accessor in it is a system-path finding', () => {
    const rendered = JSON.parse(Testing.synthScope(scope => { new LauncherVaultPolicy(scope, 'Launcher'); })).resource.vault_policy;
    const withLauncher = (extra?: (doc: any) => void) => (out: ParsedOutput): void => {
      const copy = clone(rendered);
      const attrs: any = Object.values(copy)[0];
      if (extra) {
        const doc = JSON.parse(attrs.policy);
        extra(doc.path);
        attrs.policy = JSON.stringify(doc);
      }
      Object.assign(out.terraform.resource.vault_policy, copy);
    };
    expect(verifyEdited(withLauncher()).findings).toEqual([]);
    const widened = verifyEdited(withLauncher(p => {
      p['auth/token/create'] = { capabilities: ['update'] };
      p['auth/token/revoke-accessor'].capabilities.push('sudo');
    }));
    expect(widened.findings.map(f => f.id)).toEqual(['vault-policy-system-path', 'vault-policy-system-path', 'vault-policy-sudo']);
    expect(widened.findings.map(f => f.message)).toEqual([
      'policy "agent-launcher-revocation" grants ["update","sudo"] on "auth/token/revoke-accessor", under Vault\'s own configuration or identities',
      'policy "agent-launcher-revocation" grants ["update"] on "auth/token/create", under Vault\'s own configuration or identities',
      'policy "agent-launcher-revocation" grants ["sudo"] on "auth/token/revoke-accessor"',
    ]);
  });

  test('allowDenied accepts a reviewed override by deny rule id, and only that rule', () => {
    const edit = (out: ParsedOutput): void => {
      obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments').rules.push({ apiGroups: [''], resources: ['secrets', 'pods/exec'], verbs: ['get'] });
    };
    expect(verifyEdited(edit).findings.map(f => f.message)).toEqual([expect.stringMatching(/secrets: get secrets; pod-shell: get pods\/exec/)]);
    const report = verifyEdited(edit, { allowDenied: ['secrets'] });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0].message).toContain('pod-shell: get pods/exec');
    expect(report.findings[0].message).not.toContain('secrets:');
  });

  test('a suppression with a reason moves the findings of its rule (or of one object) to report.suppressed', () => {
    const edit = (out: ParsedOutput): void => {
      obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] });
    };
    // The fixture's own suppression (WHOLE_LADDER) is set aside: these assertions are about the test's suppressions.
    const own = (list: any[]): any[] => list.filter(f => f.id !== WHOLE_LADDER.id);
    const [finding] = verifyEdited(edit).findings;
    expect(finding.id).toBe('rbac-denylist');
    const all = verifyEdited(edit, { suppressions: [{ id: 'rbac-denylist', reason: 'approved in SEC-1' }] });
    expect(all.findings).toEqual([]);
    expect(all.errorCount).toBe(0);
    expect(own(all.suppressed)).toEqual([{ id: 'rbac-denylist', object: finding.object, message: finding.message, reason: 'approved in SEC-1' }]);
    expect(Verifier.formatText(all)).toContain(`SUPPRESSED rbac-denylist ${finding.object}: `);
    expect(own(Verifier.toJson(all).suppressed)).toHaveLength(1);
    const other = verifyEdited(edit, { suppressions: [{ id: 'rbac-denylist', reason: 'another Role', appliesTo: ['Role agents/x'] }] });
    expect(other.findings.map(f => f.id)).toEqual(['rbac-denylist']);
    expect(own(other.suppressed)).toEqual([]);
    const bare = Verifier.verifyPaths(base.k8sDir, base.tfDir, { suppressions: [{ id: 'rbac-denylist', reason: 'another Role', appliesTo: ['Role agents/x'] }] });
    expect(bare.suppressed).toEqual([]);
    expect(Verifier.toJson(bare).suppressed).toBeUndefined();
  });

  test('suppressions need a known rule id other than check-error, and a reason: all problems at once', () => {
    expect(problemsOf(() => Verifier.verifyPaths(base.k8sDir, base.tfDir, { suppressions: [
      { id: 'no-such-rule', reason: 'x' }, { id: 'check-error', reason: 'hide bugs' }, { id: 'sa-missing', reason: ' ' }] }))
      .map(p => `${p.field} = ${p.value}: ${p.message}`)).toEqual([
      'suppressions[0].id = "no-such-rule": is not a verify rule id',
      'suppressions[1].id = "check-error": cannot be suppressed: a check that fails checked nothing',
      'suppressions[2].reason = " ": is empty: accepting a finding needs a reason',
    ]);
  });

  test('a check that throws is a check-error finding naming the check and its rules; the other checks still run', () => {
    const check = VERIFY_CHECKS.find(c => c.name === 'ServiceAccount')!;
    const spy = jest.spyOn(check, 'check').mockImplementation(() => {
      throw new TypeError('boom');
    });
    try {
      const report = verifyEdited(out => {
        obj(out, 'Role', 'agent-phase-autonomous.payments', 'payments').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] });
      });
      expect(report.findings.map(f => f.id)).toEqual(['check-error', 'rbac-denylist']);
      expect(report.findings[0].message).toBe('the ServiceAccount check failed (boom), so sa-missing, sa-automount-token were not fully checked');
      expect(report.findings[0].object).toBe('(verifier)');
    } finally {
      spy.mockRestore();
    }
  });

  test('every rule the verifier can report belongs to a check, or to the verifier itself (input, contracts, check errors)', () => {
    const own = ['input-malformed', 'check-error', 'contract-missing', 'contract-invalid', 'contract-file-mismatch', 'contract-file-unmatched'];
    const owned = new Set([...own, ...VERIFY_CHECKS.flatMap(c => c.rules.map(r => r.id))]);
    expect(VerifyRule.all().map(r => r.id).filter(id => !owned.has(id))).toEqual([]);
    expect(new Set(VERIFY_CHECKS.map(c => c.name)).size).toBe(VERIFY_CHECKS.length);
  });

  test('a negative margin, a zero token TTL bound and an unknown deny rule id are refused together, naming field and value', () => {
    let error: unknown;
    try {
      Verifier.verifyPaths(base.k8sDir, base.tfDir, { marginSeconds: -1, tokenTtlBoundSeconds: 0, allowDenied: ['secrets', 'everything'] });
    } catch (e) {
      error = e;
    }
    expect(AgentTrustErrors.problemsOf(error).map(p => `${p.field} = ${p.value}: ${p.message}`)).toEqual([
      'marginSeconds = -1: must be a whole number of seconds ≥ 0',
      'tokenTtlBoundSeconds = 0: must be a whole number of seconds ≥ 1',
      'allowDenied[1] = "everything": is not a deny rule id',
    ]);
  });
});

describe('unreadable input', () => {
  test('missing folders are one error naming both paths', () => {
    let error: unknown;
    try {
      Verifier.verifyPaths('/nonexistent/dist', '/nonexistent/cdktf.out');
    } catch (e) {
      error = e;
    }
    const problems = AgentTrustErrors.problemsOf(error);
    expect(problems.map(p => p.path)).toEqual(['/nonexistent/dist', '/nonexistent/cdktf.out']);
    expect(problems[0].message).toContain('ENOENT');
  });

  test('a folder without cdk.tf.json is refused with the places looked at', () => {
    expect(() => Verifier.verifyPaths(base.k8sDir, base.k8sDir)).toThrow(/holds no cdk.tf.json \(looked in the folder and in stacks\/\*\/\)/);
  });

  test('broken YAML and broken JSON name the file', () => {
    const dirs = writeOutput(clone(parsed), base.stack);
    written.push(dirs.root);
    fs.appendFileSync(path.join(dirs.k8sDir, 'agent-trust.k8s.yaml'), '---\nkind: [unclosed\n');
    fs.writeFileSync(path.join(dirs.tfDir, 'stacks', base.stack, 'cdk.tf.json'), '{ "resource": ');
    expect(() => Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir)).toThrow(/agent-trust\.k8s\.yaml[\s\S]*cdk\.tf\.json/);
  });
});

describe('TerraformOutput', () => {
  test('reads addresses and snake_case attributes without cdktf metadata, and resolves references', () => {
    const tf = TerraformOutput.fromPath(base.tfDir);
    expect(tf.stacks).toEqual([base.stack]);
    const r = tf.resourcesOfType('vault_kubernetes_auth_backend_role').find(x => x.attributes.role_name === 'agent-phase-shadow')!;
    expect(r.address).toMatch(/^vault_kubernetes_auth_backend_role\.AgentTrust_Auth_shadow_[0-9A-F]{8}$/);
    expect(r.attributes['//']).toBeUndefined();
    expect(r.attributes.backend).toMatch(/^\$\{vault_auth_backend\.[^.]+\.path\}$/);
    expect(tf.resolve(r.attributes.backend)).toBe('kubernetes-agents');
    expect(tf.resolve('${var.database_password}')).toBe('${var.database_password}');
    expect(tf.resolve(42)).toBe(42);
    expect(tf.variable('database_password')).toEqual({ name: 'database_password', stack: base.stack, sensitive: true, hasDefault: false });
  });

  test('a cdktf.out with several stacks is read whole, each resource naming its stack', () => {
    const dirs = writeOutput(clone(parsed), base.stack);
    written.push(dirs.root);
    const other = path.join(dirs.tfDir, 'stacks', 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'cdk.tf.json'), JSON.stringify({
      resource: { vault_policy: { extra: { name: 'ops', policy: JSON.stringify({ path: { 'sys/mounts': { capabilities: ['read'] } } }) } } },
    }));
    const tf = TerraformOutput.fromPath(dirs.tfDir);
    expect(tf.stacks).toEqual([base.stack, 'other']);
    expect(tf.resourcesOfType('vault_policy').filter(r => r.stack === 'other').map(r => r.address)).toEqual(['vault_policy.extra']);
    const report = Verifier.verifyPaths(dirs.k8sDir, dirs.tfDir, wholeLadder());
    expect(report.findings.map(f => [f.id, f.object])).toEqual([['vault-policy-system-path', 'vault_policy.extra']]);
  });

  test('referenceOf recognises whole-string interpolations only', () => {
    expect(TerraformOutput.referenceOf('${var.x}')).toBe('var.x');
    expect(TerraformOutput.referenceOf('prefix-${var.x}')).toBeUndefined();
    expect(TerraformOutput.referenceOf('plain')).toBeUndefined();
    expect(TerraformOutput.referenceOf(3)).toBeUndefined();
  });
});

describe('EffectivePermissions on malformed RBAC', () => {
  test('null subjects, non-list rules and non-string entries are skipped, not fatal', () => {
    const { EffectivePermissions } = require('../../lib/check');
    const perms = EffectivePermissions.fromManifests([
      { kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [null, { apiGroups: [''], resources: ['pods', 7], verbs: 'get' }, { apiGroups: [''], resources: ['pods'], verbs: ['list'] }] },
      { kind: 'Role', metadata: { name: 'bad', namespace: 'ns' }, rules: { not: 'a list' } },
      { kind: 'RoleBinding', metadata: { name: 'b', namespace: 'ns' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [null, 'x', { kind: 'ServiceAccount', name: 'sa' }] },
      { kind: 'RoleBinding', metadata: { name: 'b2', namespace: 'ns' }, roleRef: { kind: 'Role', name: 'bad' }, subjects: { kind: 'ServiceAccount', name: 'sa' } },
    ]);
    expect(perms.forServiceAccount('ns', 'sa').toStrings()).toEqual(['ns: list core/pods']);
  });
});

// The Kubernetes monotonicity check judges each distinct set of Roles once and
// reuses the verdict for target namespaces holding the same Roles: every
// namespace must still be named, and a namespace that differs judged on its own.
describe('Kubernetes monotonicity per target namespace', () => {
  const dropDeletePods = (out: ParsedOutput, namespace: string): void => {
    const r = obj(out, 'Role', `agent-phase-autonomous.${namespace}`, namespace);
    r.rules = r.rules.filter((x: any) => !(x.resources.includes('pods') && x.verbs.includes('delete')));
  };

  function monotonic(report: VerifyReport): string[] {
    return report.findings.filter(f => f.id === 'phase-monotonic-k8s').map(f => f.message);
  }

  test('the same gap in every target namespace is reported with each namespace\'s name', () => {
    const messages = monotonic(verifyEdited(out => {
      dropDeletePods(out, 'payments');
      dropDeletePods(out, 'checkout');
    }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('checkout: delete core/pods');
    expect(messages[0]).toContain('payments: delete core/pods');
    expect(messages[0]).toMatch(/lacks 2 grant\(s\)/);
  });

  test('a gap in one target namespace only names that namespace', () => {
    for (const namespace of ['payments', 'checkout']) {
      const messages = monotonic(verifyEdited(out => dropDeletePods(out, namespace)));
      const other = namespace === 'payments' ? 'checkout' : 'payments';
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(`${namespace}: delete core/pods`);
      expect(messages[0]).not.toContain(`${other}:`);
      expect(messages[0]).toMatch(/lacks 1 grant\(s\)/);
    }
  });
});
