/**
 * The predicates every construct applies to user strings (URLs, Vault mount
 * paths, file paths, CIDRs) and to lookups by name: one definition each, so
 * the fleet, the Job template, the Vault auth and the engines accept and
 * refuse the same inputs. Callers keep their own messages (path, field,
 * value, fix); these only answer the question.
 */
export class InputRules {
  /** What a URL check found: nothing, a malformed URL, or `user:password@` in its authority. */
  public static urlProblem(url: unknown, schemes: 'http' | 'https'): 'malformed' | 'credentials' | undefined {
    const scheme = schemes === 'https' ? 'https' : 'https?';
    if (typeof url !== 'string' || !new RegExp(`^${scheme}://[^\\s/]+(/\\S*)?$`).test(url)) {
      return 'malformed';
    }
    return /^[a-z]+:\/\/[^/]*@/.test(url) ? 'credentials' : undefined;
  }

  /** Whether `url` is a well-formed URL of the scheme(s) with no credentials in it. */
  public static isUrl(url: unknown, schemes: 'http' | 'https'): boolean {
    return InputRules.urlProblem(url, schemes) === undefined;
  }

  /** A Vault mount path without leading or trailing slash (Vault strips them). */
  public static trimSlashes(path: string): string {
    return path.replace(/^\/+|\/+$/g, '');
  }

  /** Whether `path` is a Vault mount path: segments of letters, digits, `-`, `_`, `.` separated by `/`. */
  public static isVaultMountPath(path: string): boolean {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/.test(path);
  }

  /** Whether `path` is one of Vault's own mounts (`sys`, `auth`, `identity`, `cubbyhole`) or below one. */
  public static isReservedVaultMount(path: string): boolean {
    return ['sys', 'auth', 'identity'].some(r => InputRules.isAtOrBelow(path, r)) || path === 'cubbyhole';
  }

  /** Whether `path` is `parent` or below it (`/`-separated, no trailing slash). */
  public static isAtOrBelow(path: string, parent: string): boolean {
    return path === parent || path.startsWith(`${parent}/`);
  }

  /** Whether two `/`-separated paths are equal or one is below the other (mounts and volumes may not be). */
  public static overlaps(a: string, b: string): boolean {
    return InputRules.isAtOrBelow(a, b) || InputRules.isAtOrBelow(b, a);
  }

  /** Whether `path` is an absolute container path without `..` and without a trailing slash. */
  public static isAbsolutePath(path: string): boolean {
    return /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(path) && !path.split('/').includes('..');
  }

  /** An IPv4 CIDR as [network, prefix length]; undefined if malformed. */
  public static parseIpv4Cidr(cidr: string): number[] | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) {
      return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some(o => o > 255) || prefix > 32) {
      return undefined;
    }
    const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    return [address, prefix];
  }

  /** Whether IPv4 block `outer` contains block `inner` (both must parse). */
  public static ipv4Contains(outer: string, inner: string): boolean {
    const o = InputRules.parseIpv4Cidr(outer);
    const i = InputRules.parseIpv4Cidr(inner);
    if (!o || !i || i[1] < o[1]) {
      return false;
    }
    const mask = o[1] === 0 ? 0 : (~0 << (32 - o[1])) >>> 0;
    return ((o[0] & mask) >>> 0) === ((i[0] & mask) >>> 0);
  }

  /**
   * The item whose name is `name`, or an error naming what was asked for and
   * what exists: `message` gets the quoted name and the comma-separated names.
   */
  public static findByName<T>(items: readonly T[], nameOf: (item: T) => string, name: string,
    message: (quoted: string, names: string) => string): T {
    const found = items.find(i => nameOf(i) === name);
    if (found === undefined) {
      throw new Error(message(JSON.stringify(name), items.map(nameOf).join(', ')));
    }
    return found;
  }

  private constructor() {}
}
