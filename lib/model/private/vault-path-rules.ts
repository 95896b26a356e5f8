/**
 * The rules every agent Vault policy path obeys, as predicates: the one
 * definition synth-time validation (`VaultPolicyDocument.check`) and
 * `agent-trust verify` (`vault-policy-system-path`, `vault-policy-glob`,
 * `vault-policy-sudo`) both call, so what synth accepts verify accepts.
 */
export class VaultPathRules {
  /** What every agent token may do to itself: look up, renew (up to its max TTL) and revoke on exit. */
  public static readonly TOKEN_SELF_RULES: ReadonlyArray<{ readonly path: string; readonly capabilities: string[] }> = [
    { path: 'auth/token/lookup-self', capabilities: ['read'] },
    { path: 'auth/token/renew-self', capabilities: ['update'] },
    { path: 'auth/token/revoke-self', capabilities: ['update'] },
  ];
  /** Capabilities a phase policy may hold. */
  public static readonly ALLOWED_CAPABILITIES: readonly string[] = ['create', 'read', 'update', 'patch', 'delete', 'list', 'deny'];
  /** Capabilities no agent policy holds: they unlock root-protected endpoints. */
  public static readonly FORBIDDEN_CAPABILITIES: readonly string[] = ['sudo', 'root'];
  /** Prefixes an agent policy never touches (Vault's own configuration and other identities). */
  public static readonly SYSTEM_PREFIXES: readonly string[] = ['sys/', 'identity/', 'auth/'];

  /** Whether `path` is one of the token self paths. */
  public static isTokenSelfPath(path: string): boolean {
    return VaultPathRules.TOKEN_SELF_RULES.some(r => r.path === path);
  }

  /** Whether `path` is under `sys/`, `identity/` or `auth/` (or is one of them) and is not a token self path. */
  public static isSystemPath(path: string): boolean {
    return VaultPathRules.SYSTEM_PREFIXES.some(p => path.startsWith(p) || path === p.slice(0, -1)) && !VaultPathRules.isTokenSelfPath(path);
  }

  /** Whether `path` holds a glob: a `*` or a `+` segment. */
  public static isGlob(path: string): boolean {
    return path.includes('*') || path.split('/').includes('+');
  }

  /**
   * Whether a glob stays inside one engine's credential path: a single
   * trailing `*` right below `<mount>/<segment>/` (a role-name prefix may
   * precede it), no `+` segment. `segment` is checked when known (synth
   * knows each domain's engine; verify knows only the mounts).
   */
  public static isAllowedGlob(path: string, roots: ReadonlyArray<{ readonly mount: string; readonly segment?: string }>): boolean {
    const star = path.indexOf('*');
    if (star !== path.length - 1 || path.split('/').includes('+')) {
      return false;
    }
    const head = path.slice(0, star);
    return roots.some(r => {
      if (!head.startsWith(`${r.mount}/`)) {
        return false;
      }
      const m = /^([^/*+]+)\/[^/*+]*$/.exec(head.slice(r.mount.length + 1));
      return m !== null && (r.segment === undefined || m[1] === r.segment);
    });
  }

  private constructor() {}
}
