import { Testing } from 'cdktf';
import { AgentCluster, AgentFleet, AgentFleetProps, AgentVaultTrust, Domain, EngineConfig, DomainEngine, VaultNaming } from '../../lib';
import { engines, errorOf, problemsOf, resources, secretVar, stack, synthJson } from './fixtures';

const pem = (cluster: string): string => `-----BEGIN CERTIFICATE-----\nMIIB${cluster}CA\n-----END CERTIFICATE-----\n`;
const cluster = (name: string, extra: Partial<{ targetNamespaces: string[]; caCertificate: string | undefined; issuerUrl: string | undefined }> = {}) =>
  new AgentCluster({ name, apiServerUrl: `https://${name}.k8s.example.com:6443`, caCertificate: pem(name), issuerUrl: `https://oidc.${name}.example.com`, ...extra });

function team(namespace: string, targets: string[], extra: Partial<AgentFleetProps> = {}): AgentFleet {
  return new AgentFleet({
    namespace,
    targetNamespaces: targets,
    agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2' }],
    renderAllPhases: true,
    vaultNaming: VaultNaming.fleetScoped(),
    clusters: ['eu-1', 'us-1', 'ap-1'].map(c => cluster(c)),
    vault: { address: 'https://vault.example.com:8200', investigationIdentityMountPath: `jwt-${namespace}` },
    ...extra,
  });
}

/** Engines of a second fleet with their own password variable in the stack. */
function enginesFor(s: ReturnType<typeof stack>, id: string): DomainEngine[] {
  const e = engines(stack());
  e[1] = { domain: Domain.DATABASE, config: EngineConfig.postgresql({
    connectionUrl: 'postgresql://{{username}}:{{password}}@pg:5432/db', username: 'vault_admin', password: secretVar(s, `db_password_${id}`) }) };
  return e;
}

describe('two fleets × three clusters on one Vault', () => {
  const s = stack();
  const a = team('team-a', ['payments']);
  const b = team('team-b', ['checkout']);
  new AgentVaultTrust(s, 'A', { fleet: a, engines: enginesFor(s, 'a'), manageAuditDevices: false,
    clusterTokenReviewers: [{ cluster: 'eu-1', tokenReviewerJwt: secretVar(s, 'reviewer_a_eu_1') }] });
  new AgentVaultTrust(s, 'B', { fleet: b, engines: enginesFor(s, 'b') });
  const json = synthJson(s);
  const all = (type: string): any[] => Object.values(resources(json, type));

  test('one Kubernetes and one JWT auth mount per (fleet, cluster), each configured with its own cluster', () => {
    const mounts = all('vault_auth_backend').map(m => m.path).sort();
    expect(mounts).toEqual(['team-a', 'team-b'].flatMap(t => ['ap-1', 'eu-1', 'us-1'].map(c => `kubernetes-${t}-${c}`)).sort());
    const configs = all('vault_kubernetes_auth_backend_config');
    expect(configs).toHaveLength(6);
    for (const c of configs) {
      // The backend is a reference to the mount; the host and CA must be the same cluster's.
      const id = /vault_auth_backend\.([^.]+)\.path/.exec(c.backend)![1];
      const mount = resources(json, 'vault_auth_backend')[id].path as string;
      const name = /-(\w+-\d)$/.exec(mount)![1];
      expect(c.kubernetes_host).toBe(`https://${name}.k8s.example.com:6443`);
      expect(c.kubernetes_ca_cert).toBe(pem(name));
    }
    const jwts = all('vault_jwt_auth_backend');
    expect(jwts.map(j => j.path).sort()).toEqual(['team-a', 'team-b'].flatMap(t => ['ap-1', 'eu-1', 'us-1'].map(c => `jwt-${t}-${c}`)).sort());
    for (const j of jwts) {
      const name = /-(\w+-\d)$/.exec(j.path)![1];
      expect(j.oidc_discovery_url).toBe(`https://oidc.${name}.example.com`);
      expect(j.bound_issuer).toBe(`https://oidc.${name}.example.com`);
      expect(j.oidc_discovery_ca_pem).toBe(pem(name));
    }
  });

  test('every mount holds the fleet\'s phase roles, bound to its ServiceAccounts in its namespace, with its policies', () => {
    const roles = all('vault_kubernetes_auth_backend_role');
    expect(roles).toHaveLength(2 * 3 * a.ladder.phases.length);
    for (const r of roles) {
      const t = r.role_name.startsWith('team-a-') ? 'team-a' : 'team-b';
      expect(r.bound_service_account_namespaces).toEqual([t]);
      expect(r.bound_service_account_names).toEqual([r.role_name.slice(t.length + 1)]);
      expect(r.token_policies).toEqual([r.role_name]);
    }
    const names = all('vault_policy').map(p => p.name);
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);
  });

  test('the token reviewer JWT stays a sensitive variable, only on its cluster', () => {
    const configs = all('vault_kubernetes_auth_backend_config').filter(c => c.token_reviewer_jwt !== undefined);
    expect(configs).toHaveLength(1);
    expect(configs[0].token_reviewer_jwt).toBe('${var.reviewer_a_eu_1}');
    expect(json.variable.reviewer_a_eu_1.sensitive).toBe(true);
  });

  test('per-cluster views keep names and differ only in targets, API egress and mounts', () => {
    const eu = a.forCluster('eu-1');
    expect(eu.declaration).toBe(a);
    expect(eu.cluster?.name).toBe('eu-1');
    expect(eu.vaultAuthMountPath).toBe('kubernetes-team-a-eu-1');
    expect(eu.investigationIdentityMountPath).toBe('jwt-team-a-eu-1');
    expect(eu.bindingOf(eu.ladder.lowest).vaultRole).toBe(a.bindingOf(a.ladder.lowest).vaultRole);
    expect(eu.domains.map(d => d.mountPath)).toEqual(a.domains.map(d => d.mountPath));
    expect(() => a.forCluster('mars-1')).toThrow(/cluster "mars-1" is not declared in fleet "team-a"; declared: eu-1, us-1, ap-1/);
  });
});

