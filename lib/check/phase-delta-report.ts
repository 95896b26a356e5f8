import { createHash } from 'crypto';
import { ContractPhase, LauncherContractDocument } from '../model/launcher-contract';
import { PermissionSet } from '../model/permission-set';
import { DemotionTrigger, PromotionCriteria } from '../model/promotion';
import { EffectivePermissions } from './effective-permissions';
import { LadderDiagram } from './private/ladder-diagram';
import { ProblemCollector } from '../model/private/problem-collector';

/** Options of a phase-delta report. */
export interface PhaseDeltaReportOptions {
  /**
   * Lower phase of the single step to report.
   * @default - the phase below `toPhase`, or every adjacent step when neither is given
   */
  readonly fromPhase?: string;
  /**
   * Upper phase of the single step to report.
   * @default - the phase above `fromPhase`, or every adjacent step when neither is given
   */
  readonly toPhase?: string;
  /**
   * Where the manifests came from (a folder such as `dist/`), printed in the report.
   * @default - not printed
   */
  readonly source?: string;
}

/** One Kubernetes grant a promotion adds or removes. */
export interface PermissionChange {
  /** Namespace, or `PermissionSet.CLUSTER_SCOPE` for cluster-wide grants. */
  readonly scope: string;
  /** `group/resource` (`core` for the core group), with `"name"` when restricted to one object. */
  readonly resource: string;
  /** The verbs, sorted. */
  readonly verbs: string[];
}

/** What one promotion step adds (and, if the ladder is broken, removes). */
export interface PhaseDelta {
  /** Lower phase. */
  readonly fromPhase: string;
  /** Upper phase. */
  readonly toPhase: string;
  /** Kubernetes grants the upper phase's ServiceAccount has and the lower one lacks, per namespace and resource. */
  readonly addedPermissions: PermissionChange[];
  /** Grants the upper phase lacks although the lower has them (a broken ladder). */
  readonly removedPermissions: PermissionChange[];
  /** Vault credential paths added. */
  readonly addedVaultPaths: string[];
  /** Vault credential paths dropped (a broken ladder). */
  readonly removedVaultPaths: string[];
  /** Egress endpoints added. */
  readonly addedEgress: string[];
  /** Egress endpoints dropped. */
  readonly removedEgress: string[];
  /** Hostnames the upper phase may reach and the lower may not, as `hostname:port/PROTOCOL` (from the contract's `egressHostnames`). */
  readonly addedHostnames: string[];
  /** Hostnames dropped (a broken ladder). */
  readonly removedHostnames: string[];
  /**
   * Criteria for entering the upper phase.
   * @default - none declared in the contract
   */
  readonly criteria?: PromotionCriteria;
  /** Triggers that demote out of the upper phase. */
  readonly demotionTriggers: string[];
  /** Whether the step raises the agent above its current ceiling (a proposed promotion). */
  readonly raisesCeiling: boolean;
  /**
   * Whether the upper phase has no identities in the output: it is above
   * every agent's ceiling, so the fleet renders no ServiceAccount or RBAC
   * for it (`AgentFleet.renderedPhases`) and `addedPermissions` is empty.
   * Raise the ceiling, re-synthesize and report on that output to see the
   * Kubernetes verbs the promotion adds.
   */
  readonly unrendered: boolean;
}

/** Credential endpoints whose secrets Vault cannot revoke (the second-last path segment): they end at their own TTL. */
const UNREVOCABLE: Array<[string, string]> = [
  ['sts', 'AWS STS credentials'],
  ['sign', 'SSH certificates'],
];

const DEFAULT_TRIGGERS = [DemotionTrigger.POLICY_VIOLATION, DemotionTrigger.SECURITY_INCIDENT];
const KNOWN_TRIGGERS = [DemotionTrigger.POLICY_VIOLATION, DemotionTrigger.SECURITY_INCIDENT, DemotionTrigger.SUCCESS_RATE_DROP];
// PermissionSet's readable form: `scope: verb group/resource` plus an optional `"name"`.
const GRANT = /^(.*?): (\S+) ([^/ ]+)\/(\S+)(?: "(.*)")?$/;

/**
 * What each promotion adds, computed from synthesized output, as the
 * Markdown a security reviewer signs: Kubernetes verbs per resource and
 * namespace (from the Roles and bindings actually synthesized, not from the
 * model), Vault paths and egress endpoints (from the launcher contract),
 * the promotion criteria and the demotion triggers.
 */
