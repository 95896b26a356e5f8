import { AgentFleet } from './agent-fleet';
import { SecretEngineKind } from './secret-engine-kind';
import { TrustPhase } from './trust-phase';
import { TrustNames } from './trust-names';
import { VaultPathRules } from './private/vault-path-rules';
import { ProblemCollector } from './private/problem-collector';

/** One path of a Vault policy and the capabilities granted on it. */
export interface VaultPathRule {
  /** The path, without a leading slash, e.g. `agents/database/creds/read-only`. */
  readonly path: string;
  /** Capabilities, e.g. `["read"]`. */
  readonly capabilities: string[];
  /**
   * Request parameters allowed, each with the values allowed (empty: any
   * value); every other parameter is refused (`allowed_parameters`).
   * @default - any parameter
   */
  readonly allowedParameters?: { [parameter: string]: string[] };
  /**
   * Request parameters refused whatever their value (`denied_parameters`).
   * @default - none
   */
  readonly deniedParameters?: { [parameter: string]: string[] };
}

/** Capabilities a phase policy may hold. `sudo` is never granted: it unlocks root-protected paths. */
const ALLOWED_CAPABILITIES = VaultPathRules.ALLOWED_CAPABILITIES;

const PATH_SEGMENTS = /^[A-Za-z0-9_.{}-]+(\/[A-Za-z0-9_.{}-]+)*$/;

function sortRules(rules: VaultPathRule[]): VaultPathRule[] {
  const merged = new Map<string, Set<string>>();
  const params = new Map<string, Pick<VaultPathRule, 'allowedParameters' | 'deniedParameters'>>();
  for (const r of rules) {
    const caps = merged.get(r.path) ?? new Set<string>();
    r.capabilities.forEach(c => caps.add(c));
    merged.set(r.path, caps);
    if (r.allowedParameters || r.deniedParameters) {
      params.set(r.path, { ...params.get(r.path), ...(r.allowedParameters ? { allowedParameters: r.allowedParameters } : {}),
        ...(r.deniedParameters ? { deniedParameters: r.deniedParameters } : {}) });
    }
  }
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, caps]) => ({ path, capabilities: [...caps].sort(), ...params.get(path) }));
}

/**
 * The parameters an agent may send to a Kubernetes secrets engine creds
 * path (issue #17): the namespace of the level ServiceAccounts
 * (`TrustNames.kubernetesEngineNamespace`; their tokens hold the level's
 * rules in every target namespace), and a TTL.
 * No `cluster_role_binding` (cluster-wide rights) and no caller-chosen
 * `audiences` (a token for another service).
 */
function kubernetesCredsParameters(fleet: AgentFleet): Pick<VaultPathRule, 'allowedParameters' | 'deniedParameters'> {
  return {
    allowedParameters: { kubernetes_namespace: [TrustNames.kubernetesEngineNamespace(fleet.targetNamespaces)], ttl: [] },
    deniedParameters: { cluster_role_binding: [], audiences: [] },
  };
}

/**
 * The Vault policy of one trust phase, as data. It grants the capability
 * each credential endpoint needs on exactly the credential paths of the
 * phase's access level in every domain (and every level below it), plus the
 * token's own lookup, renewal and revocation — nothing under `sys/`.
 * `toJson()` is the policy Vault stores (Vault accepts JSON policies), so
 * no policy text is ever assembled from string templates.
 */
export class VaultPolicyDocument {
  /** What every agent token may do to itself: look up, renew (up to its max TTL) and revoke on exit. */
  public static readonly TOKEN_SELF_RULES: VaultPathRule[] = VaultPathRules.TOKEN_SELF_RULES.map(r => ({ path: r.path, capabilities: [...r.capabilities] }));

