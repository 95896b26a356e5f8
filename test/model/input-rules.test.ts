import { InputRules } from '../../lib/model/private/input-rules';

describe('InputRules (the one predicate per input rule)', () => {
  test('URLs: scheme, no whitespace, no credentials', () => {
    expect(InputRules.urlProblem('https://vault.vault.svc:8200', 'http')).toBeUndefined();
    expect(InputRules.urlProblem('http://vault:8200/x', 'http')).toBeUndefined();
    expect(InputRules.urlProblem('http://vault:8200', 'https')).toBe('malformed');
    expect(InputRules.urlProblem('https://user:pw@vault', 'https')).toBe('credentials');
    expect(InputRules.urlProblem('https://vault/a@b', 'https')).toBeUndefined();
    expect(InputRules.urlProblem('https://', 'https')).toBe('malformed');
    expect(InputRules.urlProblem('https://a b', 'https')).toBe('malformed');
    expect(InputRules.urlProblem(undefined, 'https')).toBe('malformed');
    expect(InputRules.isUrl('ftp://x', 'http')).toBe(false);
  });

  test('mount paths, reserved mounts and nesting', () => {
    expect(InputRules.trimSlashes('//agents/db/')).toBe('agents/db');
    expect(InputRules.isVaultMountPath('agents/db')).toBe(true);
    expect(InputRules.isVaultMountPath('agents//db')).toBe(false);
    expect(InputRules.isVaultMountPath('-x')).toBe(false);
    expect(['sys', 'sys/x', 'auth/k', 'identity', 'cubbyhole'].every(InputRules.isReservedVaultMount)).toBe(true);
    expect(['system', 'cubbyhole/x', 'agents/sys'].some(InputRules.isReservedVaultMount)).toBe(false);
    expect(InputRules.overlaps('a/b', 'a')).toBe(true);
    expect(InputRules.overlaps('a', 'a/b')).toBe(true);
    expect(InputRules.overlaps('a', 'a')).toBe(true);
    expect(InputRules.overlaps('a/b', 'a/bc')).toBe(false);
    expect(InputRules.isAbsolutePath('/scratch')).toBe(true);
    expect(InputRules.isAbsolutePath('/a/../b')).toBe(false);
    expect(InputRules.isAbsolutePath('/a/')).toBe(false);
    expect(InputRules.isAbsolutePath('a')).toBe(false);
  });

  test('IPv4 CIDRs', () => {
    expect(InputRules.parseIpv4Cidr('10.0.0.0/8')).toEqual([10 * 2 ** 24, 8]);
    expect(InputRules.parseIpv4Cidr('256.0.0.0/8')).toBeUndefined();
    expect(InputRules.parseIpv4Cidr('10.0.0.0/33')).toBeUndefined();
    expect(InputRules.ipv4Contains('0.0.0.0/0', '169.254.0.0/16')).toBe(true);
    expect(InputRules.ipv4Contains('10.0.0.0/16', '10.0.0.0/8')).toBe(false);
  });

  test('findByName returns the item or throws naming what exists', () => {
    const items = [{ n: 'a' }, { n: 'b' }];
    expect(InputRules.findByName(items, i => i.n, 'b', () => 'unused')).toBe(items[1]);
    expect(() => InputRules.findByName(items, i => i.n, 'c', (q, names) => `unknown ${q}; use one of ${names}`))
      .toThrow('unknown "c"; use one of a, b');
  });
});