export class PhaseDeltaReport {
  /**
   * Build the report of `document`'s agent from `manifests` (every object
   * of the synth output, including Roles, ClusterRoles and their bindings).
   * Throws an `AgentTrustValidationError` for unknown phases or a step that
   * does not go up.
   */
  public static compute(document: LauncherContractDocument, manifests: any[], options?: PhaseDeltaReportOptions): PhaseDeltaReport {
    return new PhaseDeltaReport(document, manifests, options ?? {});
  }

  /** The agent. */
  public readonly agent: string;
  /** SHA-256 of the contract document (canonical JSON), so a signature binds to what was reviewed. */
  public readonly contractDigest: string;
  /** The steps, lowest first. */
  public readonly deltas: PhaseDelta[];
  /** Problems the reviewer must see (missing RBAC, dangling bindings, a broken ladder). */
  public readonly warnings: string[];
  /**
   * How long, at most, the Vault token of an investigation (and every lease
   * Vault can revoke under it) outlives the investigation, in seconds: the
   * token's TTL. With revoke-on-exit a clean exit ends them at once; an agent
   * that crashes or is killed cannot revoke, and its token expires at most
   * one TTL after its last renewal. Undefined when the contract does not
   * state its token lifetime (`vaultToken`).
   */
  public readonly credentialOverhangSeconds?: number;

  private readonly document: LauncherContractDocument;
  private readonly source?: string;
  private readonly manifests: any[];
  private readonly singleStep: boolean;

  private constructor(document: LauncherContractDocument, manifests: any[], options: PhaseDeltaReportOptions) {
    this.document = document;
    this.manifests = manifests;
    this.singleStep = options.fromPhase !== undefined || options.toPhase !== undefined;
    this.agent = document.agent;
    this.source = options.source;
    this.contractDigest = createHash('sha256').update(canonicalJson(document)).digest('hex');
    const phases = document.phases.map(p => p.name);
    const problems = new ProblemCollector();
    for (const [field, value] of [['fromPhase', options.fromPhase], ['toPhase', options.toPhase]] as Array<[string, string | undefined]>) {
      if (value !== undefined && !phases.includes(value)) {
        problems.add('PhaseDeltaReport', field, value, `is not a phase of agent "${document.agent}"`, `use one of: ${phases.join(', ')}`);
      }
    }
    problems.throwIfAny('PhaseDeltaReport');
    let steps: Array<[number, number]>;
    if (options.fromPhase === undefined && options.toPhase === undefined) {
      steps = phases.slice(1).map((_, i) => [i, i + 1]);
    } else {
      const to = options.toPhase !== undefined ? phases.indexOf(options.toPhase) : phases.indexOf(options.fromPhase!) + 1;
      const from = options.fromPhase !== undefined ? phases.indexOf(options.fromPhase) : to - 1;
      if (from < 0 || to >= phases.length || from >= to) {
        problems.add('PhaseDeltaReport', 'toPhase', phases[to] ?? '(none above)',
          `a promotion goes up the ladder, from "${phases[from] ?? '(none below)'}"`,
          `pick a lower fromPhase and a higher toPhase among: ${phases.join(', ')}`);
      }
      problems.throwIfAny('PhaseDeltaReport');
      steps = [[from, to]];
    }
    const rbac = EffectivePermissions.fromManifests(manifests);
    const warnings: string[] = [];
    const sets = new Map<string, PermissionSet>();
    const ceiling = phases.indexOf(document.ceiling);
    // A phase above the ceiling with no RBAC at all is not rendered (AgentFleet.renderedPhases), not broken.
    const unrendered = (row: ContractPhase): boolean => phases.indexOf(row.name) > ceiling
      && rbac.forServiceAccount(document.namespace, row.serviceAccount).size === 0;
    const setOf = (row: ContractPhase): PermissionSet => {
      let set = sets.get(row.name);
      if (!set) {
        set = rbac.forServiceAccount(document.namespace, row.serviceAccount);
        if (set.size === 0 && !unrendered(row)) {
          warnings.push(`no RBAC grant reaches ServiceAccount ${document.namespace}/${row.serviceAccount} in these manifests; `
            + 'report from the complete synth output (Roles, ClusterRoles and their bindings)');
        }
        sets.set(row.name, set);
      }
      return set;
    };
    this.deltas = steps.map(([from, to]) => {
      const lower = document.phases[from];
      const upper = document.phases[to];
      const lowerSet = setOf(lower);
      const upperSet = setOf(upper);
      const hidden = unrendered(upper);
      const removed = hidden ? [] : group(upperSet.missing(lowerSet));
      if (removed.length > 0) {
        warnings.push(`"${upper.name}" lacks Kubernetes grants "${lower.name}" holds: the ladder is not monotonic`);
      }
      const delta: PhaseDelta = {
        fromPhase: lower.name,
        toPhase: upper.name,
        addedPermissions: hidden ? [] : group(upperSet.addedOver(lowerSet)),
        removedPermissions: removed,
        addedVaultPaths: difference(upper.vaultPaths, lower.vaultPaths),
        removedVaultPaths: difference(lower.vaultPaths, upper.vaultPaths),
        addedEgress: difference(upper.egress, lower.egress),
        removedEgress: difference(lower.egress, upper.egress),
        addedHostnames: difference(hostnamesOf(upper), hostnamesOf(lower)),
        removedHostnames: difference(hostnamesOf(lower), hostnamesOf(upper)),
        criteria: upper.promotion,
        demotionTriggers: upper.demotionTriggers ?? DEFAULT_TRIGGERS.map(t => t.id),
        raisesCeiling: to > ceiling,
        unrendered: hidden,
      };
      if (delta.removedVaultPaths.length > 0 || delta.removedEgress.length > 0 || delta.removedHostnames.length > 0) {
        warnings.push(`"${upper.name}" drops Vault paths or egress "${lower.name}" holds: the ladder is not monotonic`);
      }
      return delta;
    });
    warnings.push(...rbac.danglingBindings().map(b => `binding to a missing role: ${b}`));
    this.warnings = warnings;
    const ttl = document.vaultToken?.ttlSeconds;
    this.credentialOverhangSeconds = typeof ttl === 'number' ? ttl : undefined;
  }

