import { Testing } from 'cdk8s';
import { defaultFleetProps } from '../../examples/default/fleet';
import { defaultChart } from '../../examples/default/k8s';
import { AgentFleet } from '../../lib/model';
import { PhaseDeltaReport } from '../../lib/check/phase-delta-report';
import { LauncherContractLoader } from '../../lib/launcher';
import { contractFixture } from '../launcher/fixtures';
import { problemsOf } from '../helpers/problems';

// GIVEN the synthesized default example with every phase rendered (RBAC objects) and a contract with promotion criteria
const manifests = Testing.synth(defaultChart(Testing.app(), new AgentFleet({ ...defaultFleetProps(), renderAllPhases: true })));
const synthesized = LauncherContractLoader.fromObjects(manifests, 'default example', 'diagnostics');
const doc = contractFixture();

function errorOf(fn: () => unknown): string[] {
  return problemsOf(fn).map(p => `${p.field}=${p.value}: ${p.message}`);
}

describe('PhaseDeltaReport', () => {
  const report = PhaseDeltaReport.compute(doc, manifests, { source: 'dist/' });

  test('on the default output (identities only up to the ceiling) the steps above it say to raise the ceiling, with no warning', () => {
    const shipped = PhaseDeltaReport.compute(doc, Testing.synth(defaultChart(Testing.app())));
    expect(shipped.warnings).toEqual([]);
    expect(shipped.deltas.map(d => d.unrendered)).toEqual([false, true, true]);
    expect(shipped.deltas[0].addedPermissions.length).toBeGreaterThan(0);
    expect(shipped.deltas[1].addedPermissions).toEqual([]);
    // The Vault paths still come from the contract, which lists the whole ladder.
    expect(shipped.deltas[1].addedVaultPaths.length).toBeGreaterThan(0);
    const md = shipped.toMarkdown();
    expect(md).toContain('_Not in this output: `limited-write` is above every agent\'s ceiling, so the fleet renders no ServiceAccount, RBAC, NetworkPolicy or Vault role for it. '
      + 'Raise the ceiling of `diagnostics` to `limited-write`, re-synthesize');
    expect(md).toContain('+ RBAC: not rendered (raise the ceiling)');
    // A phase above the ceiling whose RBAC exists is reported as usual (renderAllPhases).
    expect(report.deltas.map(d => d.unrendered)).toEqual([false, false, false]);
  });

  test('one delta per step, with no warnings for a monotonic, complete output', () => {
    expect(report.deltas.map(d => `${d.fromPhase}→${d.toPhase}`)).toEqual(['shadow→read-only', 'read-only→limited-write', 'limited-write→autonomous']);
    expect(report.warnings).toEqual([]);
    expect(report.deltas.every(d => d.removedPermissions.length === 0 && d.removedVaultPaths.length === 0)).toBe(true);
    expect(report.deltas.map(d => d.raisesCeiling)).toEqual([false, true, true]);
    expect(report.contractDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('Kubernetes verbs added per namespace and resource come from the synthesized RBAC', () => {
    const [toRead, toLimited, toAuto] = report.deltas;
    // read-only adds cluster-wide node reads and namespaced reads in both target namespaces
    expect(toRead.addedPermissions).toEqual(expect.arrayContaining([
      { scope: '(cluster)', resource: 'core/nodes', verbs: ['get', 'list', 'watch'] },
      { scope: 'payments', resource: 'core/pods/log', verbs: ['get', 'list', 'watch'] },
      { scope: 'checkout', resource: 'apps/deployments', verbs: ['get', 'list', 'watch'] },
    ]));
    expect(toRead.addedPermissions.some(p => p.resource === 'core/pods' && p.verbs.includes('get'))).toBe(false);
    expect(toLimited.addedPermissions).toEqual([
      { scope: 'checkout', resource: 'apps/deployments/scale', verbs: ['get', 'patch'] },
      { scope: 'checkout', resource: 'apps/statefulsets/scale', verbs: ['get', 'patch'] },
      { scope: 'checkout', resource: 'core/pods', verbs: ['delete'] },
      { scope: 'payments', resource: 'apps/deployments/scale', verbs: ['get', 'patch'] },
      { scope: 'payments', resource: 'apps/statefulsets/scale', verbs: ['get', 'patch'] },
      { scope: 'payments', resource: 'core/pods', verbs: ['delete'] },
    ]);
    expect(toAuto.addedPermissions.filter(p => p.scope === 'payments')).toEqual([
      { scope: 'payments', resource: 'autoscaling/horizontalpodautoscalers', verbs: ['create', 'patch'] },
    ]);
  });

  test('Vault paths, egress, criteria and triggers come from the contract', () => {
    const [toRead, toLimited, toAuto] = report.deltas;
    expect(toRead.addedVaultPaths).toEqual(['agents/application/creds/read-only', 'agents/cloud/sts/read-only',
      'agents/database/creds/read-only', 'agents/network/sign/read-only']);
    expect(toRead.addedEgress).toEqual(expect.arrayContaining(['10.30.0.0/16:5432/TCP']));
    expect(toLimited.addedEgress).toEqual([]);
    expect(toLimited.criteria).toEqual({ minInvestigations: 50, minSuccessRate: 0.9, maxPolicyViolations: 0, minDays: 14, requiredApprovals: 2 });
    expect(toAuto.demotionTriggers).toEqual(['policy-violation', 'security-incident', 'success-rate-drop']);
  });

  test('Markdown for the reviewer (snapshot and content)', () => {
    const md = report.toMarkdown();
    expect(md).toContain('| `payments` | `core/pods` | delete |');
    expect(md).toContain('| cluster-wide | `core/nodes` | get, list, watch |');
    expect(md).toContain('| Distinct human approvals | ≥ 2 |');
    expect(md).toContain('- `success-rate-drop` — the success rate fell below the promotion threshold of the current phase');
    expect(md).toContain(`Contract SHA-256 reviewed: \`${report.contractDigest}\``);
    expect(md).toContain('This step is in effect; signing confirms that what `read-only` grants was reviewed.');
    expect(md).toContain('Approving raises the ceiling of `diagnostics` to `limited-write`');
    expect(md).toMatchSnapshot();
  });

  test('a single step with --from/--to spanning two phases reports the cumulative delta', () => {
    const r = PhaseDeltaReport.compute(doc, manifests, { fromPhase: 'shadow', toPhase: 'limited-write' });
    expect(r.deltas).toHaveLength(1);
    expect(r.deltas[0].addedPermissions).toEqual(expect.arrayContaining([
      { scope: 'payments', resource: 'core/pods', verbs: ['delete'] },
      { scope: '(cluster)', resource: 'core/nodes', verbs: ['get', 'list', 'watch'] },
    ]));
    expect(PhaseDeltaReport.compute(doc, manifests, { toPhase: 'read-only' }).deltas[0].fromPhase).toBe('shadow');
  });

  test('credentials outlive a finished investigation by at most token_ttl: stated, computed and explained', () => {
    const real = PhaseDeltaReport.compute(synthesized, manifests);
    expect(real.credentialOverhangSeconds).toBe(300);
    const md = real.toMarkdown();
    expect(md).toContain('**Credential lifetime.**');
    expect(md).toContain('Credentials outlive a finished investigation by at most **300 s**.');
    expect(md).toContain('renews it every 150 s, never past 960 s after login (`token_explicit_max_ttl`: deadline + margin)');
    expect(md).toContain('On exit the agent revokes its token (`auth/token/revoke-self`)');
    expect(md).toContain('Hence N = `token_ttl` = 300 s');
    // The default example serves AWS STS and SSH certificates, which Vault cannot revoke, and static LLM keys.
    expect(md).toMatch(/Not covered: AWS STS credentials \(`agents\/cloud\/sts\/read-only`.*; SSH certificates \(`agents\/network\/sign\/read-only`/);
    expect(md).toContain('Static KV values');

    // N follows the contract's TTL; no revoke-on-exit is said loudly.
    const other = JSON.parse(JSON.stringify(synthesized));
    other.vaultToken = { ...other.vaultToken, ttlSeconds: 120, renewIntervalSeconds: 60, revokeOnExit: false };
    const r = PhaseDeltaReport.compute(other, manifests);
    expect(r.credentialOverhangSeconds).toBe(120);
    expect(r.toMarkdown()).toContain('by at most **120 s**');
    expect(r.toMarkdown()).toContain('**The agent is not told to revoke its token on exit**');

    // An older contract without vaultToken: no number is invented.
    expect(report.credentialOverhangSeconds).toBeUndefined();
    expect(report.toMarkdown()).toContain('does not state the agent\'s Vault token lifetime');
    expect(report.toMarkdown()).not.toContain('Credentials outlive');
  });

  test('a contract without criteria says so in the report', () => {
    const bare = contractFixture();
    bare.phases.forEach((p: any) => delete p.promotion);
    const r = PhaseDeltaReport.compute(bare, manifests, { toPhase: 'limited-write' });
    expect(r.deltas[0].criteria).toBeUndefined();
    expect(r.toMarkdown()).toContain('_None declared in the launcher contract._');
    expect(r.toMarkdown()).not.toContain('| Distinct human approvals |');
  });

  test('the synthesized contract reports the same Kubernetes delta as the fixture', () => {
    const real = PhaseDeltaReport.compute(synthesized, manifests);
    expect(real.warnings).toEqual([]);
    expect(real.deltas.map(d => d.addedPermissions)).toEqual(report.deltas.map(d => d.addedPermissions));
    expect(real.deltas.map(d => d.addedVaultPaths)).toEqual(report.deltas.map(d => d.addedVaultPaths));
  });

  test('a phase that loses grants (tampered RBAC) is reported as not monotonic', () => {
    // Drop every binding of the limited-write ServiceAccount in namespace payments.
    const tampered = manifests.filter(m => !(m.kind === 'RoleBinding' && m.metadata.namespace === 'payments'
      && (m.subjects ?? []).some((s: any) => s.name === 'agent-phase-limited-write')));
    expect(tampered.length).toBeLessThan(manifests.length);
    const r = PhaseDeltaReport.compute(doc, tampered, { fromPhase: 'read-only', toPhase: 'limited-write' });
    expect(r.deltas[0].removedPermissions).toEqual(expect.arrayContaining([
      { scope: 'payments', resource: 'core/pods/log', verbs: ['get', 'list', 'watch'] },
    ]));
    expect(r.warnings).toEqual(['"limited-write" lacks Kubernetes grants "read-only" holds: the ladder is not monotonic']);
    expect(r.toMarkdown()).toContain('### Kubernetes permissions removed (ladder not monotonic)');
  });

  test('missing RBAC and dangling bindings are warnings', () => {
    const none = PhaseDeltaReport.compute(doc, [], { toPhase: 'read-only' });
    expect(none.warnings).toEqual([
      'no RBAC grant reaches ServiceAccount agents/agent-phase-shadow in these manifests; report from the complete synth output (Roles, ClusterRoles and their bindings)',
      'no RBAC grant reaches ServiceAccount agents/agent-phase-read-only in these manifests; report from the complete synth output (Roles, ClusterRoles and their bindings)',
    ]);
    const dangling = PhaseDeltaReport.compute(doc, manifests.filter(m => m.kind !== 'ClusterRole'), { toPhase: 'read-only' });
    expect(dangling.warnings.some(w => w.startsWith('binding to a missing role: ClusterRoleBinding'))).toBe(true);
  });

  test('refuses unknown phases and steps that do not go up', () => {
    expect(errorOf(() => PhaseDeltaReport.compute(doc, manifests, { fromPhase: 'root', toPhase: 'god' }))).toEqual([
      'fromPhase="root": is not a phase of agent "diagnostics"', 'toPhase="god": is not a phase of agent "diagnostics"',
    ]);
    expect(errorOf(() => PhaseDeltaReport.compute(doc, manifests, { fromPhase: 'autonomous' }))[0]).toContain('a promotion goes up the ladder');
    expect(errorOf(() => PhaseDeltaReport.compute(doc, manifests, { fromPhase: 'limited-write', toPhase: 'shadow' }))[0])
      .toBe('toPhase="shadow": a promotion goes up the ladder, from "limited-write"');
    expect(errorOf(() => PhaseDeltaReport.compute(doc, manifests, { toPhase: 'shadow' }))[0]).toContain('from "(none below)"');
  });
});
