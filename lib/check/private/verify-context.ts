import { LauncherContractDocument } from '../../model/launcher-contract';
import { PhaseBinding } from '../../model/phase-binding';
import { TerraformOutput } from '../terraform-output';
import { VerifyRule } from '../verify-rule';

/** Records one finding. */
export type Report = (rule: VerifyRule, object: string, message: string, fix: string) => void;

/** What every invariant check reads. */
export interface VerifyContext {
  /** Every Kubernetes object of the output. */
  readonly manifests: any[];
  /** The Terraform output. */
  readonly terraform: TerraformOutput;
  /**
   * The launcher contracts found (validated, one per agent), each cut to
   * the phases the fleet renders (`renderedContracts`): the identity checks
   * read these.
   */
  readonly contracts: LauncherContractDocument[];
  /** The same contracts with every phase of the ladder, rendered or not (ranks, ceilings). */
  readonly ladderContracts: LauncherContractDocument[];
  /** Allowed slack above the Job deadline for Vault TTLs, in seconds. */
  readonly marginSeconds: number;
  /** A reviewer's own upper bound on token_ttl, in seconds (applies on top of each contract's stated TTL). */
  readonly tokenTtlBoundSeconds?: number;
  /** Deny rule ids accepted on purpose (overrides cannot be read from output). */
  readonly allowDenied: string[];
  /** IPv4 egress blocks with a shorter prefix count as internet-wide (egress-internet-wide). */
  readonly minEgressPrefixLength?: number;
  /** Record a finding. */
  readonly report: Report;
  /**
   * When several cluster directories are verified against one Terraform
   * stack: every cluster's contracts, in the order given, and the name of
   * the cluster this pass verifies. Undefined for a single directory.
   */
  readonly clusters?: ClusterContracts[];
  /** The cluster this pass verifies (one of `clusters`). */
  readonly cluster?: string;
}

/** The launcher contracts of one verified cluster directory. */
export interface ClusterContracts {
  readonly name: string;
  readonly contracts: LauncherContractDocument[];
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
export function objectName(m: any): string {
  const ns = m?.metadata?.namespace;
  return `${m?.kind ?? '(no kind)'} ${ns ? `${ns}/` : ''}${m?.metadata?.name ?? '(no name)'}`;
}

/** JSON for messages. */
export function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

/** Whether two string lists hold the same values (order ignored). */
export function sameSet(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Seconds of a Vault/Terraform TTL: a number, a numeric string or a Go
 * duration (`15m`, `1h30m`, `900s`). Undefined when it is not a literal
 * (a reference) or cannot be parsed.
 */
export function ttlSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!parts || text.length === 0) {
    return undefined;
  }
  return Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
}

/**
 * A phase as the verifier knows it: the binding a launcher contract states
 * for it (names, mounts, credential paths), merged over every contract of
 * the agent namespace that lists it. Read from the output, never derived
 * from the phase name, so it checks what was emitted.
 */
export interface VerifiedPhase {
  readonly agentNamespace: string;
  readonly name: string;
  readonly serviceAccount: string;
  readonly vaultRole: string;
  /** The Vault policy the role's tokens must carry (`PhaseBinding.policyOfRole`). */
  readonly vaultPolicy: string;
  readonly vaultAuthMount: string;
  /** JWT auth mount agents log in through, when per-investigation identity is on. */
  readonly vaultJwtAuthMount?: string;
  readonly vaultPaths: string[];
  /** Agents whose contract lists the phase. */
  readonly agents: string[];
}

/** Phases of every contract, deduplicated per namespace; ladders in contract order. */
export function verifiedPhases(contracts: LauncherContractDocument[]): VerifiedPhase[] {
  const rows = new Map<string, VerifiedPhase>();
  for (const c of contracts) {
    for (const p of c.phases) {
      const key = `${c.namespace}|${p.name}`;
      const existing = rows.get(key);
      if (existing) {
        existing.agents.push(c.agent);
        existing.vaultPaths.push(...p.vaultPaths.filter(v => !existing.vaultPaths.includes(v)));
        continue;
      }
      rows.set(key, {
        agentNamespace: c.namespace, name: p.name, serviceAccount: p.serviceAccount, vaultRole: p.vaultRole,
        vaultPolicy: PhaseBinding.policyOfRole(p.vaultRole), vaultAuthMount: p.vaultAuthMount, vaultJwtAuthMount: p.vaultJwtAuthMount,
        vaultPaths: [...p.vaultPaths], agents: [c.agent],
      });
    }
  }
  return [...rows.values()];
}

/**
 * The contracts cut to the phases their fleet renders identities for
 * (`AgentFleet.renderedPhases`): from the lowest phase up to the highest
 * ceiling of any contract of the agent namespace, or higher where the
 * output holds any identity of the phase (`renderAllPhases`): its
 * ServiceAccount, a binding or NetworkPolicy naming it, or its Vault auth
 * role, so a partly removed higher phase is still reported. A contract
 * still lists the whole ladder (promotion criteria, ranks); a phase above
 * every ceiling with no identity at all has nothing to check.
 *
 * A Vault role is the phase's when it has the phase's name on one of the
 * phase's auth mounts, or on a mount none of `knownMounts` is (default:
 * the mounts of `contracts`) if no two fleets name that role; never
 * another fleet's or cluster's namesake.
 */