  /** The report as Markdown. */
  public toMarkdown(): string {
    const d = this.document;
    const out: string[] = [];
    out.push(`# Trust promotion review: agent \`${d.agent}\``, '');
    out.push(`- Namespace: \`${d.namespace}\``);
    out.push(`- Current ceiling: \`${d.ceiling}\` (ladder: ${d.phases.map(p => `\`${p.name}\``).join(' < ')})`);
    out.push(`- Launcher contract: \`${d.apiVersion}\`, SHA-256 \`${this.contractDigest}\``);
    if (this.source !== undefined) {
      out.push(`- Computed from: \`${this.source}\` (effective RBAC of the synthesized Roles and bindings)`);
    }
    out.push('');
    out.push(...this.ladderMarkdown(), '');
    out.push(...this.credentialMarkdown(), '');
    if (this.warnings.length > 0) {
      out.push('> **Warnings**', '>');
      this.warnings.forEach(w => out.push(`> - ${w}`));
      out.push('');
    }
    for (const delta of this.deltas) {
      out.push(...this.stepMarkdown(delta));
    }
    return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  }

  /**
   * The ladder as a Mermaid flowchart, the step under review marked: the
   * single step asked for, else the promotion just above the ceiling.
   */
  private ladderMarkdown(): string[] {
    const ladder = this.singleStep ? PhaseDeltaReport.compute(this.document, this.manifests).deltas : this.deltas;
    const phases = this.document.phases.map(p => p.name);
    const next = phases[phases.indexOf(this.document.ceiling) + 1];
    const review = this.singleStep ? this.deltas[0] : ladder.find(d => d.toPhase === next);
    const legend = review
      ? `Under review: \`${review.fromPhase}\` → \`${review.toPhase}\` (thick edge, highlighted).`
      : 'No step under review: the agent is at the top of the ladder.';
    // A bold line, not a heading: every `##` of the report is one promotion step.
    return ['**The ladder at a glance.**', '', '```mermaid', ...LadderDiagram.render(this.document, ladder, review), '```', '',
      `Each phase lists what it adds over the one below; the ceiling \`${this.document.ceiling}\` has a bold frame, phases above it are dashed. ${legend}`];
  }

  /** "Credentials outlive a finished investigation by at most N s", and how N is computed. */
  private credentialMarkdown(): string[] {
    const t = this.document.vaultToken;
    // A bold line, not a heading: every `##` of the report is one promotion step.
    const out = ['**Credential lifetime.**', ''];
    if (!t || this.credentialOverhangSeconds === undefined) {
      out.push('_The launcher contract does not state the agent\'s Vault token lifetime (`vaultToken`; a contract written before '
        + 'it existed)._ How long credentials outlive an investigation cannot be computed from it: regenerate the contract, and run '
        + '`agent-trust verify` on the Terraform output.');
      return out;
    }
    const n = this.credentialOverhangSeconds;
    out.push(`Credentials outlive a finished investigation by at most **${n} s**.`, '');
    out.push(`- The agent's Vault token lives ${t.ttlSeconds} s (\`token_ttl\`) unless renewed; the agent renews it every `
      + `${t.renewIntervalSeconds} s, never past ${t.explicitMaxTtlSeconds} s after login (\`token_explicit_max_ttl\`: deadline + margin). `
      + 'Every dynamic credential is a lease under that token, and Vault revokes it with the token (exceptions below).');
    out.push(t.revokeOnExit
      ? '- On exit the agent revokes its token (`auth/token/revoke-self`), and with it every lease: after a clean exit nothing outlives the investigation.'
      : '- **The agent is not told to revoke its token on exit** (`revokeOnExit: false`): every investigation\'s credentials live on until the token expires.');
    out.push(`- An agent that crashes or is killed cannot revoke: its token expires at most ${t.ttlSeconds} s after its last renewal, `
      + `and the last renewal happened before the investigation ended. Hence N = \`token_ttl\` = ${n} s (\`agent-trust verify\` checks the Vault roles against it).`);
    const paths = [...new Set(this.document.phases.flatMap(p => p.vaultPaths))];
    const kinds = UNREVOCABLE.map(([segment, what]) => ({ what, paths: paths.filter(p => p.split('/').slice(-2, -1)[0] === segment) }))
      .filter(k => k.paths.length > 0);
    if (kinds.length > 0) {
      out.push(`- Not covered: ${kinds.map(k => `${k.what} (${k.paths.map(p => `\`${p}\``).join(', ')})`).join('; ')} `
        + 'cannot be revoked by Vault and stay valid until their own TTL (at most the lease TTLs `agent-trust verify` bounds by the deadline + margin).');
    }
    if (paths.some(p => p.split('/').slice(-2, -1)[0] === 'data')) {
      out.push('- Static KV values (`…/data/…`, e.g. LLM API keys) do not expire with any token: rotate them.');
    }
    return out;
  }

  private stepMarkdown(delta: PhaseDelta): string[] {
    const out: string[] = [];
    const from = this.document.phases.find(p => p.name === delta.fromPhase)!;
    const to = this.document.phases.find(p => p.name === delta.toPhase)!;
    out.push(`## \`${delta.fromPhase}\` → \`${delta.toPhase}\``, '');
    out.push(delta.raisesCeiling
      ? `Status: **proposed** — raises the ceiling of \`${this.agent}\` above \`${this.document.ceiling}\`.`
      : `Status: in effect — \`${delta.toPhase}\` is at or below the current ceiling \`${this.document.ceiling}\`.`, '');
    out.push('### Kubernetes permissions added', '');
    out.push(`ServiceAccount \`${this.document.namespace}/${from.serviceAccount}\` → \`${this.document.namespace}/${to.serviceAccount}\`.`, '');
    if (delta.unrendered) {
      out.push(`_Not in this output: \`${delta.toPhase}\` is above every agent's ceiling, so the fleet renders no ServiceAccount, RBAC, `
        + `NetworkPolicy or Vault role for it. Raise the ceiling of \`${this.agent}\` to \`${delta.toPhase}\`, re-synthesize and run this report `
        + 'on that output to see the verbs the promotion adds (and review them in the same change)._', '');
    } else {
      out.push(...permissionTable(delta.addedPermissions, 'Verbs added'), '');
    }
    if (delta.removedPermissions.length > 0) {
      out.push('### Kubernetes permissions removed (ladder not monotonic)', '');
      out.push(...permissionTable(delta.removedPermissions, 'Verbs removed'), '');
    }
    out.push('### Vault paths added', '', ...list(delta.addedVaultPaths), '');
    if (delta.removedVaultPaths.length > 0) {
      out.push('### Vault paths removed (ladder not monotonic)', '', ...list(delta.removedVaultPaths), '');
    }
    out.push('### Egress added', '', ...list(delta.addedEgress), '');
    if (delta.removedEgress.length > 0) {
      out.push('### Egress removed', '', ...list(delta.removedEgress), '');
    }
    if (delta.addedHostnames.length > 0 || delta.removedHostnames.length > 0) {
      out.push(`### Hostnames added (${this.document.hostnameEnforcement ?? 'no enforcement stated'})`, '', ...list(delta.addedHostnames), '');
    }
    if (delta.removedHostnames.length > 0) {
      out.push('### Hostnames removed (ladder not monotonic)', '', ...list(delta.removedHostnames), '');
    }
    out.push(`### Promotion criteria (to enter \`${delta.toPhase}\`)`, '');
    const c = delta.criteria;
    if (c) {
      out.push('| Criterion | Required |', '| --- | --- |');
      out.push(`| Investigations completed in \`${delta.fromPhase}\` | ≥ ${c.minInvestigations} |`);
      out.push(`| Success or agreement rate | ≥ ${c.minSuccessRate} |`);
      out.push(`| Policy violations | ≤ ${c.maxPolicyViolations ?? 0} |`);
      out.push(`| Days in \`${delta.fromPhase}\` | ≥ ${c.minDays} |`);
      out.push(`| Distinct human approvals | ≥ ${c.requiredApprovals} |`, '');
    } else {
      out.push('_None declared in the launcher contract._ `agent-trust promote-check --contract` refuses this step until the '
        + 'contract carries criteria; without `--contract` it applies the standard ladder\'s.', '');
    }
    out.push(`### Demotion triggers (out of \`${delta.toPhase}\`)`, '');
    out.push(...(delta.demotionTriggers.length === 0 ? ['_None._'] : delta.demotionTriggers.map(id => {
      const known = KNOWN_TRIGGERS.find(t => t.id === id);
      return known ? `- \`${id}\` — ${known.description}` : `- \`${id}\``;
    })), '');
    out.push('### Sign-off', '');
    out.push(delta.raisesCeiling
      ? `Approving raises the ceiling of \`${this.agent}\` to \`${delta.toPhase}\`: one reviewed change to the fleet declaration, `
        + 'then synthesize and apply (the admission policy\'s params carry the ceiling).'
      : `This step is in effect; signing confirms that what \`${delta.toPhase}\` grants was reviewed.`, '');
    out.push('| Role | Name | Date | Decision | Signature |', '| --- | --- | --- | --- | --- |');
    out.push('| Security reviewer |  |  | approve / reject |  |');
    out.push('| Platform owner |  |  | approve / reject |  |', '');
    out.push(`Contract SHA-256 reviewed: \`${this.contractDigest}\``, '');
    return out;
  }
}

