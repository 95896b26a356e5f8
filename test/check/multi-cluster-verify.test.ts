import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Verifier, VerifyClusterInput } from '../../lib/check';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'build/bin/agent-trust.js');
const STACK = 'tf/stacks/agent-trust-multi-cluster-vault/cdk.tf.json';
const CLUSTERS = ['eu-1', 'us-1', 'ap-1'];

/**
 * The multi-cluster example (two fleets × three clusters, one stack),
 * synthesized once (`npm test` builds first); each case copies it, breaks
 * one thing and expects exactly that finding.
 */
describe('agent-trust verify across clusters', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-clusters-'));
  beforeAll(() => {
    const env = { ...process.env, CDK8S_OUTDIR: path.join(base, 'k8s'), CDKTF_OUTDIR: path.join(base, 'tf') };
    execFileSync(process.execPath, [path.join(ROOT, 'build/examples/multi-cluster/k8s.js')], { env, cwd: ROOT });
    execFileSync(process.execPath, [path.join(ROOT, 'build/examples/multi-cluster/vault.js')], { env, cwd: ROOT });
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  /** A copy of the example with `edit` applied to the Terraform JSON. */
  function broken(edit: (tf: any) => void = () => undefined): string {
    const dir = fs.mkdtempSync(path.join(base, 'case-'));
    fs.cpSync(path.join(base, 'k8s'), path.join(dir, 'k8s'), { recursive: true });
    fs.cpSync(path.join(base, 'tf'), path.join(dir, 'tf'), { recursive: true });
    const tf = JSON.parse(fs.readFileSync(path.join(dir, STACK), 'utf8'));
    edit(tf);
    fs.writeFileSync(path.join(dir, STACK), JSON.stringify(tf));
    return dir;
  }
  /** Rewrite one fleet's manifests and contract file in one cluster's directory of a copy made by `broken`. */
  function editFleet(dir: string, cluster: string, fleet: string, edit: (text: string) => string): void {
    const files = fs.readdirSync(path.join(dir, 'k8s', cluster)).filter(f => f.startsWith(`agent-trust-${fleet}-agents`))
      .map(f => path.join(dir, 'k8s', cluster, f));
    const contracts = path.join(dir, 'k8s', cluster, 'contracts');
    files.push(...fs.readdirSync(contracts).filter(f => f.startsWith(`${fleet}-agents.`)).map(f => path.join(contracts, f)));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    }
  }
  const inputs = (dir: string, names: string[] = CLUSTERS): VerifyClusterInput[] =>
    names.map(name => ({ name, kubernetesPath: path.join(dir, 'k8s', name) }));

  test('the example as synthesized has no findings', () => {
    const dir = broken();
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings).toEqual([]);
    expect(report.agents.sort()).toEqual(['diagnostics', 'triage']);
  });

  test('a role bound to the wrong cluster\'s mount: exactly vault-auth-mount, naming the moved role and the cluster', () => {
    let moved = '';
    const dir = broken(tf => {
      const roles = tf.resource.vault_kubernetes_auth_backend_role;
      const [id] = Object.entries<any>(roles).find(([, r]) => r.role_name === 'payments-agent-phase-read-only' && r.backend.includes('eu-1'))!;
      const [us] = Object.entries<any>(tf.resource.vault_auth_backend).find(([, m]) => m.path === 'kubernetes-payments-us-1')!;
      roles[id].backend = `\${vault_auth_backend.${us}.path}`;
      moved = id;
    });
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings.map(f => f.id)).toEqual(['vault-auth-mount']);
    expect(report.findings[0].object).toBe(`vault_kubernetes_auth_backend_role.${moved}`);
    expect(report.findings[0].message).toMatch(/backend is "kubernetes-payments-us-1" but the contract logs in at auth mount "kubernetes-payments-eu-1" \(cluster eu-1\)$/);
  });

  test('a policy path reaching another fleet\'s mount: exactly vault-policy-undeclared-path, once for all clusters', () => {
    const dir = broken(tf => {
      const p = Object.values<any>(tf.resource.vault_policy).find(x => x.name === 'payments-agent-phase-read-only');
      const doc = JSON.parse(p.policy);
      doc.path['agents-search/llm/data/read-only'] = { capabilities: ['read'] };
      p.policy = JSON.stringify(doc);
    });
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings.map(f => f.id)).toEqual(['vault-policy-undeclared-path']);
    expect(report.findings[0].message).toMatch(/"agents-search\/llm\/data\/read-only".*\(clusters eu-1, us-1, ap-1\)$/);
  });

  test('a missing cluster directory: exactly cluster-missing, one per mount of that cluster', () => {
    const dir = broken();
    const report = Verifier.verifyClusterPaths(inputs(dir, ['eu-1', 'us-1']), path.join(dir, 'tf'));
    expect([...new Set(report.findings.map(f => f.id))]).toEqual(['cluster-missing']);
    expect(report.findings.map(f => f.object).sort())
      .toEqual(['auth mount "jwt-payments-ap-1"', 'auth mount "jwt-search-ap-1"', 'auth mount "kubernetes-payments-ap-1"', 'auth mount "kubernetes-search-ap-1"']);
  });

  test('two clusters logging in through one mount: exactly cluster-auth-mount-shared', () => {
    const dir = broken();
    const clusters = [...inputs(dir), { name: 'eu-2', kubernetesPath: path.join(dir, 'k8s', 'eu-1') }];
    const report = Verifier.verifyClusterPaths(clusters, path.join(dir, 'tf'));
    expect([...new Set(report.findings.map(f => f.id))]).toEqual(['cluster-auth-mount-shared']);
    // Two contracts × (Kubernetes + JWT mount), each reported once, by the later cluster.
    expect(report.findings).toHaveLength(4);
    expect(report.findings[0].message).toMatch(/^cluster "eu-2" logs agent "\w+" in through Vault auth mount "(kubernetes|jwt)-\w+-eu-1", which cluster "eu-1" logs in through too/);
  });

  test('two fleets naming one Vault role (each on its own mounts): exactly vault-name-shared, once per shared role', () => {
    const dir = broken();
    // The search fleet's contracts rewritten to the payments fleet's role names, both sides consistent (roles renamed too).
    for (const c of CLUSTERS) {
      for (const file of fs.readdirSync(path.join(dir, 'k8s', c)).filter(f => f.startsWith('agent-trust-search-agents'))) {
        const p = path.join(dir, 'k8s', c, file);
        fs.writeFileSync(p, fs.readFileSync(p, 'utf8').split('search-agent-phase-').join('payments-agent-phase-'));
      }
      const cf = path.join(dir, 'k8s', c, 'contracts', 'search-agents.triage.contract.json');
      fs.writeFileSync(cf, fs.readFileSync(cf, 'utf8').split('search-agent-phase-').join('payments-agent-phase-'));
    }
    const stack = path.join(dir, STACK);
    fs.writeFileSync(stack, fs.readFileSync(stack, 'utf8').split('search-agent-phase-').join('payments-agent-phase-'));
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    // Roles are matched by (mount, name): each fleet's role on its own mount is checked against its own contract only.
    expect(report.findings.map(f => f.id)).toEqual(['vault-name-shared']);
    // The rendered phases: search renders shadow only (its ceiling), so shadow is the one role both fleets hold; payments'
    // read-only role is no identity of search's (it sits on payments' mounts), so search's read-only stays unrendered.
    expect(report.findings[0].object).toBe('vault role "payments-agent-phase-shadow"');
    expect(report.findings[0].message).toMatch(/of the fleets in namespaces "payments-agents", "search-agents"/);
    // One cluster's directory alone holds both fleets' contracts: the same single finding.
    expect(Verifier.verifyPaths(path.join(dir, 'k8s', 'eu-1'), path.join(dir, 'tf')).findings.map(f => [f.id, f.object]))
      .toEqual([['vault-name-shared', 'vault role "payments-agent-phase-shadow"']]);
  });

  test('a role on the contract\'s mount bound to another ServiceAccount, its namesakes on the other clusters\' mounts intact: exactly sa-vault-binding, for that mount', () => {
    let address = '';
    const dir = broken(tf => {
      const [id, role] = Object.entries<any>(tf.resource.vault_kubernetes_auth_backend_role)
        .find(([, r]) => r.role_name === 'payments-agent-phase-read-only' && r.backend.includes('us-1'))!;
      role.bound_service_account_names = ['agent-phase-shadow'];
      address = `vault_kubernetes_auth_backend_role.${id}`;
    });
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings.map(f => [f.id, f.object])).toEqual([['sa-vault-binding', address]]);
    expect(report.findings[0].message).toMatch(/^bound_service_account_names is \["agent-phase-shadow"\] but phase "read-only" runs as exactly \["agent-phase-read-only"\] \(cluster us-1\)$/);
  });

  test('a JWT role on the contract\'s JWT mount bound to another subject: exactly sa-vault-binding, for that mount', () => {
    let address = '';
    const dir = broken(tf => {
      const [id, role] = Object.entries<any>(tf.resource.vault_jwt_auth_backend_role)
        .find(([, r]) => r.role_name === 'search-agent-phase-shadow' && r.backend.includes('ap-1'))!;
      role.bound_claims = { sub: 'system:serviceaccount:payments-agents:agent-phase-shadow' };
      address = `vault_jwt_auth_backend_role.${id}`;
    });
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings.map(f => [f.id, f.object])).toEqual([['sa-vault-binding', address]]);
    expect(report.findings[0].message).toMatch(/"system:serviceaccount:search-agents:agent-phase-shadow" \(cluster ap-1\)$/);
  });

  test('a target namespace claimed by two fleets in one cluster: exactly target-namespace-shared, for that cluster and namespace', () => {
    const dir = broken();
    // The search team's eu-1 output rendered with payments' "ledger" in place of "indexer" (contract, Role and RoleBinding alike).
    editFleet(dir, 'eu-1', 'search', text => text.split('indexer').join('ledger'));
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings.map(f => [f.id, f.object])).toEqual([['target-namespace-shared', 'Namespace ledger']]);
    expect(report.findings[0].message).toMatch(/^target namespace "ledger" of cluster "eu-1" is claimed by the fleets in namespaces "payments-agents" and "search-agents"/);
    expect(report.findings[0].fix).toMatch(/give each target namespace of a cluster to one fleet/);
    // The cluster's directory alone (one output, two fleets): the same finding.
    const single = Verifier.verifyPaths(path.join(dir, 'k8s', 'eu-1'), path.join(dir, 'tf'));
    expect(single.findings.map(f => [f.id, f.object])).toEqual([['target-namespace-shared', 'Namespace ledger']]);
    expect(single.findings[0].message).toMatch(/^target namespace "ledger" is claimed by/);
  });

  test('target namespaces shared in two clusters: one target-namespace-shared per cluster and namespace', () => {
    const dir = broken();
    editFleet(dir, 'eu-1', 'search', text => text.split('indexer').join('ledger'));
    editFleet(dir, 'us-1', 'search', text => text.split('indexer').join('payments'));
    const report = Verifier.verifyClusterPaths(inputs(dir), path.join(dir, 'tf'));
    expect(report.findings.map(f => [f.id, f.object])).toEqual([
      ['target-namespace-shared', 'Namespace ledger'], ['target-namespace-shared', 'Namespace payments']]);
    expect(report.findings.map(f => /of cluster "([\w-]+)"/.exec(f.message)?.[1])).toEqual(['eu-1', 'us-1']);
  });

  test('another fleet\'s phase ServiceAccount bound in a fleet\'s target namespace: exactly target-namespace-shared', () => {
    const dir = broken();
    editFleet(dir, 'eu-1', 'search', text => (text.includes('kind: RoleBinding') ? `${text}---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: search-shadow-reads-payments
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: agent-phase-shadow.payments
subjects:
  - kind: ServiceAccount
    name: agent-phase-shadow
    namespace: search-agents
` : text));
    const report = Verifier.verifyPaths(path.join(dir, 'k8s', 'eu-1'), path.join(dir, 'tf'));
    expect(report.findings.map(f => [f.id, f.object])).toEqual([['target-namespace-shared', 'Namespace payments']]);
    expect(report.findings[0].message).toContain('"payments-agents" and "search-agents"');
  });

  test('each cluster directory alone against the stack verifies clean (two fleets in one output, roles of the other clusters beside)', () => {
    const dir = broken();
    for (const c of CLUSTERS) {
      expect({ c, findings: Verifier.verifyPaths(path.join(dir, 'k8s', c), path.join(dir, 'tf')).findings }).toEqual({ c, findings: [] });
    }
  });

  test('the CLI: --clusters <dir> and --cluster <name>=<dir>; a cluster left out is a finding (exit 1); bad flags are usage errors', () => {
    const dir = broken();
    const run = (...args: string[]): { status: number; out: string } => {
      try {
        return { status: 0, out: execFileSync(process.execPath, [CLI, 'verify', ...args], { encoding: 'utf8', stdio: 'pipe' }) };
      } catch (e: any) {
        return { status: e.status, out: `${e.stdout}${e.stderr}` };
      }
    };
    expect(run('--clusters', path.join(dir, 'k8s'), path.join(dir, 'tf'))).toEqual({ status: 0, out: expect.stringMatching(/^verified: no findings/) });
    const partial = run('--cluster', `eu-1=${path.join(dir, 'k8s', 'eu-1')}`, path.join(dir, 'tf'));
    expect(partial.status).toBe(1);
    expect(partial.out).toMatch(/ERROR cluster-missing auth mount "kubernetes-payments-us-1"/);
    expect(run('--clusters', path.join(dir, 'k8s'), path.join(dir, 'k8s'), path.join(dir, 'tf')).status).toBe(2);
    expect(run('--cluster', 'eu-1', path.join(dir, 'tf')).out).toMatch(/--cluster "eu-1" is not <name>=<dir>/);
    expect(run('--cluster', `eu-1=${path.join(dir, 'nowhere')}`, path.join(dir, 'tf')).status).toBe(3);
  });
});
