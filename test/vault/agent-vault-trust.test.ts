import { Audit } from '@cdktf/provider-vault/lib/audit';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { TerraformStack, Testing } from 'cdktf';
import { DefaultVaultStack } from '../../examples/default/vault';
import { defaultFleet } from '../../examples/default/fleet';
import {
  AccessLevel, AgentVaultTrust, Domain, DomainEngine, EngineConfig, TrustNames, SecretEngineKind, TrustPhase, VaultNaming,
} from '../../lib';
import { engines, errorOf, fleet, problemsOf, resources, secretVar, stack, synthJson } from './fixtures';

/** Secret-bearing attributes and where they live: each must be a reference to a sensitive variable. */
const SECRET_ATTRIBUTES = ['password', 'password_wo', 'access_key', 'secret_key', 'service_account_jwt', 'token_reviewer_jwt',
  'private_key', 'data_json', 'data_json_wo', 'oidc_client_secret'];

/** Shapes of secret literals. */
const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['password in a URL', /[a-z][a-z0-9+.-]*:\/\/[^\s"/@:{}]+:(?!\{\{password\}\})[^\s"@/]+@/i],
  ['password in a DSN', /"(?!\{\{username\}\})[^\s"/@:{}]+:(?!\{\{password\}\})[^\s"@/{}]+@tcp\(/],
  ['password= parameter', /password=(?!\{\{password\}\})[^&"\s]+/i],
  ['PEM block', /-----BEGIN [A-Z ]+-----/],
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret key', /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./],
  ['literal SQL password', /PASSWORD\s+'(?!\{\{password\}\})[^']*'/i],
];

/** Every finding of a secret literal in a synthesized document. */
function secretFindings(json: any): string[] {
  const text = JSON.stringify(json);
  const findings = SECRET_SHAPES.filter(([, re]) => re.test(text)).map(([what]) => what);
  const sensitive = new Set(Object.entries(json.variable ?? {}).filter(([, v]: [string, any]) => v.sensitive === true).map(([k]) => k));
  for (const [name, v] of Object.entries(json.variable ?? {}) as Array<[string, any]>) {
    if (v.default !== undefined) {
      findings.push(`variable ${name} has a default`);
    }
  }
  const walk = (node: any, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((x, i) => walk(x, `${where}[${i}]`));
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (SECRET_ATTRIBUTES.includes(k)) {
          const ref = typeof v === 'string' ? /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(v) : null;
          if (!ref || !sensitive.has(ref[1])) {
            findings.push(`${where}.${k} is not a sensitive variable reference`);
          }
        }
        walk(v, `${where}.${k}`);
      }
    }
  };
  walk(json.resource ?? {}, 'resource');
  return findings;
}

