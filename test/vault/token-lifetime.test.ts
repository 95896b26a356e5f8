import fc from 'fast-check';
import { AgentFleet, AgentTrustErrors, AgentVaultAuth, AgentVaultTrust, TrustDuration, ValidationProblem, VaultPolicyDocument, VaultTokenType } from '../../lib';
import { engines, fleet, problemsOf, resources, stack, synthJson } from './fixtures';

/** Every TTL-like attribute of the engine resources (mounts and credential roles), by address. */
function engineTtls(json: any): Array<[string, string, number]> {
  const out: Array<[string, string, number]> = [];
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    if (type.includes('auth_backend')) {
      continue;
    }
    for (const [name, attrs] of Object.entries<any>(byName)) {
      for (const [key, value] of Object.entries<any>(attrs)) {
        if (/(^|_)ttl(_seconds)?$/.test(key)) {
          out.push([`${type}.${name}`, key, Number(value)]);
        }
      }
    }
  }
  return out;
}

function phaseRoles(json: any): any[] {
  return [...Object.values(resources(json, 'vault_kubernetes_auth_backend_role')), ...Object.values(resources(json, 'vault_jwt_auth_backend_role'))];
}

function synthTrust(f: AgentFleet): any {
  const s = stack();
  new AgentVaultTrust(s, 'Trust', {
    fleet: f, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s),
    investigationIdentity: f.investigationIdentityMountPath ? { oidcDiscoveryUrl: 'https://kubernetes.default.svc.cluster.local' } : undefined,
  });
  return synthJson(s);
}

