import * as fs from 'fs';
import { TerraformOutput, Verifier, VerifyOptions, VerifyReport } from '../../lib/check';
import { AgentTrustErrors } from '../../lib/model';
import { verifyCommand } from '../../bin/verify-command';
import { clone, obj, ParsedOutput, parseOutput, SynthDirs, synthDefaultWholeLadder, synthExample, wholeLadder, writeOutput } from './verify-fixture';
import { InputRules } from '../../lib/model/private/input-rules';

// The default example's output, synthesized once; the CLI test writes one edited copy.
let base: SynthDirs;
let parsed: ParsedOutput;
let edited: SynthDirs | undefined;
// The edits reach the higher phases too: the default example with every phase rendered (renderAllPhases).
beforeAll(() => { parsed = parseOutput(base = synthDefaultWholeLadder()); });
afterAll(() => [base, edited].forEach(d => d && fs.rmSync(d.root, { recursive: true, force: true })));

/** The default output, edited, verified in memory. */
function verifyEdited(edit: (out: ParsedOutput) => void, options?: VerifyOptions): VerifyReport {
  const out = clone(parsed);
  edit(out);
  return Verifier.verify(out.manifests, TerraformOutput.fromJson(out.terraform, base.stack), wholeLadder(options));
}

/** An egress rule to `cidr`, with the metadata range excepted as the library writes it (so only the rule under test fires). */
const rule = (cidr: string, port = 443, protocol = 'TCP'): any => ({
  to: [{ ipBlock: { cidr, ...(InputRules.ipv4Contains(cidr, '169.254.0.0/16') ? { except: ['169.254.0.0/16'] } : {}) } }],
  ports: [{ port, protocol }],
});
const addTo = (phase: string, ...rules: any[]) => (out: ParsedOutput): void => {
  obj(out, 'NetworkPolicy', `agent-phase-${phase}`).spec.egress.push(...rules);
};
const found = (r: VerifyReport): string[] => r.findings.map(f => `${f.id} ${f.object}`);

describe('egress-internet-wide', () => {
  test('the default example has none: its phases reach hostnames through the proxy', () => {
    expect(verifyEdited(() => undefined).findings).toEqual([]);
  });

  test('verify reports an internet-wide rule added to the read-only phase', () => {
    const report = verifyEdited(addTo('read-only', rule('0.0.0.0/0')));
    expect(found(report)).toEqual(['egress-internet-wide NetworkPolicy agents/agent-phase-read-only']);
    expect(report.findings[0].message).toContain('"0.0.0.0/0" is shorter than /8');
    expect(report.findings[0].fix).toContain('EgressTarget.hosts');
    expect(report.errorCount).toBe(1);
  });

  test('the top phase may hold it (a reviewed autonomy); every phase below may not', () => {
    expect(found(verifyEdited(addTo('autonomous', rule('0.0.0.0/0'))))).toEqual([]);
    for (const phase of ['shadow', 'read-only', 'limited-write']) {
      expect(found(verifyEdited(addTo(phase, rule('0.0.0.0/0'))))).toEqual([`egress-internet-wide NetworkPolicy agents/agent-phase-${phase}`]);
    }
  });

  test('::/0, the /1 halves and a rule without destinations count too', () => {
    const r = verifyEdited(addTo('shadow', rule('::/0'), rule('0.0.0.0/1'), rule('128.0.0.0/1'), { ports: [{ port: 443, protocol: 'TCP' }] }));
    expect(r.findings.filter(f => f.id === 'egress-internet-wide')).toHaveLength(4);
  });

  test('the prefix bound is an option: 10.0.0.0/8 passes at the default and fails at --min-egress-prefix 9', () => {
    expect(found(verifyEdited(addTo('read-only', rule('10.0.0.0/8'))))).toEqual([]);
    expect(found(verifyEdited(addTo('read-only', rule('10.0.0.0/8')), { minEgressPrefixLength: 9 })))
      .toEqual(['egress-internet-wide NetworkPolicy agents/agent-phase-read-only']);
    expect(() => verifyEdited(() => undefined, { minEgressPrefixLength: 0 })).toThrow('minEgressPrefixLength');
  });

  test('a policy selecting a phase by expression is read like the phase\'s own', () => {
    const report = verifyEdited(out => {
      out.manifests.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'extra', namespace: 'agents' },
        spec: { podSelector: { matchExpressions: [{ key: 'trust-phase', operator: 'In', values: ['read-only', 'autonomous'] }] },
          policyTypes: ['Egress'], egress: [rule('0.0.0.0/0')] } });
    });
    expect(found(report)).toEqual(['egress-internet-wide NetworkPolicy agents/extra']);
    expect(report.findings[0].message).toContain('phase "read-only"');
  });
});

