import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Verifier, VerifySeverity } from '../../lib/check';
import { JobRenderer, LauncherContractLoader } from '../../lib/launcher';
import { validateManifest } from '../helpers/k8s-schema';
import { mermaidBlock, parseFlowcharts } from '../helpers/mermaid';

const ROOT = path.join(__dirname, '..', '..');
const CLUSTERS = ['eu-1', 'us-1', 'ap-1'];
const TEAMS = ['payments', 'search'];

/** The example run as a user runs it (`npm test` builds first): one k8s output directory per cluster, one Terraform stack. */
describe('example multi-cluster: two teams × three clusters on one Vault', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'example-multi-cluster-'));
  const k8sDir = path.join(out, 'k8s');
  const tfDir = path.join(out, 'tf');
  let terraform: any;
  const manifestsOf = (cluster: string): any[] => fs.readdirSync(path.join(k8sDir, cluster)).filter(f => f.endsWith('.yaml'))
    .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(k8sDir, cluster, f), 'utf8')).map(d => d.toJSON())).filter(m => m);
  beforeAll(() => {
    const env = { ...process.env, CDK8S_OUTDIR: k8sDir, CDKTF_OUTDIR: tfDir };
    execFileSync(process.execPath, [path.join(ROOT, 'build/examples/multi-cluster/k8s.js')], { env, cwd: ROOT });
    execFileSync(process.execPath, [path.join(ROOT, 'build/examples/multi-cluster/vault.js')], { env, cwd: ROOT });
    terraform = JSON.parse(fs.readFileSync(path.join(tfDir, 'stacks', 'agent-trust-multi-cluster-vault', 'cdk.tf.json'), 'utf8'));
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const all = (type: string): any[] => Object.values(terraform.resource[type] ?? {});

  test('one output directory per cluster, each with its manifests and contracts', () => {
    expect(fs.readdirSync(k8sDir).sort()).toEqual([...CLUSTERS].sort());
    for (const c of CLUSTERS) {
      expect(fs.readdirSync(path.join(k8sDir, c, 'contracts')).sort())
        .toEqual(['payments-agents.diagnostics.contract.json', 'search-agents.triage.contract.json']);
    }
  });

  test('every Kubernetes object of every cluster validates against its schema; no Secret', () => {
    for (const c of CLUSTERS) {
      const manifests = manifestsOf(c);
      expect(manifests.length).toBeGreaterThan(20);
      for (const m of manifests) {
        expect(() => validateManifest(m)).not.toThrow();
      }
      expect(manifests.filter(m => m.kind === 'Secret')).toEqual([]);
    }
  });

  test('zero Vault name collisions: distinct policies, mounts and (mount, role) pairs', () => {
    const policies = all('vault_policy').map(p => p.name);
    // Up to each fleet's highest ceiling: payments read-only (2 phases), search shadow (1).
    expect(policies).toHaveLength(3);
    expect(new Set(policies).size).toBe(policies.length);
    const mounts = [...all('vault_auth_backend'), ...all('vault_jwt_auth_backend'), ...all('vault_mount'),
      ...all('vault_database_secrets_mount')].map(m => m.path);
    expect(new Set(mounts).size).toBe(mounts.length);
    expect(all('vault_auth_backend').map(m => m.path).sort())
      .toEqual(TEAMS.flatMap(t => CLUSTERS.map(c => `kubernetes-${t}-${c}`)).sort());
    expect(all('vault_jwt_auth_backend').map(m => m.path).sort()).toEqual(TEAMS.flatMap(t => CLUSTERS.map(c => `jwt-${t}-${c}`)).sort());
    const secrets = Object.values<any>(terraform.variable).filter(v => /token_reviewer_jwt/.test(v.description ?? '') || v.sensitive);
    expect(Object.keys(terraform.variable).filter(k => k.endsWith('_token_reviewer_jwt'))).toHaveLength(6);
    expect(secrets.every(v => v.sensitive === true)).toBe(true);
  });

  test('each cluster\'s contract sends agents to that cluster\'s mounts, and its Jobs validate', () => {
    for (const c of CLUSTERS) {
      const contracts = LauncherContractLoader.fromManifests(manifestsOf(c));
      expect(contracts).toHaveLength(2);
      for (const contract of contracts) {
        const team = contract.namespace.replace(/-agents$/, '');
        for (const phase of contract.phases) {
          expect(phase.vaultAuthMount).toBe(`kubernetes-${team}-${c}`);
          expect(phase.vaultJwtAuthMount).toBe(`jwt-${team}-${c}`);
          expect(phase.vaultRole).toBe(`${team}-agent-phase-${phase.name}`);
          expect(phase.serviceAccount).toBe(`agent-phase-${phase.name}`);
        }
        const renderer = new JobRenderer(contract);
        for (const phase of renderer.allowedPhases) {
          const job = renderer.render({ investigationId: 'inc-1', phase });
          expect(() => validateManifest(job)).not.toThrow();
          expect(job.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'VAULT_AUTH_MOUNT', value: `jwt-${team}-${c}` }]));
        }
      }
    }
  });

  test('each cluster has only its own targets', () => {
    const roleNamespaces = (c: string): string[] => [...new Set(manifestsOf(c).filter(m => m.kind === 'Role').map(m => m.metadata.namespace))].sort();
    expect(roleNamespaces('eu-1')).toEqual(expect.arrayContaining(['indexer', 'ledger', 'payments', 'search']));
    expect(roleNamespaces('ap-1')).not.toContain('ledger');
    expect(roleNamespaces('ap-1')).not.toContain('indexer');
  });

  test('agent-trust verify of every cluster directory against the one stack finds nothing', () => {
    for (const c of CLUSTERS) {
      const report = Verifier.verifyPaths(path.join(k8sDir, c), tfDir);
      expect({ c, findings: report.findings.filter(f => f.severity === VerifySeverity.ERROR.value).map(f => `${f.id} ${f.object}: ${f.message}`) })
        .toEqual({ c, findings: [] });
      expect(report.agents.sort()).toEqual(['diagnostics', 'triage']);
    }
  });

  test('the README diagram parses with mermaid\'s grammar and shows one mount per team and cluster, each used by that cluster only', () => {
    const [chart] = parseFlowcharts([mermaidBlock(fs.readFileSync(path.join(ROOT, 'examples/multi-cluster/README.md'), 'utf8'))]);
    expect(chart.error).toBeUndefined();
    const mounts = chart.vertices!.filter(v => v.text.startsWith('kubernetes-')).map(v => v.text).sort();
    expect(mounts).toEqual(TEAMS.flatMap(t => CLUSTERS.map(c => `kubernetes-${t}-${c}`)).sort());
    for (const e of chart.edges!.filter(x => /^k_/.test(x.end))) {
      const cluster = e.text.split(' ')[0];
      expect(chart.vertices!.find(v => v.id === e.end)!.text).toMatch(new RegExp(`-${cluster}$`));
    }
  });
});
