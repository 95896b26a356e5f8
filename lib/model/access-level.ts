import { InputRules } from './private/input-rules';

/**
 * The level of credentials a phase may request in one domain. Levels are
 * ordered; a phase at a level may request the credentials of that level and
 * of every level below it, so each phase's Vault paths are a superset of the
 * phase below it and an agent can still choose the weakest credential that
 * does the job.
 */
export class AccessLevel {
  /** No credentials in this domain. */
  public static readonly NONE = new AccessLevel('none', 0);
  /** Read-only credentials (SELECT, describe, get). */
  public static readonly READ_ONLY = new AccessLevel('read-only', 1);
  /** Credentials for small, reversible changes. */
  public static readonly LIMITED_WRITE = new AccessLevel('limited-write', 2);
  /** The broadest credentials an agent is ever given in a domain. */
  public static readonly AUTONOMOUS = new AccessLevel('autonomous', 3);

  /** The levels that map to credential roles, lowest first (`NONE` excluded). */
  public static credentialLevels(): AccessLevel[] {
    return [AccessLevel.READ_ONLY, AccessLevel.LIMITED_WRITE, AccessLevel.AUTONOMOUS];
  }

  /** A level by name; throws on an unknown name, listing the known ones. */
  public static of(name: string): AccessLevel {
    const all = [AccessLevel.NONE, ...AccessLevel.credentialLevels()];
    return InputRules.findByName(all, l => l.name, name, (n, names) => `unknown access level ${n}; use one of ${names}`);
  }

  private constructor(
    /** Name, also the credential role name in each engine. */
    public readonly name: string,
    /** Position in the order; higher grants more. */
    public readonly rank: number) {}

  /** Whether this level grants at least what `other` grants. */
  public includes(other: AccessLevel): boolean {
    return this.rank >= other.rank;
  }

  /** The credential levels this level may request: itself and every lower one. */
  public grantedLevels(): AccessLevel[] {
    return AccessLevel.credentialLevels().filter(l => this.includes(l));
  }

  public toString(): string {
    return this.name;
  }
}
