import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AgentVaultAuth, TrustDuration, TrustPhase, TrustPhasePolicy, VaultTokenType } from '../../lib';
import { errorOf, fleet, problemsOf, resources, secretVar, stack } from './fixtures';

const PHASES = ['shadow', 'read-only', 'limited-write', 'autonomous'];

describe('AgentVaultAuth', () => {
  test('a Kubernetes auth mount and one role per phase bound to exactly its ServiceAccount', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new AgentVaultAuth(scope, 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc' });
    });
    expect(out).toHaveResourceWithProperties(AuthBackend, { type: 'kubernetes', path: 'kubernetes-agents' });
    expect(out).toHaveResourceWithProperties(KubernetesAuthBackendConfig, {
      kubernetes_host: 'https://kubernetes.default.svc', disable_local_ca_jwt: false,
    });
    for (const phase of PHASES) {
      expect(out).toHaveResourceWithProperties(KubernetesAuthBackendRole, {
        role_name: `agent-phase-${phase}`,
        bound_service_account_names: [`agent-phase-${phase}`],
        bound_service_account_namespaces: ['agents'],
        audience: 'vault',
        alias_name_source: 'serviceaccount_uid',
        // A few minutes, renewed by the agent; never past deadline + margin.
        token_ttl: 300,
        token_explicit_max_ttl: 960,
        token_policies: [`agent-phase-${phase}`],
        token_no_default_policy: true,
        token_type: 'service',
      });
    }
    const json = JSON.parse(out);
    const roles = Object.values(resources(json, 'vault_kubernetes_auth_backend_role')) as any[];
    expect(roles).toHaveLength(4);
    for (const r of roles) {
      // Exactly one ServiceAccount, no wildcard, one namespace, one policy.
      expect(r.bound_service_account_names).toHaveLength(1);
      expect(r.bound_service_account_names[0]).not.toContain('*');
      expect(r.token_policies).toHaveLength(1);
      expect(r.backend).toMatch(/^\$\{vault_auth_backend\.[^}]+\.path\}$/);
    }
    const config = Object.values(resources(json, 'vault_kubernetes_auth_backend_config'))[0] as any;
    expect(config.token_reviewer_jwt).toBeUndefined();
    expect(resources(json, 'vault_jwt_auth_backend')).toEqual({});
    expect(json).toMatchSnapshot();
  });

  test('TTLs follow the fleet\'s deadline and margin; bindings expose them as data', () => {
    // Batch tokens cannot be renewed: their TTL must cover the whole deadline.
    const f = fleet({ jobDeadline: TrustDuration.minutes(30), ttlMargin: TrustDuration.minutes(2), vaultTokenTtl: TrustDuration.minutes(30), namespace: 'sre-agents', vault: { address: 'https://vault:8200', authMountPath: 'k8s/agents' } });
    let auth!: AgentVaultAuth;
    const out = Testing.synthScope(scope => {
      auth = new AgentVaultAuth(scope, 'Auth', { fleet: f, kubernetesHost: 'https://10.0.0.1:6443', tokenType: VaultTokenType.BATCH });
    });
    expect(out).toHaveResourceWithProperties(AuthBackend, { path: 'k8s/agents' });
    expect(out).toHaveResourceWithProperties(KubernetesAuthBackendRole, {
      role_name: 'agent-phase-read-only', bound_service_account_namespaces: ['sre-agents'], token_ttl: 1800, token_explicit_max_ttl: 1920, token_type: 'batch',
    });
    // The roles render the fleet's phase bindings.
    const b = auth.bindingFor(TrustPhase.LIMITED_WRITE);
    expect(b).toBe(f.bindingOf(TrustPhase.LIMITED_WRITE));
    expect(auth.bindings).toEqual(f.phaseBindings);
    expect([b.phase.name, b.authMountPath, b.vaultRole, b.serviceAccount, b.namespace, b.audience, b.tokenTtlSeconds, b.tokenMaxTtlSeconds, b.vaultPolicy])
      .toEqual(['limited-write', 'k8s/agents', 'agent-phase-limited-write', 'agent-phase-limited-write', 'sre-agents', 'vault', 1800, 1920, 'agent-phase-limited-write']);
    expect(auth.roleFor(TrustPhase.SHADOW).roleNameInput).toBe('agent-phase-shadow');
    expect(() => auth.bindingFor(TrustPhase.of('root'))).toThrow(/unknown trust phase "root"; this fleet has shadow, read-only, limited-write, autonomous/);
  });

  test('per-investigation identity: JWT roles bound to the ServiceAccount subject, mapping pod name and uid into metadata', () => {
    const f = fleet({ vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' } });
    const out = Testing.synthScope(scope => {
      new AgentVaultAuth(scope, 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc',
        investigationIdentity: { oidcDiscoveryUrl: 'https://kubernetes.default.svc.cluster.local' } });
    });
    expect(out).toHaveResourceWithProperties(JwtAuthBackend, {
      path: 'jwt-agents', type: 'jwt', oidc_discovery_url: 'https://kubernetes.default.svc.cluster.local',
      // bound_issuer defaults to the discovery URL (issue #17).
      bound_issuer: 'https://kubernetes.default.svc.cluster.local',
    });
    for (const phase of PHASES) {
      expect(out).toHaveResourceWithProperties(JwtAuthBackendRole, {
        role_name: `agent-phase-${phase}`,
        role_type: 'jwt',
        bound_audiences: ['vault'],
        // Issue #17: the subject exactly, and the pod claim an investigation Pod (glob).
        bound_claims: { 'sub': `system:serviceaccount:agents:agent-phase-${phase}`, '/kubernetes.io/pod/name': 'investigation-*' },
        bound_claims_type: 'glob',
        user_claim: 'sub',
        claim_mappings: {
          '/kubernetes.io/pod/name': 'pod_name',
          '/kubernetes.io/pod/uid': 'pod_uid',
          '/kubernetes.io/namespace': 'namespace',
          '/kubernetes.io/serviceaccount/name': 'service_account_name',
        },
        token_ttl: 300,
        token_explicit_max_ttl: 960,
        token_policies: [`agent-phase-${phase}`],
        token_no_default_policy: true,
      });
    }
    expect(JSON.parse(out)).toMatchSnapshot();
  });

  test('bad inputs are all reported: host, reviewer JWT, identity sources, private keys in CA fields, mount clash', () => {
    const s = stack();
    const plain = new TerraformVariable(s, 'jwt', { type: 'string' });
    const problems = problemsOf(() => new AgentVaultAuth(s, 'Auth', {
      fleet: fleet(), kubernetesHost: 'http://kubernetes', tokenReviewerJwt: plain,
      kubernetesCaCert: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      investigationIdentity: { oidcDiscoveryUrl: 'https://issuer', jwksUrl: 'https://issuer/openid/v1/jwks' },
    }));
    expect(problems.map(p => `${p.field} = ${p.value}`)).toEqual([
      'kubernetesHost = "http://kubernetes"',
      'kubernetesCaCert = "(a PEM private key, not shown)"',
      'tokenReviewerJwt = "var.jwt"',
      'investigationIdentity = "2 key sources"',
      'investigationIdentity = "set"',
    ]);
    expect(problems[4].message).toContain('the per-investigation identity would go unused');
    expect(JSON.stringify(problems)).not.toContain('MIIE');
    expect(problems.every(p => p.path === 'test/Auth')).toBe(true);
  });

  test('a fleet that declares a JWT login mount needs investigationIdentity, and the mount must differ from the Kubernetes one', () => {
    const f = fleet({ vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' } });
    const problems = problemsOf(() => new AgentVaultAuth(stack(), 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc' }));
    expect(problems.map(p => `${p.field} = ${p.value}`)).toEqual(['fleet.investigationIdentityMountPath = "jwt-agents"']);
    expect(() => fleet({ vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'kubernetes-agents' } }))
      .toThrow(/vault.investigationIdentityMountPath = "kubernetes-agents": is the Kubernetes auth mount itself/);
  });

  test('a reviewer JWT, when given, is a sensitive variable reference', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new AgentVaultAuth(scope, 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc',
        tokenReviewerJwt: secretVar(scope as TerraformStack, 'reviewer_jwt') });
    });
    expect(out).toHaveResourceWithProperties(KubernetesAuthBackendConfig, { token_reviewer_jwt: '${var.reviewer_jwt}' });
  });

  test('a phase with no policy in the stack fails synth, naming the phase and the policy', () => {
    const f = fleet();
    const s = stack();
    new AgentVaultAuth(s, 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc' });
    new TrustPhasePolicy(s, 'Shadow', { fleet: f, phase: TrustPhase.SHADOW, enginesManagedElsewhere: true });
    new TrustPhasePolicy(s, 'ReadOnly', { fleet: f, phase: TrustPhase.READ_ONLY, enginesManagedElsewhere: true });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/test\/Auth: roles\[limited-write\]\.token_policies = \["agent-phase-limited-write"\]: phase "limited-write" has no Vault policy/);
    expect(message).toMatch(/roles\[autonomous\]\.token_policies/);
    expect(message).not.toMatch(/roles\[shadow\]/);
    TrustPhasePolicy.forFleet(stack(), f);
    const ok = stack();
    new AgentVaultAuth(ok, 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc' });
    TrustPhasePolicy.forFleet(ok, f, { enginesManagedElsewhere: true });
    expect(() => Testing.synth(ok, true)).not.toThrow();
  });
});