function group(grants: string[]): PermissionChange[] {
  const byKey = new Map<string, { scope: string; resource: string; verbs: Set<string> }>();
  for (const grant of grants) {
    const m = GRANT.exec(grant);
    if (!m) {
      // A hand-edited rule with whitespace or control characters in a verb or resource: keep it, verbatim,
      // so the signed document still lists every permission.
      const key = `(unparsed)\u0000${grant}`;
      byKey.set(key, byKey.get(key) ?? { scope: '(unparsed)', resource: JSON.stringify(grant), verbs: new Set<string>(['(as written)']) });
      continue;
    }
    const [, scope, verb, apiGroup, resource, name] = m;
    const res = `${apiGroup}/${resource}${name !== undefined ? ` "${name}"` : ''}`;
    const key = `${scope}\u0000${res}`;
    const entry = byKey.get(key) ?? { scope, resource: res, verbs: new Set<string>() };
    entry.verbs.add(verb);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map(e => ({ scope: e.scope, resource: e.resource, verbs: [...e.verbs].sort() }))
    .sort((a, b) => a.scope.localeCompare(b.scope) || a.resource.localeCompare(b.resource));
}

function permissionTable(changes: PermissionChange[], header: string): string[] {
  if (changes.length === 0) {
    return ['_None._'];
  }
  return [`| Namespace | Resource | ${header} |`, '| --- | --- | --- |',
    ...changes.map(c => `| ${c.scope === PermissionSet.CLUSTER_SCOPE ? 'cluster-wide' : `\`${c.scope}\``} | \`${c.resource}\` | ${c.verbs.join(', ')} |`)];
}

function list(items: string[]): string[] {
  return items.length === 0 ? ['_None._'] : items.map(i => `- \`${i}\``);
}

function difference(a: string[], b: string[]): string[] {
  const seen = new Set(b);
  return [...new Set(a)].filter(x => !seen.has(x)).sort();
}

function canonicalJson(value: any): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A contract phase's hostname grants as `hostname:port/PROTOCOL`. */
function hostnamesOf(phase: ContractPhase): string[] {
  return (phase.egressHostnames ?? []).map(g => `${g.hostname}:${g.port}/${g.protocol}`);
}
