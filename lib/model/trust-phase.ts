/**
 * A step of the trust ladder. The four standard phases come from the seed
 * architecture; `TrustPhase.of()` names a phase of a custom ladder. The
 * order of phases is the order of the ladder that holds them.
 */
export class TrustPhase {
  /** Runs beside humans; its output is compared, never acted on. */
  public static readonly SHADOW = new TrustPhase('shadow');
  /** Reads the cluster and the domains; findings are shown to humans. */
  public static readonly READ_ONLY = new TrustPhase('read-only');
  /** Small, reversible remediation (delete a pod, scale a workload). */
  public static readonly LIMITED_WRITE = new TrustPhase('limited-write');
  /** Acts without approval, still inside the RBAC denylist. */
  public static readonly AUTONOMOUS = new TrustPhase('autonomous');

  /** The four standard phases, lowest first. */
  public static standard(): TrustPhase[] {
    return [TrustPhase.SHADOW, TrustPhase.READ_ONLY, TrustPhase.LIMITED_WRITE, TrustPhase.AUTONOMOUS];
  }

  /**
   * A phase by name. Names are checked when a ladder is built (they must be
   * DNS labels short enough for `agent-phase-<name>`).
   */
  public static of(name: string): TrustPhase {
    const standard = TrustPhase.standard().find(p => p.name === name);
    return standard ?? new TrustPhase(name);
  }

  private constructor(
    /** The phase name, used in `agent-phase-<name>` and the `trust-phase` label. */
    public readonly name: string) {}

  /** Whether two phases have the same name. */
  public sameAs(other: TrustPhase): boolean {
    return this.name === other.name;
  }

  public toString(): string {
    return this.name;
  }
}