describe('AgentVaultAuth with an equal fleet declared twice', () => {
  test('policies and engines are matched by name and mount, not by object identity', () => {
    const s = stack();
    new AgentVaultAuth(s, 'Auth', { fleet: fleet(), kubernetesHost: 'https://kubernetes.default.svc' });
    TrustPhasePolicy.forFleet(s, fleet(), { enginesManagedElsewhere: true });
    expect(() => Testing.synth(s, true)).not.toThrow();
  });
});

describe('token_bound_cidrs (issue #17)', () => {
  test('binds every phase role, Kubernetes and JWT, to the CIDRs given; none by default', () => {
    const f = fleet({ vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' } });
    const synth = (tokenBoundCidrs?: string[]): any => JSON.parse(Testing.synthScope(scope => {
      new AgentVaultAuth(scope, 'Auth', { fleet: f, kubernetesHost: 'https://kubernetes.default.svc', tokenBoundCidrs,
        investigationIdentity: { oidcDiscoveryUrl: 'https://kubernetes.default.svc.cluster.local' } });
    }));
    const roles = (json: any): any[] => [...Object.values<any>(json.resource.vault_kubernetes_auth_backend_role),
      ...Object.values<any>(json.resource.vault_jwt_auth_backend_role)];
    expect(roles(synth(['10.244.0.0/16'])).map(r => r.token_bound_cidrs)).toEqual(Array(8).fill(['10.244.0.0/16']));
    expect(roles(synth()).every(r => r.token_bound_cidrs === undefined)).toBe(true);
  });

  test('a malformed or catch-all CIDR is refused, naming field and value', () => {
    const problems = problemsOf(() => new AgentVaultAuth(stack(), 'Auth', { fleet: fleet(), kubernetesHost: 'https://kubernetes.default.svc',
      tokenBoundCidrs: ['10.244.0.0/16', '10.300.0.0/16', '0.0.0.0/0'] }));
    expect(problems.map(p => [p.field, p.value])).toEqual([['tokenBoundCidrs[1]', '"10.300.0.0/16"'], ['tokenBoundCidrs[2]', '"0.0.0.0/0"']]);
  });
});
