import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { VerifyRule } from '../../lib/check';
import { verifyCommand } from '../../bin/verify-command';
import { clone, parseOutput, SynthDirs, synthExample, writeOutput } from '../check/verify-fixture';
import { compileCli, removeCompiled } from './compile';

let base: SynthDirs;
let broken: SynthDirs;
let compiled: string;

interface Run { code: number | null; stdout: string; stderr: string }

/** In process, through the command module. */
function run(...args: string[]): Run {
  let stdout = '';
  let stderr = '';
  let code: number | null;
  try {
    code = verifyCommand.run(args, { out: t => { stdout += t; }, err: t => { stderr += `${t}\n`; } });
  } catch (e: any) {
    // CliError: the dispatcher prints its lines and exits with its code.
    code = e.exitCode ?? null;
    stderr += (e.lines ?? [String(e)]).join('\n');
  }
  return { code, stdout, stderr };
}

/** As a user runs it: `node agent-trust.js verify …`. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [path.join(compiled, 'bin', 'agent-trust.js'), 'verify', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  base = synthExample('default');
  const out = clone(parseOutput(base));
  const roleOf = (phase: string): any => Object.values<any>(out.terraform.resource.vault_kubernetes_auth_backend_role)
    .find(r => r.role_name === `agent-phase-${phase}`);
  roleOf('read-only').bound_service_account_names = ['default'];
  roleOf('shadow').audience = 'kubernetes';
  broken = writeOutput(out, base.stack);
  compiled = compileCli();
});

afterAll(() => {
  for (const d of [base?.root, broken?.root]) {
    if (d) fs.rmSync(d, { recursive: true, force: true });
  }
  removeCompiled(compiled);
});

describe('agent-trust verify (command)', () => {
  test('clean output: exit 0 and one summary line', () => {
    const r = run(base.k8sDir, base.tfDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('verified: no findings (agent(s) diagnostics; Vault TTLs ≤ 900s deadline + 60s margin; token_ttl ≤ 300s)\n');
    expect(r.stderr).toBe('');
  });

  test('findings: exit 1, one "ERROR id object: message. Fix: …" line each, then the summary', () => {
    const r = run(broken.k8sDir, broken.tfDir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ERROR sa-vault-binding vault_kubernetes_auth_backend_role\.AgentTrust_Auth_read-only_[0-9A-F]{8}: bound_service_account_names is \["default"\] .*\. Fix: set bound_service_account_names: \["agent-phase-read-only"\]$/);
    expect(lines[1]).toMatch(/^ERROR token-audience vault_kubernetes_auth_backend_role\.AgentTrust_Auth_shadow_[0-9A-F]{8}: audience is "kubernetes" .*\. Fix: /);
    expect(lines[2]).toBe('2 finding(s): 2 error(s), 0 warning(s) (agent(s) diagnostics)');
  });

  test('a phase with RBAC but no route to the API server: exit 1 with exactly kubernetes-api-unreachable', () => {
    const out = clone(parseOutput(base));
    const np = out.manifests.find((m: any) => m.kind === 'NetworkPolicy' && m.metadata?.name === 'agent-phase-shadow');
    np.spec.egress = np.spec.egress.filter((r: any) => !(r.ports ?? []).some((p: any) => p.port === 6443));
    const dirs = writeOutput(out, base.stack);
    try {
      const r = run(dirs.k8sDir, dirs.tfDir);
      expect(r.code).toBe(1);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^ERROR kubernetes-api-unreachable NetworkPolicy agents\/agent-phase-shadow: phase "shadow" of agent diagnostics is granted RBAC in checkout, payments, .*cannot reach the API server\. Fix: declare kubernetesApi on the AgentFleet/);
      expect(lines[1]).toBe('1 finding(s): 1 error(s), 0 warning(s) (agent(s) diagnostics)');
    } finally {
      fs.rmSync(dirs.root, { recursive: true, force: true });
    }
  });

  test('--format json: { findings, summary } for pipelines', () => {
    const r = run(broken.k8sDir, broken.tfDir, '--format', 'json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: any) => f.id)).toEqual(['sa-vault-binding', 'token-audience']);
    for (const f of doc.findings) {
      expect(Object.keys(f).sort()).toEqual(['fix', 'id', 'message', 'object', 'severity']);
      expect(f.severity).toBe('ERROR');
    }
    expect(doc.summary).toEqual({
      clean: false, errors: 2, warnings: 0, agents: ['diagnostics'], deadlineSeconds: 900, marginSeconds: 60, tokenTtlBoundSeconds: 300,
    });
    expect(JSON.parse(run(base.k8sDir, base.tfDir, '--format', 'json').stdout)).toEqual({
      findings: [], summary: { clean: true, errors: 0, warnings: 0, agents: ['diagnostics'], deadlineSeconds: 900, marginSeconds: 60, tokenTtlBoundSeconds: 300 },
    });
  });

  test('--suppress <id>=<reason> accepts every finding of a rule; @<object> only that object\'s', () => {
    const before = JSON.parse(run(broken.k8sDir, broken.tfDir, '--format', 'json').stdout);
    const [first] = before.findings;
    const all = JSON.parse(run(broken.k8sDir, broken.tfDir, '--format', 'json', '--suppress', `${first.id}=approved in SEC-9`).stdout);
    expect(all.findings.map((f: any) => f.id)).not.toContain(first.id);
    expect(all.suppressed.map((f: any) => f.reason)).toEqual(before.findings.filter((f: any) => f.id === first.id).map(() => 'approved in SEC-9'));
    const one = run(broken.k8sDir, broken.tfDir, '--suppress', `${first.id}@${first.object}=approved in SEC-9`);
    expect(one.stdout).toContain(`SUPPRESSED ${first.id} ${first.object}: `);
    expect(one.stdout).toContain('. Reason: approved in SEC-9');
  });

  test('--margin changes the TTL bound', () => {
    const r = run(base.k8sDir, base.tfDir, '--margin', '0', '--format', 'json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect([...new Set(doc.findings.map((f: any) => f.id))]).toEqual(['vault-ttl-too-long']);
    expect(doc.summary.marginSeconds).toBe(0);
  });

  test('--token-ttl-bound tightens the token_ttl bound: every phase role above it is a finding', () => {
    const r = run(base.k8sDir, base.tfDir, '--token-ttl-bound', '120', '--format', 'json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect([...new Set(doc.findings.map((f: any) => f.id))]).toEqual(['vault-token-ttl-bound']);
    // Two rendered phases (shadow, read-only; the ceiling is read-only), a Kubernetes and a JWT role each.
    expect(doc.findings).toHaveLength(4);
    expect(doc.summary.tokenTtlBoundSeconds).toBe(120);
    expect(run(base.k8sDir, base.tfDir, '--token-ttl-bound', '300').code).toBe(0);
  });

  test.each([
    [['a', 'b', '--token-ttl-bound', '0'], /--token-ttl-bound "0" is not a whole number of seconds ≥ 1/],
    [['a', 'b', '--token-ttl-bound', '5m'], /--token-ttl-bound "5m" is not a whole number/],
    [[], /expected 2 arguments <k8s-dir> <terraform-dir>, got 0/],
    [['only-one'], /got 1 \("only-one"\)/],
    [['a', 'b', 'c'], /got 3/],
    [['a', 'b', '--format', 'yaml'], /--format "yaml" is not one of: text, json/],
    [['a', 'b', '--margin=-5'], /--margin "-5" is not a whole number/],
    [['a', 'b', '--margin', 'ten'], /--margin "ten" is not a whole number/],
    [['a', 'b', '--allow-denied', 'everything'], /--allow-denied "everything" is not a deny rule id; use one of: wildcard, secrets/],
    [['a', 'b', '--colour'], /Unknown option '--colour'/],
    [['a', 'b', '--suppress', 'sa-missing'], /--suppress "sa-missing" is not <id>\[@<object>\]=<reason> with a reason/],
    [['a', 'b', '--suppress', 'sa-missing= '], /is not <id>\[@<object>\]=<reason> with a reason/],
    [['a', 'b', '--suppress', 'no-such-rule=why'], /"no-such-rule" is not a rule id that can be suppressed/],
    [['a', 'b', '--suppress', 'check-error=hide'], /"check-error" is not a rule id that can be suppressed/],
  ])('usage error %j: exit 2 naming the flag and value', (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('unreadable input: exit 3 naming the path', () => {
    const r = run(path.join(base.root, 'missing'), base.tfDir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${path.join(base.root, 'missing')}: directory = `);
    expect(r.stderr).toContain('ENOENT');
    const t = run(base.k8sDir, base.k8sDir);
    expect(t.code).toBe(3);
    expect(t.stderr).toContain('holds no cdk.tf.json');
  });

  test('--help lists every finding id and the exit codes', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: agent-trust verify <k8s-dir> <terraform-dir>');
    for (const rule of VerifyRule.all()) {
      expect(r.stdout).toContain(`  ${rule.id} `);
    }
    expect(r.stdout).toContain('(default 60)');
    expect(r.stdout).toMatch(/Exit codes: 0 no errors .* 1 findings of severity ERROR;\n2 usage error; 3 input unreadable/);
  });
});

describe('agent-trust verify (compiled CLI)', () => {
  test('the dispatcher runs verify: 0 clean, 1 with findings, 2 usage, 3 unreadable', () => {
    const clean = cli(base.k8sDir, base.tfDir);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('verified: no findings');
    const bad = cli(broken.k8sDir, broken.tfDir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^ERROR sa-vault-binding /);
    const usage = cli(base.k8sDir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('agent-trust verify: expected 2 arguments');
    const unreadable = cli('/nonexistent', base.tfDir);
    expect(unreadable.code).toBe(3);
    expect(unreadable.stderr).toContain('/nonexistent');
  });
});
