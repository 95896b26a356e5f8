/**
 * A length of time. The model layer cannot import cdk8s' `TrustDuration`, so it
 * carries its own, and both synth targets convert from it.
 */
export class TrustDuration {
  /** A duration of whole seconds. */
  public static seconds(amount: number): TrustDuration {
    return new TrustDuration(amount, 1, 'seconds');
  }

  /** A duration of whole minutes. */
  public static minutes(amount: number): TrustDuration {
    return new TrustDuration(amount, 60, 'minutes');
  }

  /** A duration of whole hours. */
  public static hours(amount: number): TrustDuration {
    return new TrustDuration(amount, 3600, 'hours');
  }

  /** A duration of whole days. */
  public static days(amount: number): TrustDuration {
    return new TrustDuration(amount, 86400, 'days');
  }

  private readonly totalSeconds: number;

  private constructor(private readonly amount: number, factor: number, private readonly unit: string) {
    // A non-finite or negative duration is a programming error, not bad
    // configuration: fail where it is written.
    if (!Number.isFinite(amount) || amount < 0) {
      throw new Error(`duration must be a finite, non-negative number of ${unit}, got ${amount}`);
    }
    this.totalSeconds = amount * factor;
  }

  /** The duration in seconds (may be fractional if built from fractional units). */
  public toSeconds(): number {
    return this.totalSeconds;
  }

  /** Whether the duration is a whole number of seconds. */
  public isWholeSeconds(): boolean {
    return Number.isInteger(this.totalSeconds);
  }

  /** A new duration that is this one plus another. */
  public plus(other: TrustDuration): TrustDuration {
    return TrustDuration.seconds(this.totalSeconds + other.toSeconds());
  }

  /** Human-readable form, e.g. `15 minutes (900s)`. */
  public toString(): string {
    return this.unit === 'seconds' ? `${this.amount}s` : `${this.amount} ${this.unit} (${this.totalSeconds}s)`;
  }
}