describe('a fleet without clusters', () => {
  test('keeps one implicit cluster: the fleet itself, mounts as declared', () => {
    const f = new AgentFleet({ targetNamespaces: ['payments'], agents: [{ name: 'd', image: 'registry.example.com/d:1' }] });
    expect(f.clusters).toEqual([]);
    expect(f.clusterFleets).toEqual([f]);
    expect(f.declaration).toBe(f);
  });
});

describe('bad cluster input fails at synth with path, field, value and fix', () => {
  test('a cluster named twice', () => {
    const problems = problemsOf(() => team('team-a', ['payments'], { clusters: [cluster('eu-1'), cluster('eu-1')] }));
    expect(problems).toEqual([expect.objectContaining({ path: 'AgentFleet/clusters[1]', field: 'name', value: '"eu-1"',
      message: expect.stringMatching(/is declared twice/) })]);
  });

  test('a cluster without issuer when per-investigation identity needs one', () => {
    const problems = problemsOf(() => team('team-a', ['payments'], { clusters: [cluster('eu-1'), cluster('us-1', { issuerUrl: undefined })] }));
    expect(problems).toEqual([expect.objectContaining({ path: 'AgentFleet/clusters[1]', field: 'issuerUrl',
      message: expect.stringMatching(/is required: the fleet logs agents in through JWT auth/) })]);
  });

  test('two clusters without CA (only Vault\'s own cluster can use its local CA)', () => {
    const problems = problemsOf(() => team('team-a', ['payments'], {
      clusters: [cluster('eu-1', { caCertificate: undefined }), cluster('us-1'), cluster('ap-1', { caCertificate: undefined })] }));
    expect(problems).toEqual([expect.objectContaining({ path: 'AgentFleet/clusters[2]', field: 'caCertificate',
      message: expect.stringMatching(/is missing here and for cluster "eu-1"/) })]);
  });

  test.each([
    ['a name that is not a DNS label', { name: 'EU_1' }, 'name'],
    ['an http API server', { apiServerUrl: 'http://eu-1.example.com' }, 'apiServerUrl'],
    ['a private key as CA', { caCertificate: '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----' }, 'caCertificate'],
    ['a CA that is not PEM', { caCertificate: 'not a cert' }, 'caCertificate'],
    ['an http issuer', { issuerUrl: 'http://oidc.example.com' }, 'issuerUrl'],
    ['the agent namespace as target', { targetNamespaces: ['team-a'] }, 'targetNamespaces[0]'],
    ['kube-system as target', { targetNamespaces: ['kube-system'] }, 'targetNamespaces'],
  ])('%s', (_name, override, field) => {
    const c = new AgentCluster({ name: 'eu-1', apiServerUrl: 'https://eu-1.example.com', caCertificate: pem('eu-1'), issuerUrl: 'https://oidc.example.com', ...override });
    const problems = problemsOf(() => team('team-a', ['payments'], { clusters: [c] }));
    expect(problems.map(p => p.path)).toContain('AgentFleet/clusters[0]');
    expect(problems.map(p => p.field).some(f => f.startsWith(field))).toBe(true);
    for (const p of problems) {
      expect(p.hint.length).toBeGreaterThan(5);
    }
  });

  test('a target namespace claimed by two fleets in one cluster', () => {
    const s = stack();
    new AgentVaultTrust(s, 'A', { fleet: team('team-a', ['payments']), engines: enginesFor(s, 'a'), manageAuditDevices: false });
    new AgentVaultTrust(s, 'B', { fleet: team('team-b', ['checkout'], { clusters: [cluster('eu-1', { targetNamespaces: ['payments'] })] }),
      engines: enginesFor(s, 'b'), manageAuditDevices: false });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/test: cluster "eu-1"\.targetNamespaces = "payments": is claimed by the fleets in namespaces "team-a" and "team-b".* Fix: give each namespace of a cluster to one fleet/);
    expect(message.match(/is claimed by/g)).toHaveLength(1);
  });

  test('fleet-wide cluster settings on a fleet with clusters', () => {
    const s = stack();
    const problems = problemsOf(() => new AgentVaultTrust(s, 'A', { fleet: team('team-a', ['payments']), engines: enginesFor(s, 'a'),
      kubernetesHost: 'https://kubernetes.default.svc', clusterTokenReviewers: [{ cluster: 'mars-1', tokenReviewerJwt: secretVar(s, 'x') }] }));
    expect(problems.map(p => [p.field, p.value])).toEqual([['kubernetesHost', '"https://kubernetes.default.svc"'], ['clusterTokenReviewers[0].cluster', '"mars-1"']]);
  });

  test('a fleet without clusters and without kubernetesHost', () => {
    const s = stack();
    const f = new AgentFleet({ targetNamespaces: ['payments'], agents: [{ name: 'd', image: 'registry.example.com/d:1' }] });
    const problems = problemsOf(() => new AgentVaultTrust(s, 'A', { fleet: f, engines: engines(s) }));
    expect(problems.map(p => p.field)).toEqual(['kubernetesHost']);
  });
});
