/** The verifier's defaults, one place for the checks, `Verifier` and the CLI's help. */
export class VerifyDefaults {
  /** Margin above the Job deadline for Vault TTLs, in seconds. */
  public static readonly MARGIN_SECONDS = 60;
  /** Bound on a phase role's token_ttl when a contract states none, in seconds (the fleet's default token TTL, 5 minutes). */
  public static readonly TOKEN_TTL_BOUND_SECONDS = 300;
  /** IPv4 egress blocks with a prefix shorter than this count as internet-wide. */
  public static readonly MIN_EGRESS_PREFIX = 8;

  private constructor() {}
}
