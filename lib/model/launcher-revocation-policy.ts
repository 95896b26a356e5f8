import { VaultPathRule } from './vault-policy';

/**
 * The Vault policy a launcher needs to end a finished investigation's
 * credentials itself (a second line behind the agent's revoke-on-exit, for
 * agents that crashed): look up a token by its accessor, to check its
 * `pod_name` metadata names the investigation, and revoke it, which revokes
 * every lease under it. Nothing under `sys/`, no `sudo`, no token reads.
 * Whoever holds it can revoke (never use) any token whose accessor it
 * learns: bind it to the launcher alone.
 * @see https://developer.hashicorp.com/vault/api-docs/auth/token#revoke-a-token-accessor
 */
export class LauncherRevocationPolicy {
  /** Name of the `vault_policy`. */
  public static readonly NAME = 'agent-launcher-revocation';

  /** Its rules: `update` on `auth/token/lookup-accessor` and `auth/token/revoke-accessor`, nothing else. */
  public static readonly RULES: VaultPathRule[] = [
    { path: 'auth/token/lookup-accessor', capabilities: ['update'] },
    { path: 'auth/token/revoke-accessor', capabilities: ['update'] },
  ];

  /** The policy as Vault stores it (JSON): `{ path: { "<path>": { capabilities: [...] } } }`. */
  public static toJson(): any {
    const paths: { [path: string]: { capabilities: string[] } } = {};
    for (const r of LauncherRevocationPolicy.RULES) {
      paths[r.path] = { capabilities: [...r.capabilities] };
    }
    return { path: paths };
  }

  /** Whether a policy named `name` granting `paths` (path → capabilities) is exactly this policy or a subset of it. */
  public static isWithin(name: string, paths: { [path: string]: string[] }): boolean {
    return name === LauncherRevocationPolicy.NAME && Object.entries(paths).every(([p, caps]) => {
      const rule = LauncherRevocationPolicy.RULES.find(r => r.path === p);
      return rule !== undefined && caps.every(c => rule.capabilities.includes(c));
    });
  }

  private constructor() {}
}