describe('AgentVaultTrust and the default example', () => {
  test('the example stack holds all five domains, the phase roles and policies up to the ceiling, auth and audit', () => {
    const s = new DefaultVaultStack(Testing.app(), 'agent-trust-vault', defaultFleet());
    const out = Testing.synth(s, true);
    const json = JSON.parse(out);
    expect(out).toHaveResourceWithProperties(AuthBackend, { type: 'kubernetes', path: 'kubernetes-agents' });
    const mounts = [
      ...Object.values(resources(json, 'vault_mount')),
      ...Object.values(resources(json, 'vault_database_secrets_mount')),
      ...Object.values(resources(json, 'vault_aws_secret_backend')),
      ...Object.values(resources(json, 'vault_kubernetes_secret_backend')),
    ].map((m: any) => m.path).sort();
    expect(mounts).toEqual(['agents/application', 'agents/cloud', 'agents/database', 'agents/llm', 'agents/network']);
    const roles = Object.values(resources(json, 'vault_kubernetes_auth_backend_role')) as any[];
    const policies = Object.values(resources(json, 'vault_policy')) as any[];
    // Up to the highest ceiling (read-only): no role, policy or credential role for limited-write or autonomous.
    const phases = ['shadow', 'read-only'];
    expect(roles.map(r => r.role_name).sort()).toEqual(phases.map(p => `agent-phase-${p}`).sort());
    expect(policies.map(p => p.name).sort()).toEqual(phases.map(p => `agent-phase-${p}`).sort());
    for (const p of phases) {
      expect(out).toHaveResourceWithProperties(KubernetesAuthBackendRole, { role_name: `agent-phase-${p}`, token_policies: [`agent-phase-${p}`] });
      expect(out).toHaveResourceWithProperties(Policy, { name: `agent-phase-${p}` });
    }
    expect(Object.keys(resources(json, 'vault_audit'))).toHaveLength(2);
    expect(out).toHaveResourceWithProperties(Audit, { type: 'file' });
    // One credential role per level the rendered phases use in every dynamic engine: read-only only.
    for (const type of ['vault_database_secret_backend_role', 'vault_aws_secret_backend_role', 'vault_kubernetes_secret_backend_role', 'vault_ssh_secret_backend_role']) {
      expect((Object.values(resources(json, type)) as any[]).map(r => r.name).sort()).toEqual(['read-only']);
      expect(JSON.stringify(resources(json, type))).not.toMatch(/autonomous|limited-write/);
    }
    // Every TTL stays within deadline + margin.
    const ttlKeys = ['token_ttl', 'token_explicit_max_ttl', 'default_ttl', 'max_ttl', 'default_sts_ttl', 'max_sts_ttl',
      'token_default_ttl', 'token_max_ttl', 'default_lease_ttl_seconds', 'max_lease_ttl_seconds'];
    const ttls: number[] = [];
    JSON.stringify(json.resource, (k, v) => {
      if (ttlKeys.includes(k)) ttls.push(Number(v));
      if (k === 'ttl' || k === 'max_ttl') ttls.push(Number(v));
      return v;
    });
    expect(ttls.length).toBeGreaterThan(20);
    expect(Math.max(...ttls)).toBe(960);
    expect(json.terraform.required_providers.vault.version).toBe('5.6.0');
    expect(json).toMatchSnapshot();
  });

  test('no secret literal anywhere in the synthesized JSON, with every secret input in use', () => {
    const f = fleet({ vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' } });
    const s = stack();
    new AgentVaultTrust(s, 'Trust', {
      fleet: f,
      kubernetesHost: 'https://kubernetes.default.svc',
      tokenReviewerJwt: secretVar(s, 'reviewer_jwt'),
      investigationIdentity: { oidcDiscoveryUrl: 'https://kubernetes.default.svc.cluster.local' },
      engines: [
        { domain: Domain.NETWORK, config: EngineConfig.sshCertificates({ caPrivateKey: secretVar(s, 'ssh_ca_key'), caPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ca' }) },
        { domain: Domain.DATABASE, config: EngineConfig.postgresql({
          connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments', username: 'vault_admin', password: secretVar(s, 'db_password') }) },
        { domain: Domain.APPLICATION, config: EngineConfig.kubernetes({ kubernetesHost: 'https://kubernetes.default.svc', serviceAccountJwt: secretVar(s, 'k8s_engine_jwt') }) },
        { domain: Domain.LLM, config: EngineConfig.kvV2({ secrets: AccessLevel.credentialLevels().map(level => ({ level, dataJson: secretVar(s, `llm_${level.name}`) })) }) },
        { domain: Domain.CLOUD, config: EngineConfig.awsSts({ accessKey: secretVar(s, 'aws_access_key'), secretKey: secretVar(s, 'aws_secret_key'),
          roles: AccessLevel.credentialLevels().map(level => ({ level, roleArn: `arn:aws:iam::123456789012:role/agent-${level.name}` })) }) },
      ],
    });
    const json = synthJson(s);
    expect(secretFindings(json)).toEqual([]);
    // Every secret input arrived, as a reference.
    const text = JSON.stringify(json.resource);
    for (const v of ['reviewer_jwt', 'ssh_ca_key', 'db_password', 'k8s_engine_jwt', 'llm_read-only', 'aws_access_key', 'aws_secret_key']) {
      expect(text).toContain(`\${var.${v}}`);
    }
    expect(Object.keys(json.variable)).toHaveLength(9);
    // The example stack too.
    expect(secretFindings(JSON.parse(Testing.synth(new DefaultVaultStack(Testing.app(), 'x', defaultFleet()), true)))).toEqual([]);
  });

  test('the scanner itself finds planted secrets (so the test above can fail)', () => {
    const planted = {
      variable: { pw: { type: 'string', sensitive: true, default: 'x' }, loud: { type: 'string' } },
      resource: { vault_database_secrets_mount: { a: {
        postgresql: [{ connection_url: 'postgres://admin:hunter2@db:5432/x', password_wo: 'hunter2' }],
      } }, vault_aws_secret_backend: { b: { secret_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', access_key: '${var.loud}' } },
      vault_ssh_secret_backend_ca: { c: { private_key: '-----BEGIN OPENSSH PRIVATE KEY-----' } } },
    };
    expect(secretFindings(planted)).toEqual(expect.arrayContaining([
      'password in a URL', 'PEM block', 'AWS secret key', 'variable pw has a default',
      'resource.vault_database_secrets_mount.a.postgresql[0].password_wo is not a sensitive variable reference',
      'resource.vault_aws_secret_backend.b.access_key is not a sensitive variable reference',
    ]));
  });

  test('exposes auth bindings, engines and policies for cross-layer checks', () => {
    const f = fleet();
    const s = stack();
    const trust = new AgentVaultTrust(s, 'Trust', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s) });
    expect(trust.auth.bindings.map(b => [b.serviceAccount, b.namespace])).toEqual(
      f.ladder.phases.map(p => [TrustNames.serviceAccount(p.name), 'agents']));
    expect(trust.engines.map(e => e.mountPath)).toEqual(f.domains.map(d => d.mountPath));
    expect(trust.engineFor(Domain.CLOUD).roleNames).toEqual(['read-only', 'limited-write', 'autonomous']);
    expect(trust.policyFor(TrustPhase.SHADOW).document.credentialPaths).toEqual(['agents/llm/data/read-only']);
    expect(trust.audit?.devices).toHaveLength(2);
    expect(() => trust.engineFor(Domain.of('billing', SecretEngineKind.KV_V2))).toThrow(/no engine for domain "billing"/);
    expect(() => synthJson(s)).not.toThrow();
  });

  test('audit devices can be left to another stack', () => {
    const f = fleet();
    const s = stack();
    new AgentVaultTrust(s, 'Trust', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), manageAuditDevices: false });
    expect(resources(synthJson(s), 'vault_audit')).toEqual({});
  });

  test('a domain without configuration, an unknown domain and a duplicate are all reported', () => {
    const f = fleet();
    const s = stack();
    const [network, , application, llm, cloud] = engines(s);
    const problems = problemsOf(() => new AgentVaultTrust(s, 'Trust', {
      fleet: f, kubernetesHost: 'https://kubernetes.default.svc',
      engines: [network, application, llm, llm, cloud, { domain: Domain.of('billing', SecretEngineKind.KV_V2), config: EngineConfig.kvV2() }],
    }));
    expect(problems.map(p => `${p.field} = ${p.value}: ${p.message}`)).toEqual([
      'engines[3].domain = "llm": is configured twice',
      'engines[5].domain = "billing": is not a domain of the fleet',
      'engines = ["network","application","llm","llm","cloud","billing"]: has no configuration for domain "database" (postgresql at "agents/database")',
    ]);
  });

  test('a domain of a custom engine kind needs no configuration (bring your own mount)', () => {
    const custom = SecretEngineKind.custom('gcp', 'token', 'read');
    const f = fleet({ domains: [{ domain: Domain.LLM }, { domain: Domain.of('gcp', custom) }] });
    const s = stack();
    new AgentVaultTrust(s, 'Trust', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc', engines: [{ domain: Domain.LLM, config: EngineConfig.kvV2() }] });
    const json = synthJson(s);
    const ro = (Object.values(resources(json, 'vault_policy')) as any[]).find(p => p.name === 'agent-phase-read-only');
    expect(Object.keys(JSON.parse(ro.policy).path)).toContain('agents/gcp/token/read-only');
  });
});

describe('two fleets in one stack', () => {
  test('sharing the default auth mount and engine paths fails synth, naming every collision', () => {
    const s = stack();
    const a = fleet();
    const b = fleet({ namespace: 'agents-b' });
    new AgentVaultTrust(s, 'A', { fleet: a, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), manageAuditDevices: false });
    const sb = engines(stack());
    // Fresh variables in this stack for the second fleet's database.
    sb[1] = { domain: Domain.DATABASE, config: EngineConfig.postgresql({
      connectionUrl: 'postgresql://{{username}}:{{password}}@pg-b:5432/b', username: 'vault_admin', password: secretVar(s, 'db_password_b') }) };
    new AgentVaultTrust(s, 'B', { fleet: b, kubernetesHost: 'https://kubernetes.default.svc', engines: sb, manageAuditDevices: false });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/\[test\/A\/Auth\] test\/A\/Auth: fleet\.vaultAuthMountPath = "kubernetes-agents": collides with the vault_auth_backend at "kubernetes-agents" \(test\/B\/Auth\/Resource\)/);
    for (const domain of ['network', 'database', 'application', 'llm', 'cloud']) {
      expect(message).toMatch(new RegExp(`\\[test/B/Engine-${domain}\\] .*mountPath = "agents/${domain}": collides with`));
    }
  });

  test('with their own auth mounts and engine paths only the global policy names still collide', () => {
    const s = stack();
    const a = fleet();
    const b = fleet({ namespace: 'agents-b', vault: { address: 'https://vault.vault.svc:8200', authMountPath: 'kubernetes-agents-b' },
      domains: Domain.standard().map(domain => ({ domain, mountPath: `agents-b/${domain.name}` })) });
    new AgentVaultTrust(s, 'A', { fleet: a, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), manageAuditDevices: false });
    const sb = engines(stack());
    sb[1] = { domain: Domain.DATABASE, config: EngineConfig.postgresql({
      connectionUrl: 'postgresql://{{username}}:{{password}}@pg-b:5432/b', username: 'vault_admin', password: secretVar(s, 'db_password_b') }) };
    new AgentVaultTrust(s, 'B', { fleet: b, kubernetesHost: 'https://kubernetes.default.svc', engines: sb });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/\[test\/A\/Policy-shadow\] test\/A\/Policy-shadow: name = "agent-phase-shadow": is also the name of the vault_policy at test\/B\/Policy-shadow\/Resource/);
    expect(message).not.toMatch(/collides with/);
    expect(message.match(/is also the name of the vault_policy/g)).toHaveLength(8);
  });
});

describe('fleet-scoped Vault names (VaultNaming.fleetScoped)', () => {
  /** The second fleet's engines with their own database password variable in `s`. */
  function enginesB(s: TerraformStack): DomainEngine[] {
    const sb = engines(stack());
    sb[1] = { domain: Domain.DATABASE, config: EngineConfig.postgresql({
      connectionUrl: 'postgresql://{{username}}:{{password}}@pg-b:5432/b', username: 'vault_admin', password: secretVar(s, 'db_password_b') }) };
    return sb;
  }

  test('the policy collision of two unscoped fleets names the fix VaultNaming.fleetScoped()', () => {
    const s = stack();
    const b = fleet({ namespace: 'agents-b', vault: { address: 'https://vault.vault.svc:8200', authMountPath: 'kubernetes-agents-b' },
      domains: Domain.standard().map(domain => ({ domain, mountPath: `agents-b/${domain.name}` })) });
    new AgentVaultTrust(s, 'A', { fleet: fleet(), kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), manageAuditDevices: false });
    new AgentVaultTrust(s, 'B', { fleet: b, kubernetesHost: 'https://kubernetes.default.svc', engines: enginesB(s) });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/name = "agent-phase-shadow": is also the name of the vault_policy .* Fix: give every fleet on this Vault its own names: vaultNaming: VaultNaming\.fleetScoped\(\)/);
    expect(message).not.toMatch(/Vault namespace/);
  });

  test('two fleet-scoped fleets share one Vault with no collision and no policy reaching the other fleet', () => {
    const s = stack();
    const a = fleet({ namespace: 'team-a', vaultNaming: VaultNaming.fleetScoped() });
    const b = fleet({ namespace: 'team-b', vaultNaming: VaultNaming.fleetScoped() });
    new AgentVaultTrust(s, 'A', { fleet: a, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), manageAuditDevices: false });
    new AgentVaultTrust(s, 'B', { fleet: b, kubernetesHost: 'https://kubernetes.default.svc', engines: enginesB(s) });
    const json = synthJson(s);
    const names = (type: string, attr: string): string[] => Object.values(resources(json, type)).map((r: any) => r[attr]);
    const policies = names('vault_policy', 'name');
    expect(policies.filter(n => n.startsWith('team-a-agent-phase-'))).toHaveLength(4);
    expect(policies.filter(n => n.startsWith('team-b-agent-phase-'))).toHaveLength(4);
    expect(new Set(policies).size).toBe(policies.length);
    expect(names('vault_auth_backend', 'path').sort()).toEqual(['kubernetes-team-a', 'kubernetes-team-b']);
    const roles = Object.values(resources(json, 'vault_kubernetes_auth_backend_role')) as any[];
    expect(roles.map(r => r.role_name).sort()).toEqual([...a.ladder.phases.map(p => `team-a-agent-phase-${p.name}`),
      ...b.ladder.phases.map(p => `team-b-agent-phase-${p.name}`)].sort());
    for (const r of roles) {
      // Kubernetes ServiceAccount names stay as the seed names them; the role carries the prefix.
      const team = r.role_name.startsWith('team-a-') ? 'team-a' : 'team-b';
      expect(r.bound_service_account_names).toEqual([r.role_name.slice(`${team}-`.length)]);
      expect(r.bound_service_account_namespaces).toEqual([team]);
      expect(r.token_policies).toEqual([r.role_name]);
    }
    const mounts = ['vault_mount', 'vault_database_secrets_mount', 'vault_kubernetes_secret_backend', 'vault_aws_secret_backend']
      .flatMap(t => names(t, 'path'));
    expect(mounts.filter(m => m.startsWith('agents-team-a/'))).toHaveLength(5);
    expect(mounts.filter(m => m.startsWith('agents-team-b/'))).toHaveLength(5);
    // No policy of one fleet names a path under the other fleet's mounts.
    for (const [, p] of Object.entries(resources(json, 'vault_policy')) as Array<[string, any]>) {
      const own = p.name.startsWith('team-a-') ? 'team-a' : 'team-b';
      const other = own === 'team-a' ? 'team-b' : 'team-a';
      const paths = Object.keys(JSON.parse(p.policy).path);
      expect(paths.filter(x => !x.startsWith(`agents-${own}/`) && !x.startsWith('auth/token/'))).toEqual([]);
      expect(paths.filter(x => x.startsWith(`agents-${other}/`))).toEqual([]);
    }
  });

  test('an explicit prefix replaces the namespace', () => {
    const f = fleet({ namespace: 'agents', vaultNaming: VaultNaming.fleetScoped({ prefix: 'payments' }) });
    expect(f.vaultPrefix).toBe('payments');
    expect(f.vaultAuthMountPath).toBe('kubernetes-payments');
    expect(f.bindingOf(f.ladder.lowest).vaultRole).toBe('payments-agent-phase-shadow');
    expect(f.domains.map(d => d.mountPath)).toEqual(Domain.standard().map(d => `agents-payments/${d.name}`));
  });

  test('two fleets with the same prefix in one stack fail synth, naming the prefix and the fix', () => {
    const s = stack();
    const a = fleet({ namespace: 'team-a', vaultNaming: VaultNaming.fleetScoped({ prefix: 'shared' }) });
    const b = fleet({ namespace: 'team-b', vaultNaming: VaultNaming.fleetScoped({ prefix: 'shared' }) });
    new AgentVaultTrust(s, 'A', { fleet: a, kubernetesHost: 'https://kubernetes.default.svc', engines: engines(s), manageAuditDevices: false });
    new AgentVaultTrust(s, 'B', { fleet: b, kubernetesHost: 'https://kubernetes.default.svc', engines: enginesB(s) });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/\[test\/A\/Auth\] test: fleet "team-b"\.vaultNaming\.prefix = "shared": is also the Vault prefix of the fleet in namespace "team-a": both fleets.* Fix: give each fleet on this Vault its own prefix: vaultNaming: VaultNaming\.fleetScoped\(\{ prefix: '<team>' \}\)/);
    expect(message.match(/is also the Vault prefix/g)).toHaveLength(1);
    expect(message).toMatch(/name = "shared-agent-phase-shadow": is also the name of the vault_policy .* Fix: give each fleet on this Vault its own prefix/);
  });
});
