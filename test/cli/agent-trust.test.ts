import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { defaultChart } from '../../examples/default/k8s';
import { compileCli, removeCompiled } from './compile';

const { Job } = require('kubernetes-models/batch/v1/Job');

const FIXTURE = path.join(__dirname, '..', 'launcher', 'fixtures', 'diagnostics-contract.json');

let compiled: string;
let work: string;
let dist: string;

interface Run { code: number | null; stdout: string; stderr: string }

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [path.join(compiled, 'bin', 'agent-trust.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function evidence(name: string, obj: any): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return file;
}

const GOOD = {
  agent: 'diagnostics', currentPhase: 'read-only', investigations: 60, successRate: 0.93, policyViolations: 0,
  daysInPhase: 15, approvals: [{ approver: 'alice', approvedAt: '2026-11-20T10:00:00Z' }, { approver: 'bob' }],
};

beforeAll(() => {
  compiled = compileCli();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-cli-'));
  // A synth output folder like `cdk8s synth` writes for the default example.
  dist = path.join(work, 'dist');
  fs.mkdirSync(dist);
  const manifests = Testing.synth(defaultChart(Testing.app()));
  fs.writeFileSync(path.join(dist, 'agent-trust.k8s.yaml'), manifests.map(m => YAML.stringify(m)).join('---\n'));
});

afterAll(() => {
  removeCompiled(compiled);
  fs.rmSync(work, { recursive: true, force: true });
});

describe('agent-trust (compiled, spawned with node)', () => {
  test('the entry point is an executable node script', () => {
    expect(fs.readFileSync(path.join(compiled, 'bin', 'agent-trust.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  describe('help', () => {
    test('--help lists the commands and the exit codes', () => {
      const r = cli('--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: agent-trust <command> [flags]');
      for (const name of ['render', 'promote-check', 'report']) {
        expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
      }
      expect(r.stdout).toContain('  2  usage error');
      expect(r.stdout).toContain('  3  input unreadable or invalid');
    });

    test.each(['render', 'promote-check', 'report'])('%s --help', name => {
      const r = cli(name, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: agent-trust ${name} `);
      expect(r.stdout).toContain('Exit codes:');
    });

    test('no command and an unknown command are usage errors', () => {
      const none = cli();
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('Usage: agent-trust');
      const unknown = cli('frobnicate', 'dist');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/^agent-trust: unknown command "frobnicate"; commands: render, promote-check, report(, [a-z-]+)*\n$/);
    });
  });

  describe('render', () => {
    test('prints a YAML Job from a synth output folder, valid for the Kubernetes schema', () => {
      const r = cli('render', '--contract', dist, '--agent', 'diagnostics', '--id', 'inv-20261125-1', '--phase', 'read-only');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const docs = YAML.parseAllDocuments(r.stdout);
      expect(docs).toHaveLength(1);
      const job = docs[0].toJS();
      expect(() => new Job(job).validate()).not.toThrow();
      expect(job.metadata.name).toBe('investigation-inv-20261125-1');
      expect(job.metadata.namespace).toBe('agents');
      expect(job.metadata.labels['trust-phase']).toBe('read-only');
      expect(job.spec.template.metadata.labels['investigation-id']).toBe('inv-20261125-1');
      expect(job.spec.template.spec.serviceAccountName).toBe('agent-phase-read-only');
    });

    test('prints JSON with --output json, from a contract file', () => {
      const r = cli('render', '--contract', FIXTURE, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'shadow', '--output', 'json');
      expect(r.code).toBe(0);
      const job = JSON.parse(r.stdout);
      expect(() => new Job(job).validate()).not.toThrow();
      expect(job.spec.template.spec.serviceAccountName).toBe('agent-phase-shadow');
    });

    test('a bad id is refused: exit 1, the code and the value on stderr, nothing on stdout', () => {
      const r = cli('render', '--contract', dist, '--agent', 'diagnostics', '--id', 'INV_1', '--phase', 'shadow');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^agent-trust render: refused \(INVALID_ID\): .*investigationId "INV_1" is not a lowercase RFC 1123 label/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });

    test('a phase above the ceiling is refused', () => {
      const r = cli('render', '--contract', dist, '--agent', 'diagnostics', '--id', 'inv-1', '--phase', 'autonomous');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('refused (ABOVE_CEILING): cannot render the investigation Job: phase "autonomous" is above the ceiling "read-only"');
    });

    test('usage errors: every missing flag, an unknown flag, a bad --output', () => {
      const missing = cli('render', '--contract', dist);
      expect(missing.code).toBe(2);
      expect(missing.stderr.split('\n').filter(Boolean)).toEqual([
        'agent-trust render: missing required flag --agent',
        'agent-trust render: missing required flag --id',
        'agent-trust render: missing required flag --phase',
        'agent-trust render: run `agent-trust render --help` for the flags',
      ]);
      const unknown = cli('render', '--template', 'x');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown option '--template'");
      const output = cli('render', '--contract', dist, '--agent', 'diagnostics', '--id', 'a', '--phase', 'shadow', '--output', 'xml');
      expect(output.code).toBe(2);
      expect(output.stderr).toBe('agent-trust render: --output "xml" is not one of: yaml, json\n');
    });

    test('input errors: missing folder, unknown agent (listing those found)', () => {
      const none = cli('render', '--contract', path.join(work, 'nope'), '--agent', 'diagnostics', '--id', 'a', '--phase', 'shadow');
      expect(none.code).toBe(3);
      expect(none.stderr).toContain('file = ');
      expect(none.stderr).toContain('cannot be read (ENOENT)');
      const agent = cli('render', '--contract', dist, '--agent', 'billing', '--id', 'a', '--phase', 'shadow');
      expect(agent.code).toBe(3);
      expect(agent.stderr).toContain(`agent-trust render: ${dist}: agent = "billing": has no launcher contract here; found: diagnostics.`);
    });

    test('an invalid contract is refused with one line per problem', () => {
      const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
      doc.apiVersion = 'agent-trust.io/v9';
      doc.ceiling = 'root';
      const file = evidence('bad-contract.json', doc);
      const r = cli('render', '--contract', file, '--agent', 'diagnostics', '--id', 'a', '--phase', 'shadow');
      expect(r.code).toBe(3);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain('apiVersion = "agent-trust.io/v9": is not supported: this library reads "agent-trust.io/v1alpha1" only');
      expect(lines[1]).toContain('ceiling = "root": is not one of the phases');
    });
  });

  describe('promote-check', () => {
    test('eligible evidence: exit 0', () => {
      const r = cli('promote-check', '--evidence', evidence('good.json', GOOD), '--agent', 'diagnostics', '--to', 'limited-write');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('diagnostics: read-only → limited-write: ELIGIBLE\n');
    });

    test('not eligible: exit 1 and every unmet criterion', () => {
      const file = evidence('weak.json', { ...GOOD, investigations: 10, daysInPhase: 2, approvals: [{ approver: 'alice' }, { approver: 'alice' }] });
      const r = cli('promote-check', '--evidence', file, '--agent', 'diagnostics', '--to', 'limited-write');
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual([
        'diagnostics: read-only → limited-write: NOT ELIGIBLE',
        '  unmet minInvestigations: required ≥ 50, observed 10 — 10 investigations in "read-only", 50 required',
        '  unmet minDays: required ≥ 14, observed 2 — 2 day(s) in "read-only", 14 required',
        '  unmet requiredApprovals: required ≥ 2 distinct approver(s), observed 1 (alice) — 1 distinct approver(s), 2 required',
      ]);
    });

    test('--from must match the phase the evidence was collected in', () => {
      const r = cli('promote-check', '--evidence', evidence('from.json', GOOD), '--agent', 'diagnostics', '--to', 'read-only', '--from', 'shadow');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('diagnostics: shadow → read-only: NOT ELIGIBLE');
      expect(r.stdout).toContain('unmet evidence: required evidence collected in "shadow", observed "read-only"');
    });

    test('--format json prints the decision', () => {
      const r = cli('promote-check', '--evidence', evidence('skip.json', GOOD), '--agent', 'diagnostics', '--to', 'autonomous', '--format', 'json');
      expect(r.code).toBe(1);
      const d = JSON.parse(r.stdout);
      expect(d.eligible).toBe(false);
      expect(d.unmet).toEqual([expect.objectContaining({ criterion: 'step', observed: '"autonomous"' })]);
    });

    test('with --contract, the contract\'s criteria apply', () => {
      const r = cli('promote-check', '--evidence', evidence('good2.json', GOOD), '--agent', 'diagnostics', '--to', 'limited-write', '--contract', FIXTURE);
      expect(r.code).toBe(0);
      // Eligible is not applied: the phase above the ceiling has no identities until the ceiling is raised and re-synthesized.
      expect(r.stderr).toBe('note: "limited-write" is above the ceiling "read-only" of "diagnostics": to promote, raise the agent\'s ceiling to "limited-write" '
        + 'in the fleet and re-synthesize (then apply both outputs); phases above every agent\'s ceiling have no ServiceAccount, RBAC, NetworkPolicy or Vault role and policy until then\n');
      const strict = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
      strict.phases[2].promotion.minInvestigations = 100;
      const s = cli('promote-check', '--evidence', evidence('good3.json', GOOD), '--agent', 'diagnostics', '--to', 'limited-write',
        '--contract', evidence('strict-contract.json', strict));
      expect(s.code).toBe(1);
      expect(s.stdout).toContain('unmet minInvestigations: required ≥ 100, observed 60');
    });

    test('a contract without criteria refuses and says why', () => {
      const bare = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
      bare.phases.forEach((p: any) => delete p.promotion);
      const r = cli('promote-check', '--evidence', evidence('good4.json', GOOD), '--agent', 'diagnostics', '--to', 'limited-write',
        '--contract', evidence('bare-contract.json', bare));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('unmet step: required promotion criteria for "limited-write", observed none');
      expect(r.stderr).toContain('hint: the contract of "diagnostics" declares no promotion criteria; regenerate it with criteria, '
        + 'or omit --contract to apply the standard ladder\'s');
    });

    test('a contract whose ceiling differs from the evidence phase gets a warning', () => {
      const r = cli('promote-check', '--evidence', evidence('shadow.json', { ...GOOD, currentPhase: 'shadow', investigations: 30, daysInPhase: 8 }),
        '--agent', 'diagnostics', '--to', 'read-only', '--contract', FIXTURE);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('warning: the contract\'s ceiling is "read-only" but the evidence was collected in "shadow"\n');
    });

    test('errors: invalid evidence (3), another agent\'s evidence (3), unknown phase (2), unparsable file (3)', () => {
      const bad = cli('promote-check', '--evidence', evidence('bad.json', { ...GOOD, successRate: 93 }), '--agent', 'diagnostics', '--to', 'limited-write');
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('successRate = 93: must be a share between 0 and 1. Fix: write 93 % as 0.93');
      const other = cli('promote-check', '--evidence', evidence('other.json', GOOD), '--agent', 'capacity', '--to', 'limited-write');
      expect(other.code).toBe(3);
      expect(other.stderr).toContain('agent = "diagnostics" is not --agent "capacity"');
      const phase = cli('promote-check', '--evidence', evidence('good5.json', GOOD), '--agent', 'diagnostics', '--to', 'root');
      expect(phase.code).toBe(2);
      expect(phase.stderr).toContain('toPhase = "root": is not a phase of this ladder');
      const garbage = cli('promote-check', '--evidence', evidence('garbage.json', '{"agent": '), '--agent', 'diagnostics', '--to', 'limited-write');
      expect(garbage.code).toBe(3);
      expect(garbage.stderr).toContain('is not valid JSON');
    });
  });

  describe('report', () => {
    test('prints the Markdown of every promotion step of the synth output', () => {
      const r = cli('report', '--contract', dist);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^# Trust promotion review: agent `diagnostics`\n/);
      expect(r.stdout).toContain('## `shadow` → `read-only`');
      expect(r.stdout).toContain('## `read-only` → `limited-write`');
      expect(r.stdout).toContain('## `limited-write` → `autonomous`');
      // The default output renders identities up to the ceiling read-only: the verbs of the steps above it need a re-synth.
      expect(r.stdout).toContain('| `payments` | `core/pods/log` | get, list, watch |');
      expect(r.stdout).toContain('_Not in this output: `limited-write` is above every agent\'s ceiling');
      expect(r.stdout).toContain('- `agents/database/creds/limited-write`');
      expect(r.stdout).toContain('### Sign-off');
    });

    test('--from/--to selects one step; unknown phases are usage errors', () => {
      const r = cli('report', '--contract', dist, '--agent', 'diagnostics', '--from', 'read-only');
      expect(r.code).toBe(0);
      expect(r.stdout.match(/^## /gm)).toHaveLength(1);
      expect(r.stdout).toContain('## `read-only` → `limited-write`');
      const bad = cli('report', '--contract', dist, '--to', 'root');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('toPhase = "root": is not a phase of agent "diagnostics"');
    });

    test('a folder without RBAC objects: the report is printed with warnings and exit 1', () => {
      const bare = path.join(work, 'bare');
      fs.mkdirSync(bare);
      fs.copyFileSync(FIXTURE, path.join(bare, 'contract.json'));
      const r = cli('report', '--contract', bare, '--to', 'read-only');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('> **Warnings**');
      expect(r.stderr).toContain('warning: no RBAC grant reaches ServiceAccount agents/agent-phase-shadow');
    });
  });
});