  /**
   * The policy of one phase of the fleet's ladder.
   * @param additionalRules extra paths for engines the library does not render (validated by `checkLadder`)
   */
  public static forPhase(fleet: AgentFleet, phase: TrustPhase, additionalRules?: VaultPathRule[]): VaultPolicyDocument {
    // Throws with the known phases listed when the ladder does not hold it.
    fleet.ladder.definition(phase);
    const rules: VaultPathRule[] = [];
    for (const d of fleet.domains) {
      for (const level of fleet.ladder.accessFor(phase, d.domain).grantedLevels()) {
        rules.push({ path: d.engine.credentialPath(d.mountPath, level.name), capabilities: [d.engine.capability],
          ...(d.engine === SecretEngineKind.KUBERNETES ? kubernetesCredsParameters(fleet) : {}) });
      }
    }
    return new VaultPolicyDocument(phase, fleet.bindingOf(phase).vaultPolicy, [...rules, ...VaultPolicyDocument.TOKEN_SELF_RULES],
      [...(additionalRules ?? [])]);
  }

  /** The policies of every rendered phase of the fleet (`renderedPhases`), lowest first. */
  public static forFleet(fleet: AgentFleet): VaultPolicyDocument[] {
    return fleet.renderedPhases.map(p => VaultPolicyDocument.forPhase(fleet, p));
  }

  /**
   * Record every problem of a set of phase policies for a fleet: a rendered
   * phase (`fleet.renderedPhases`) without a policy (or with two), a phase granting fewer paths
   * or capabilities than the phase below it, a path under `sys/`,
   * `identity/` or `auth/` other than the token self paths, a wildcard
   * outside one engine's own credential path, `sudo` or an unknown
   * capability.
   * @internal
   */
  public static _checkLadder(problems: ProblemCollector, path: string, fleet: AgentFleet, documents: VaultPolicyDocument[]): void {
    // Rendered phases only: a phase above every agent's ceiling has no auth role, so it needs no policy.
    const phases = fleet.renderedPhases;
    for (const phase of phases) {
      const count = documents.filter(d => d.phase.name === phase.name).length;
      if (count === 0) {
        problems.add(path, 'policies', phase.name, `phase "${phase.name}" has no Vault policy, so its auth role would grant nothing it is meant to (or fail to log in)`,
          `create its policy, e.g. TrustPhasePolicy.forFleet(scope, fleet) creates one per phase (${phases.join(', ')})`);
      } else if (count > 1) {
        problems.add(path, 'policies', phase.name, `phase "${phase.name}" has ${count} Vault policies with the same name`,
          'create exactly one policy per phase');
      }
    }
    documents.forEach(doc => {
      if (!fleet.ladder.has(doc.phase)) {
        problems.add(path, 'policies', doc.phase.name, 'is not a phase of the fleet\'s ladder', `use one of ${fleet.ladder.phases.join(', ')}`);
      }
      doc._check(problems, `${path}/${doc.name}`, fleet);
    });
    let below: VaultPolicyDocument | undefined;
    for (const phase of phases) {
      const doc = documents.find(d => d.phase.name === phase.name);
      if (!doc) {
        continue;
      }
      if (below) {
        const missing = doc.missing(below);
        if (missing.length > 0) {
          problems.add(`${path}/${doc.name}`, 'paths', doc.phase.name,
            `grants fewer paths than the phase below ("${below.phase.name}"): missing ${missing.join('; ')}`,
            `grant those paths to "${doc.phase.name}" as well (each phase must hold everything the phase below holds)`);
        }
      }
      below = doc;
    }
  }

  /** The phase. */
  public readonly phase: TrustPhase;
  /** Policy name: the phase binding's `vaultPolicy`. */
  public readonly name: string;
  /** Every rule, sorted by path, capabilities merged and sorted. */
  public readonly rules: VaultPathRule[];
  /** The additional rules given by the user (checked by `check`). */
  public readonly additionalRules: VaultPathRule[];

  private constructor(phase: TrustPhase, name: string, derived: VaultPathRule[], additional: VaultPathRule[]) {
    this.phase = phase;
    this.name = name;
    this.additionalRules = additional.map(r => ({ path: r.path, capabilities: [...(r.capabilities ?? [])] }));
    this.rules = sortRules([...derived, ...this.additionalRules]);
  }

  /** Every path of the policy, sorted. */
  public get paths(): string[] {
    return this.rules.map(r => r.path);
  }

  /** The credential paths (every path but the token self paths), sorted. */
  public get credentialPaths(): string[] {
    const self = VaultPolicyDocument.TOKEN_SELF_RULES.map(r => r.path);
    return this.paths.filter(p => !self.includes(p));
  }

