import { VaultPathRules } from '../../lib/model/private/vault-path-rules';

// The one predicate synth (VaultPolicyDocument.check) and verify (vault-policy-glob / -system-path / -sudo) share.
describe('VaultPathRules', () => {
  const roots = [{ mount: 'agents/database', segment: 'creds' }];

  test.each([
    ['agents/database/creds/*', true],
    ['agents/database/creds/read-*', true],
    ['agents/database/creds/a/*', false], // deeper than right below the credential path
    ['agents/database/config/*', false], // another segment of the engine
    ['agents/database/creds/*/x', false], // a star inside
    ['agents/database/+/read', false],
    ['agents/other/creds/*', false],
  ])('glob %s allowed: %s', (path, allowed) => {
    expect(VaultPathRules.isGlob(path)).toBe(true);
    expect(VaultPathRules.isAllowedGlob(path, roots)).toBe(allowed);
  });

  test('verify knows only mounts: any segment right below a mount', () => {
    expect(VaultPathRules.isAllowedGlob('agents/database/config/*', [{ mount: 'agents/database' }])).toBe(true);
    expect(VaultPathRules.isAllowedGlob('agents/database/config/a/*', [{ mount: 'agents/database' }])).toBe(false);
  });

  test.each([
    ['sys/mounts', true], ['sys', true], ['identity/entity', true], ['auth/kubernetes/role/x', true],
    ['auth/token/renew-self', false], ['agents/database/creds/read', false], ['system/x', false],
  ])('system path %s: %s', (path, system) => {
    expect(VaultPathRules.isSystemPath(path)).toBe(system);
  });

  test('sudo and root are forbidden capabilities, and neither is allowed', () => {
    for (const c of ['sudo', 'root']) {
      expect(VaultPathRules.FORBIDDEN_CAPABILITIES).toContain(c);
      expect(VaultPathRules.ALLOWED_CAPABILITIES).not.toContain(c);
    }
  });
});