describe('egress-dns-wide', () => {
  test('DNS to every pod of every namespace, to a resolver block, or anything on every port is wider than the DNS pods', () => {
    const report = verifyEdited(addTo('shadow',
      { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] },
      rule('1.1.1.0/24', 53, 'UDP'),
      { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }));
    expect(report.findings.map(f => f.id)).toEqual(['egress-dns-wide', 'egress-dns-wide', 'egress-dns-wide']);
    expect(report.findings[2].message).toContain('"10.0.0.0/8"');
  });

  test('a NodeLocal DNSCache address (one link-local address, port 53 only) is neither wide DNS nor metadata', () => {
    expect(found(verifyEdited(addTo('shadow', rule('169.254.20.10/32', 53, 'UDP'))))).toEqual([]);
    // The same address on another port is the metadata range.
    expect(found(verifyEdited(addTo('autonomous', rule('169.254.20.10/32', 80))))).toEqual(['egress-metadata NetworkPolicy agents/agent-phase-autonomous']);
  });
});

describe('suppressions: lifted only by name, with a reason', () => {
  const edit = addTo('read-only', rule('0.0.0.0/0'));

  test('a suppression of the rule lists the finding as suppressed with its reason and clears the error', () => {
    const reason = 'reviewed 2026-11-28 by security: read-only needs the vendor mirror until ticket SEC-42';
    // Verified without the whole-ladder fixture's own suppression, so only this one is listed (its warnings stay findings).
    const out = clone(parsed);
    edit(out);
    const report = Verifier.verify(out.manifests, TerraformOutput.fromJson(out.terraform, base.stack), { suppressions: [{ id: 'egress-internet-wide', reason }] });
    expect(report.findings.map(f => f.id)).toEqual(['identities-above-ceiling', 'identities-above-ceiling']);
    expect(report.errorCount).toBe(0);
    expect(report.suppressed).toEqual([{ id: 'egress-internet-wide', object: 'NetworkPolicy agents/agent-phase-read-only', message: expect.any(String), reason }]);
    expect(Verifier.formatText(report)).toContain(`SUPPRESSED egress-internet-wide NetworkPolicy agents/agent-phase-read-only: `);
    expect(Verifier.formatText(report)).toContain(`Reason: ${reason}`);
    expect(Verifier.formatText(report)).toContain('1 suppressed');
    expect(Verifier.toJson(report).suppressed).toHaveLength(1);
  });

  test('a suppression scoped to another object, or to another rule, lifts nothing', () => {
    for (const s of [{ id: 'egress-internet-wide', appliesTo: ['NetworkPolicy agents/agent-phase-shadow'], reason: 'r' },
      { id: 'egress-dns-wide', reason: 'r' }]) {
      expect(found(verifyEdited(edit, { suppressions: [s] }))).toEqual(['egress-internet-wide NetworkPolicy agents/agent-phase-read-only']);
    }
    expect(verifyEdited(edit, { suppressions: [{ id: 'egress-internet-wide', appliesTo: ['NetworkPolicy agents/agent-phase-read-only'], reason: 'r' }] })
      .findings).toEqual([]);
  });

  test('a suppression without a reason, or of an unknown rule, is refused before anything is checked', () => {
    let problems: any[] = [];
    try {
      verifyEdited(edit, { suppressions: [{ id: 'egress-internet-wide', reason: ' ' }, { id: 'egress-wide', reason: 'x' }] });
    } catch (e) {
      problems = AgentTrustErrors.problemsOf(e);
    }
    expect(problems.map(p => `${p.field} ${p.message}`)).toEqual(['suppressions[0].reason is empty: accepting a finding needs a reason', 'suppressions[1].id is not a verify rule id']);
  });

  test('CLI: --suppress "<rule-id>[@<object>]=<reason>"; a missing reason or unknown id is a usage error', () => {
    const out = clone(parsed);
    edit(out);
    const dirs = edited = writeOutput(out, base.stack);
    const run = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
      let stdout = '';
      let stderr = '';
      try {
        return { code: verifyCommand.run([dirs.k8sDir, dirs.tfDir, ...args], { out: t => { stdout += t; }, err: t => { stderr += t; } }), stdout, stderr };
      } catch (e: any) {
        return { code: e.exitCode ?? null, stdout, stderr: (e.lines ?? [String(e)]).join('\n') };
      }
    };
    expect(run().code).toBe(1);
    const ok = run('--suppress', 'egress-internet-wide@NetworkPolicy agents/agent-phase-read-only=reviewed: vendor mirror');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('SUPPRESSED egress-internet-wide NetworkPolicy agents/agent-phase-read-only');
    expect(run('--suppress', 'egress-internet-wide').stderr).toContain('with a reason');
    expect(run('--suppress', 'egress-internet-wide=').stderr).toContain('with a reason');
    expect(run('--suppress', 'nope=x').stderr).toContain('"nope" is not a rule id that can be suppressed');
    expect(run('--min-egress-prefix', '40').stderr).toContain('is not a prefix length from 1 to 32');
  });
});