  /** The capabilities granted on a path (empty when the path is not in the policy). */
  public capabilitiesOf(path: string): string[] {
    return [...(this.rules.find(r => r.path === path)?.capabilities ?? [])];
  }

  /** The `path capability` pairs `other` grants and this policy does not. */
  public missing(other: VaultPolicyDocument): string[] {
    const out: string[] = [];
    for (const r of other.rules) {
      const mine = this.capabilitiesOf(r.path);
      for (const c of r.capabilities) {
        if (!mine.includes(c)) {
          out.push(`${r.path} ${c}`);
        }
      }
    }
    return out;
  }

  /** The policy as Vault stores it: `{ path: { "<path>": { capabilities: [...] } } }`. */
  public toJson(): any {
    const paths: { [path: string]: any } = {};
    for (const r of this.rules) {
      paths[r.path] = {
        capabilities: [...r.capabilities],
        ...(r.allowedParameters ? { allowed_parameters: r.allowedParameters } : {}),
        ...(r.deniedParameters ? { denied_parameters: r.deniedParameters } : {}),
      };
    }
    return { path: paths };
  }

  /**
   * Record the problems of this one policy (see `checkLadder`).
   * @internal
   */
  public _check(problems: ProblemCollector, path: string, fleet: AgentFleet): void {
    const self = VaultPolicyDocument.TOKEN_SELF_RULES.map(r => r.path);
    // Wildcards are allowed only right below one engine's own credential path (`<mount>/<segment>/…`).
    const credentialRoots = fleet.domains.map(d => `${d.mountPath}/${d.engine.segment}/`);
    const roots = fleet.domains.map(d => ({ mount: d.mountPath, segment: d.engine.segment }));
    const mounts = fleet.domains.map(d => `${d.mountPath}/`);
    this.additionalRules.forEach((r, i) => {
      const field = `additionalRules[${i}]`;
      if (typeof r.path !== 'string' || r.path.length === 0 || r.path.startsWith('/')) {
        problems.add(path, `${field}.path`, r.path, 'must be a non-empty Vault path without a leading slash',
          'write it as "<mount>/<segment>/<role>"');
        return;
      }
      const forbidden = VaultPathRules.isSystemPath(r.path);
      if (forbidden) {
        problems.add(path, `${field}.path`, r.path, 'is under sys/, identity/ or auth/: agent policies never touch Vault\'s own configuration or other identities',
          'grant only credential paths of the fleet\'s engines');
      }
      const wildcard = VaultPathRules.isGlob(r.path);
      if (wildcard) {
        if (!VaultPathRules.isAllowedGlob(r.path, roots)) {
          problems.add(path, `${field}.path`, r.path,
            'has a wildcard outside one engine\'s own credential path',
            `name the roles explicitly, or end the path in "*" right below one credential root (${credentialRoots.join(', ') || 'none declared'})`);
        }
      } else if (!PATH_SEGMENTS.test(r.path)) {
        problems.add(path, `${field}.path`, r.path, 'is not a Vault path', 'use segments of letters, digits, "-", "_", "." separated by "/"');
      }
      if (!forbidden && !wildcard && !mounts.some(m => r.path.startsWith(m)) && !self.includes(r.path)) {
        problems.add(path, `${field}.path`, r.path, 'is outside every mount of the fleet\'s domains',
          `grant paths under ${mounts.join(', ')} only (declare another domain for another engine)`);
      }
      const caps = r.capabilities ?? [];
      if (caps.length === 0) {
        problems.add(path, `${field}.capabilities`, caps, 'lists no capability', 'grant e.g. ["read"]');
      }
      caps.forEach((c, j) => {
        if (!ALLOWED_CAPABILITIES.includes(c)) {
          problems.add(path, `${field}.capabilities[${j}]`, c,
            c === 'sudo' ? 'sudo unlocks root-protected paths and is never granted to agents' : 'is not a Vault capability',
            `use one of ${ALLOWED_CAPABILITIES.join(', ')}`);
        }
      });
    });
  }
}
