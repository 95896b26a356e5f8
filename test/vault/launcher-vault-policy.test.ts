import { Policy } from '@cdktf/provider-vault/lib/policy';
import { Testing } from 'cdktf';
import { AgentVaultTrust, LauncherRevocationPolicy, LauncherVaultPolicy } from '../../lib';
import { engines, fleet, resources, stack, synthJson } from './fixtures';

function trust(launcherRevocation?: boolean): any {
  const s = stack();
  new AgentVaultTrust(s, 'Trust', { fleet: fleet(), kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), launcherRevocation });
  return synthJson(s);
}

describe('the launcher revocation policy', () => {
  test('off by default; launcherRevocation: true adds exactly one vault_policy with update on lookup-accessor and revoke-accessor', () => {
    const names = (json: any) => Object.values<any>(resources(json, 'vault_policy')).map(p => p.name);
    expect(names(trust())).not.toContain('agent-launcher-revocation');
    const json = trust(true);
    const policies = Object.values<any>(resources(json, 'vault_policy')).filter(p => p.name === 'agent-launcher-revocation');
    expect(policies).toHaveLength(1);
    expect(JSON.parse(policies[0].policy)).toEqual({ path: {
      'auth/token/lookup-accessor': { capabilities: ['update'] },
      'auth/token/revoke-accessor': { capabilities: ['update'] },
    } });
    expect(JSON.parse(policies[0].policy)).toEqual(LauncherRevocationPolicy.toJson());
    // Nothing under sys/, no sudo, and no agent role carries it.
    expect(policies[0].policy).not.toMatch(/sys\/|sudo/);
    for (const type of ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role']) {
      for (const r of Object.values<any>(resources(json, type))) {
        expect(r.token_policies).not.toContain('agent-launcher-revocation');
      }
    }
  });

  test('a second policy of the same name fails synth, naming both', () => {
    const s = stack();
    new LauncherVaultPolicy(s, 'Launcher');
    new Policy(s, 'Other', { name: 'agent-launcher-revocation', policy: '{}' });
    expect(() => Testing.synth(s, true)).toThrow(/test\/Launcher: name = "agent-launcher-revocation": is also the name of the vault_policy at test\/Other/);
  });

  test('isWithin accepts the policy or a subset of it under its own name only', () => {
    const all = { 'auth/token/lookup-accessor': ['update'], 'auth/token/revoke-accessor': ['update'] };
    expect(LauncherRevocationPolicy.isWithin('agent-launcher-revocation', all)).toBe(true);
    expect(LauncherRevocationPolicy.isWithin('agent-launcher-revocation', { 'auth/token/revoke-accessor': ['update'] })).toBe(true);
    expect(LauncherRevocationPolicy.isWithin('agent-phase-shadow', all)).toBe(false);
    expect(LauncherRevocationPolicy.isWithin('agent-launcher-revocation', { 'auth/token/revoke-accessor': ['update', 'sudo'] })).toBe(false);
    expect(LauncherRevocationPolicy.isWithin('agent-launcher-revocation', { 'auth/token/create': ['update'] })).toBe(false);
  });
});