describe('egress-hostnames-unenforced: the enforcement allows exactly the contract\'s hostnames', () => {
  const allowlist = (out: ParsedOutput): any => obj(out, 'ConfigMap', 'agents-egress-allowlist', 'egress-proxy');

  test('an allow-all line in squid.conf, a name moved to a lower phase\'s ACL, a name dropped', () => {
    const report = verifyEdited(out => {
      const cm = allowlist(out);
      cm.data['squid.conf'] = cm.data['squid.conf']
        .replace('http_access deny all', 'http_access allow all\nhttp_access deny all')
        .replace('acl hosts_shadow_443 dstdomain -n api.openai.com', 'acl hosts_shadow_443 dstdomain -n api.openai.com ec2.eu-west-1.amazonaws.com');
      cm.data['autonomous.hosts'] = cm.data['autonomous.hosts'].replace('api.openai.com:443/TCP\n', '');
    });
    expect(report.findings.map(f => [f.id, f.object, f.message])).toEqual([
      ['egress-hostnames-unenforced', 'ConfigMap egress-proxy/agents-egress-allowlist',
        'squid.conf has an access rule the allowlist format does not produce: http_access allow all'],
      ['egress-hostnames-unenforced', 'ConfigMap egress-proxy/agents-egress-allowlist squid.conf phase shadow',
        expect.stringContaining('allows "ec2.eu-west-1.amazonaws.com:443/TCP", which the launcher contract does not grant')],
      ['egress-hostnames-unenforced', 'ConfigMap egress-proxy/agents-egress-allowlist autonomous.hosts',
        expect.stringContaining('does not allow "api.openai.com:443/TCP", which the launcher contract grants')],
    ]);
  });

  test('the allowlist missing is a finding; a wildcard read back from its regex matches the contract', () => {
    expect(found(verifyEdited(out => { out.manifests = out.manifests.filter(m => m.metadata?.name !== 'agents-egress-allowlist'); })))
      .toEqual(['egress-hostnames-unenforced ConfigMap agents/diagnostics-launcher-contract']);
    // The untouched output has *.s3… as a dstdom_regex and verifies clean (first test of this file): the regex reads back as the wildcard.
  });

  test('Cilium: a name added to a phase\'s toFQDNs is a finding; the example is clean', () => {
    const dirs = synthExample('custom-ladder');
    try {
      const out = parseOutput(dirs);
      const tf = TerraformOutput.fromJson(out.terraform, dirs.stack);
      expect(Verifier.verify(out.manifests, tf).findings).toEqual([]);
      const cnp = obj(out, 'CiliumNetworkPolicy', 'agent-phase-observe-fqdn', 'ledger-agents');
      cnp.spec.egress[1].toFQDNs.push({ matchPattern: '*.example.com' });
      expect(Verifier.verify(out.manifests, tf).findings.map(f => [f.id, f.object, f.message])).toEqual([[
        'egress-hostnames-unenforced', 'Namespace ledger-agents phase observe (CiliumNetworkPolicy toFQDNs)',
        expect.stringContaining('allows "*.example.com:443/TCP", which the launcher contract does not grant'),
      ]]);
    } finally {
      fs.rmSync(dirs.root, { recursive: true, force: true });
    }
  });
});