export function renderedContracts(contracts: LauncherContractDocument[], manifests: any[], terraform?: TerraformOutput,
  knownMounts?: ReadonlySet<string>): LauncherContractDocument[] {
  const present = new Set<string>();
  for (const m of manifests) {
    const ns = m?.metadata?.namespace;
    if (m?.kind === 'ServiceAccount' || m?.kind === 'NetworkPolicy') {
      present.add(`${ns}/${m.metadata?.name}`);
    }
    for (const s of Array.isArray(m?.subjects) ? m.subjects : []) {
      if (s?.kind === 'ServiceAccount') {
        present.add(`${s.namespace ?? ns}/${s.name}`);
      }
    }
  }
  const known = knownMounts ?? contractMounts(contracts);
  // A role name two fleets use is nobody's stray (vault-name-shared reports it).
  const shared = sharedRoleNames(contracts);
  const roles = new Set<string>();
  const strays = new Set<string>();
  for (const r of (terraform?.resources ?? []).filter(x => /_auth_backend_role$/.test(x.type))) {
    const mount = String(terraform!.resolve(r.attributes?.backend, r.stack));
    const name = String(terraform!.resolve(r.attributes?.role_name, r.stack));
    roles.add(`${mount}|${name}`);
    if (!known.has(mount) && !shared.has(name)) {
      strays.add(name);
    }
  }
  const hasRole = (p: LauncherContractDocument['phases'][number]): boolean => strays.has(p.vaultRole)
    || roles.has(`${p.vaultAuthMount}|${p.vaultRole}`) || (p.vaultJwtAuthMount !== undefined && roles.has(`${p.vaultJwtAuthMount}|${p.vaultRole}`));
  const top = new Map<string, number>();
  for (const c of contracts) {
    let rank = c.phases.findIndex(p => p.name === c.ceiling);
    c.phases.forEach((p, i) => {
      if (present.has(`${c.namespace}/${p.serviceAccount}`) || hasRole(p)) {
        rank = Math.max(rank, i);
      }
    });
    top.set(c.namespace, Math.max(top.get(c.namespace) ?? 0, rank));
  }
  return contracts.map(c => {
    const last = top.get(c.namespace)!;
    return last >= c.phases.length - 1 ? c : { ...c, phases: c.phases.slice(0, last + 1) };
  });
}

/** The agent namespaces (fleets) whose contracts name each Vault role. */
export function fleetsByRole(contracts: LauncherContractDocument[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of contracts) {
    for (const p of c.phases) {
      out.set(p.vaultRole, (out.get(p.vaultRole) ?? new Set()).add(c.namespace));
    }
  }
  return out;
}

/** The Vault role names the contracts of more than one fleet name (`vault-name-shared`). */
export function sharedRoleNames(contracts: LauncherContractDocument[]): Set<string> {
  return new Set([...fleetsByRole(contracts)].filter(([, fleets]) => fleets.size > 1).map(([role]) => role));
}

/** The auth mounts (Kubernetes, and JWT with per-investigation identity) the contracts' phases log in through. */
export function contractMounts(contracts: LauncherContractDocument[]): Set<string> {
  const out = new Set<string>();
  for (const c of contracts) {
    for (const p of c.phases) {
      out.add(p.vaultAuthMount);
      if (p.vaultJwtAuthMount !== undefined) {
        out.add(p.vaultJwtAuthMount);
      }
    }
  }
  return out;
}

/** Two consecutive phases of a ladder, with the Vault policies their contract rows name. */
export interface LadderStep {
  readonly namespace: string;
  readonly lower: string;
  readonly higher: string;
  readonly lowerPolicy: string;
  readonly higherPolicy: string;
}

/** Consecutive (lower, higher) phase pairs of every distinct ladder among the contracts. */
export function ladderSteps(contracts: LauncherContractDocument[]): LadderStep[] {
  const seen = new Set<string>();
  const out: LadderStep[] = [];
  for (const c of contracts) {
    for (let i = 1; i < c.phases.length; i++) {
      const key = `${c.namespace}|${c.phases[i - 1].name}|${c.phases[i].name}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({
          namespace: c.namespace, lower: c.phases[i - 1].name, higher: c.phases[i].name,
          lowerPolicy: PhaseBinding.policyOfRole(c.phases[i - 1].vaultRole), higherPolicy: PhaseBinding.policyOfRole(c.phases[i].vaultRole),
        });
      }
    }
  }
  return out;
}

/**
 * Call `visit` for every scalar leaf of a JSON value with its dotted path
 * (`a.b[0].c`) and its own key.
 */
export function forEachScalar(obj: any, visit: (field: string, key: string, value: unknown) => void, at = ''): void {
  if (Array.isArray(obj)) {
    obj.forEach((v, i) => forEachScalar(v, visit, `${at}[${i}]`));
    return;
  }
  if (!obj || typeof obj !== 'object') {
    return;
  }
  for (const [key, value] of Object.entries(obj)) {
    const field = at ? `${at}.${key}` : key;
    if (value && typeof value === 'object') {
      forEachScalar(value, visit, field);
    } else {
      visit(field, key, value);
    }
  }
}
