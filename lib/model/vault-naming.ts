import { TrustNames } from './trust-names';
import { ProblemCollector } from './private/problem-collector';

/** Options of `VaultNaming.fleetScoped`. */
export interface FleetScopedVaultNamingOptions {
  /**
   * The prefix every Vault name of the fleet carries: a DNS label short
   * enough that `<prefix>-agent-phase-<phase>` stays a DNS label for every
   * phase of the ladder.
   * @default - the fleet's namespace
   */
  readonly prefix?: string;
}

/**
 * How a fleet names the Vault objects it creates. Vault OSS (and OpenBao)
 * has one policy, role and mount namespace per server, so two fleets on
 * one Vault need distinct names:
 *
 * - `UNSCOPED` (the default): today's names, `agent-phase-<phase>` roles
 *   and policies, auth mount `kubernetes-agents`, engines at
 *   `agents/<domain>`. One fleet per Vault.
 * - `fleetScoped()`: every name carries a fleet prefix (the namespace by
 *   default): roles and policies `<prefix>-agent-phase-<phase>`, default
 *   auth mount `kubernetes-<prefix>`, default engine mounts
 *   `agents-<prefix>/<domain>` (engine roles live inside the fleet's own
 *   mount, so they are scoped with it). Any number of fleets share one Vault.
 *
 * Switching a running fleet renames its Vault roles: agents log in with the
 * new role names the contracts give them, so apply the Vault side first,
 * then the Kubernetes side (README, "Many fleets on one Vault").
 */
export class VaultNaming {
  /** Today's names, no prefix: one fleet per Vault. */
  public static readonly UNSCOPED = new VaultNaming(false);

  /** Every Vault name carries a fleet prefix (the fleet's namespace unless given). */
  public static fleetScoped(options: FleetScopedVaultNamingOptions = {}): VaultNaming {
    return new VaultNaming(true, options.prefix);
  }

  /** Whether names carry a fleet prefix. */
  public readonly scoped: boolean;
  /** The explicit prefix, when given. */
  public readonly prefix?: string;

  private constructor(scoped: boolean, prefix?: string) {
    this.scoped = scoped;
    this.prefix = prefix;
  }

  /** The prefix of a fleet in `namespace`: undefined when unscoped. */
  public prefixFor(namespace: string): string | undefined {
    return this.scoped ? (this.prefix ?? namespace) : undefined;
  }

  /**
   * Record a problem unless the resolved prefix is a DNS label that keeps
   * every derived role and policy name (`<prefix>-agent-phase-<phase>`) a
   * DNS label for the longest of `phaseNames`.
   * @internal
   */
  public _check(problems: ProblemCollector, path: string, namespace: string, phaseNames: string[]): void {
    const prefix = this.prefixFor(namespace);
    if (prefix === undefined || (this.prefix === undefined && !TrustNames.isDnsLabel(namespace))) {
      return; // an invalid namespace is reported as the namespace
    }
    const longest = Math.max(0, ...phaseNames.filter(p => typeof p === 'string').map(p => p.length));
    const max = TrustNames.MAX_DNS_LABEL - TrustNames.PHASE_PREFIX.length - 1 - longest;
    const field = this.prefix === undefined ? 'vaultNaming.prefix (the namespace)' : 'vaultNaming.prefix';
    if (max < 1) {
      problems.add(path, field, prefix, `leaves no room: the longest phase name (${longest} characters) already fills "agent-phase-<phase>"`,
        'shorten the phase names of the ladder');
      return;
    }
    TrustNames._checkDnsLabel(problems, path, field, prefix, max);
  }
}