describe('agent Vault tokens end with the investigation', () => {
  test('by default every phase role (Kubernetes and JWT) has token_ttl ≤ 300 s, explicit max = deadline + margin, no period', () => {
    const json = synthTrust(fleet({ vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' } }));
    const roles = phaseRoles(json);
    expect(roles).toHaveLength(8);
    for (const r of roles) {
      expect(r.token_ttl).toBeLessThanOrEqual(300);
      expect(r.token_ttl).toBe(300);
      expect(r.token_explicit_max_ttl).toBe(900 + 60);
      expect(r.token_period).toBeUndefined();
      expect(r.token_max_ttl).toBeUndefined();
      expect(r.token_type).toBe('service');
    }
  });

  test('property: for any deadline, margin and token TTL the fleet accepts, ttl ≤ deadline < explicit max, the renewal comes before expiry, and no engine lease outlives the token', () => {
    // Deadlines from 15 min (AWS STS issues nothing shorter) to 2 h.
    const times = fc.integer({ min: 900, max: 7200 }).chain(deadline => fc.record({
      deadline: fc.constant(deadline),
      margin: fc.integer({ min: 0, max: Math.max(300, Math.floor(deadline / 2)) }),
      ttl: fc.integer({ min: 2, max: deadline }),
    }));
    fc.assert(fc.property(times, ({ deadline, margin, ttl }) => {
      const f = fleet({ jobDeadline: TrustDuration.seconds(deadline), ttlMargin: TrustDuration.seconds(margin), vaultTokenTtl: TrustDuration.seconds(ttl) });
      expect(f.tokenRenewIntervalSeconds).toBeGreaterThanOrEqual(1);
      expect(f.tokenRenewIntervalSeconds).toBeLessThan(ttl);
      const json = synthTrust(f);
      const roles = phaseRoles(json);
      expect(roles.length).toBeGreaterThan(0);
      for (const r of roles) {
        expect(r.token_ttl).toBe(ttl);
        expect(r.token_ttl).toBeLessThanOrEqual(deadline);
        expect(r.token_explicit_max_ttl).toBe(deadline + margin);
      }
      for (const [address, key, seconds] of engineTtls(json)) {
        // Default lease TTLs stop at the deadline; maxima at the token's explicit max.
        expect({ address, key, ok: seconds >= 1 && seconds <= deadline + margin }).toEqual({ address, key, ok: true });
        if (!/max/.test(key)) {
          expect({ address, key, ok: seconds <= deadline }).toEqual({ address, key, ok: true });
        }
      }
    }), { numRuns: 12 });
  });

  test('model property: any valid (deadline, margin, ttl) keeps renew interval < ttl ≤ deadline ≤ explicit max; an omitted ttl is min(5 min, deadline)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 86400 }), fc.option(fc.integer({ min: 2, max: 86400 }), { nil: undefined }), (deadline, ttl) => {
      const props = { jobDeadline: TrustDuration.seconds(deadline), ...(ttl !== undefined ? { vaultTokenTtl: TrustDuration.seconds(ttl) } : {}) };
      let problems: ValidationProblem[] = [];
      try {
        fleet(props);
      } catch (e) {
        problems = AgentTrustErrors.problemsOf(e);
      }
      if (ttl !== undefined && ttl > deadline) {
        expect(problems.map(p => p.field)).toEqual(['vaultTokenTtl']);
        return;
      }
      expect(problems).toEqual([]);
      const f = fleet(props);
      expect(f.tokenTtlSeconds).toBe(ttl ?? Math.min(300, deadline));
      expect(f.tokenRenewIntervalSeconds).toBeLessThan(f.tokenTtlSeconds);
      expect(f.tokenTtlSeconds).toBeLessThanOrEqual(f.jobDeadline.toSeconds());
      expect(f.jobDeadline.toSeconds()).toBeLessThanOrEqual(f.tokenMaxTtlSeconds);
    }));
  });

  test('every phase policy lets the agent renew and revoke its own token, and nothing else under auth/', () => {
    for (const doc of VaultPolicyDocument.forFleet(fleet())) {
      expect(doc.capabilitiesOf('auth/token/renew-self')).toEqual(['update']);
      expect(doc.capabilitiesOf('auth/token/revoke-self')).toEqual(['update']);
      expect(doc.paths.filter(p => p.startsWith('auth/'))).toEqual(['auth/token/lookup-self', 'auth/token/renew-self', 'auth/token/revoke-self']);
    }
  });

  test('a bad vaultTokenTtl fails with path, field, value and fix', () => {
    expect(problemsOf(() => fleet({ vaultTokenTtl: TrustDuration.seconds(0) }))).toEqual([{
      path: 'AgentFleet', field: 'vaultTokenTtl', value: '"0s"',
      message: 'must be at least 2 whole seconds (the agent renews every half of it, at least every second)',
      hint: 'use e.g. TrustDuration.minutes(5)',
    }]);
    expect(problemsOf(() => fleet({ vaultTokenTtl: TrustDuration.minutes(20) }))).toEqual([{
      path: 'AgentFleet', field: 'vaultTokenTtl', value: '"20 minutes (1200s)"',
      message: 'is longer than the jobDeadline (900s): a crashed agent\'s token and leases would outlive the whole investigation',
      hint: 'use at most 900s; a few minutes is enough, the agent renews it (e.g. TrustDuration.minutes(5))',
    }]);
    expect(problemsOf(() => fleet({ vaultTokenTtl: TrustDuration.seconds(2.5) })).map(p => p.field)).toEqual(['vaultTokenTtl']);
  });

  test('batch tokens (not renewable) are refused unless the token TTL covers the deadline', () => {
    const problems = problemsOf(() => new AgentVaultAuth(stack(), 'Auth', {
      fleet: fleet(), kubernetesHost: 'https://kubernetes.default.svc', tokenType: VaultTokenType.BATCH,
    }));
    expect(problems).toEqual([expect.objectContaining({
      path: 'test/Auth', field: 'tokenType', value: '"batch"',
      message: expect.stringContaining('cannot be renewed, so they (and every lease under them) would expire after the fleet\'s vaultTokenTtl (300s), before the Job deadline (900s)'),
      hint: expect.stringContaining('VaultTokenType.SERVICE'),
    })]);
    expect(() => new AgentVaultAuth(stack(), 'Auth', {
      fleet: fleet({ vaultTokenTtl: TrustDuration.minutes(15) }), kubernetesHost: 'https://kubernetes.default.svc', tokenType: VaultTokenType.BATCH,
    })).not.toThrow();
  });

  test('an engine lease max above the token\'s explicit max fails synth, naming the relation', () => {
    const s = stack();
    const configs = engines(s).map(e => (e.domain.name === 'database' ? { ...e, maxTtl: TrustDuration.seconds(961) } : e));
    const problems = problemsOf(() => new AgentVaultTrust(s, 'Trust', {
      fleet: fleet(), kubernetesHost: 'https://kubernetes.default.svc', engines: configs,
    }));
    expect(problems).toEqual([expect.objectContaining({
      path: 'test/Trust/Engine-database', field: 'maxTtl', value: '961s',
      message: 'is longer than the agent token\'s explicit max TTL (Job deadline + margin = 960s): a lease must not outlive the token it is revoked with',
    })]);
  });
});
