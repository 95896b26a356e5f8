/**
 * The hand-written baseline, Vault half: the resources of
 * examples/default/vault.ts written directly with @cdktf/provider-vault
 * (deep imports), without this library. Plain `Construct` scopes reproduce
 * the library's construct paths, so Terraform logical ids (hashed from the
 * path) and the `${…}` references between resources come out identical —
 * a hand-writer migrating to or from the library would do the same to keep
 * the state. It must NOT import lib/.
 */
import { Audit } from '@cdktf/provider-vault/lib/audit';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { AwsSecretBackend } from '@cdktf/provider-vault/lib/aws-secret-backend';
import { AwsSecretBackendRole } from '@cdktf/provider-vault/lib/aws-secret-backend-role';
import { DatabaseSecretBackendRole } from '@cdktf/provider-vault/lib/database-secret-backend-role';
import { DatabaseSecretsMount } from '@cdktf/provider-vault/lib/database-secrets-mount';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { KubernetesSecretBackend } from '@cdktf/provider-vault/lib/kubernetes-secret-backend';
import { KubernetesSecretBackendRole } from '@cdktf/provider-vault/lib/kubernetes-secret-backend-role';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { SshSecretBackendCa } from '@cdktf/provider-vault/lib/ssh-secret-backend-ca';
import { SshSecretBackendRole } from '@cdktf/provider-vault/lib/ssh-secret-backend-role';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { FleetParams } from './fleet-params';

const PHASES = ['shadow', 'read-only', 'limited-write', 'autonomous'];
const LEVELS = ['read-only', 'limited-write', 'autonomous'];
const TTL = 900;
const MAX_TTL = 960;
/** Agent token TTL: short, renewed by the agent up to MAX_TTL. */
const TOKEN_TTL = 300;
/** Table privileges per level for PostgreSQL. */
const TABLE_PRIVILEGES: { [level: string]: string } = {
  'read-only': 'SELECT', 'limited-write': 'SELECT, INSERT, UPDATE', 'autonomous': 'SELECT, INSERT, UPDATE, DELETE',
};
/** Credential path segment and capability per domain's engine. */
const ENGINE: { [domain: string]: [string, string] } = {
  network: ['sign', 'update'], database: ['creds', 'read'], application: ['creds', 'update'], llm: ['data', 'read'], cloud: ['sts', 'read'],
};

/** The Vault stack of the fleet, written by hand. */
export class BaselineVaultStack extends TerraformStack {
  public constructor(scope: Construct, id: string, p: FleetParams) {
    super(scope, id);
    const ns = p.namespace;
    new VaultProvider(this, 'vault', { address: 'https://vault.vault.svc:8200' });
    const databasePassword = new TerraformVariable(this, 'database_password', {
      type: 'string',
      sensitive: true,
      description: 'Password of vault_admin on postgres.payments.svc (sent write-only; not stored in state)',
    });
    const root = new Construct(this, 'AgentTrust');

    // Agent auth: one Kubernetes-auth role and one JWT role per phase; with
    // declared clusters, a Kubernetes and a JWT mount per cluster, each
    // trusting only that cluster's API server, CA and issuer.
    const clusters = p.clusters ?? [undefined];
    for (const cluster of clusters) {
      const suffix = cluster ? `-${cluster.name}` : '';
      const authScope = new Construct(root, `Auth${suffix}`);
      const auth = new AuthBackend(authScope, 'Resource', {
        type: 'kubernetes', path: `kubernetes-agents${suffix}`, description: `cdk-agent-trust: agent logins from namespace "${ns}"`,
      });
      new KubernetesAuthBackendConfig(authScope, 'Config', {
        backend: auth.path,
        kubernetesHost: cluster?.apiServerUrl ?? 'https://kubernetes.default.svc',
        kubernetesCaCert: cluster?.caCertificate,
        disableLocalCaJwt: false,
      });
      for (const phase of PHASES) {
        const role = `agent-phase-${phase}`;
        new KubernetesAuthBackendRole(authScope, phase, {
          backend: auth.path,
          roleName: role,
          boundServiceAccountNames: [role],
          boundServiceAccountNamespaces: [ns],
          audience: 'vault',
          aliasNameSource: 'serviceaccount_uid',
          tokenTtl: TOKEN_TTL,
          tokenExplicitMaxTtl: MAX_TTL,
          tokenPolicies: [role],
          tokenNoDefaultPolicy: true,
          tokenType: 'service',
        });
      }
      const issuer = cluster?.issuerUrl ?? 'https://kubernetes.default.svc.cluster.local';
      const jwt = new JwtAuthBackend(authScope, 'Jwt', {
        type: 'jwt', path: `jwt-${ns}${suffix}`, oidcDiscoveryUrl: issuer, boundIssuer: issuer,
        oidcDiscoveryCaPem: cluster?.caCertificate,
        description: `cdk-agent-trust: per-investigation agent identity for namespace "${ns}"`,
      });
      for (const phase of PHASES) {
        const role = `agent-phase-${phase}`;
        new JwtAuthBackendRole(authScope, `Jwt-${phase}`, {
          backend: jwt.path,
          roleName: role,
          roleType: 'jwt',
          boundAudiences: ['vault'],
          userClaim: 'sub',
          boundClaims: { 'sub': `system:serviceaccount:${ns}:${role}`, '/kubernetes.io/pod/name': 'investigation-*' },
          boundClaimsType: 'glob',
          claimMappings: {
            '/kubernetes.io/namespace': 'namespace',
            '/kubernetes.io/pod/name': 'pod_name',
            '/kubernetes.io/pod/uid': 'pod_uid',
            '/kubernetes.io/serviceaccount/name': 'service_account_name',
          },
          tokenTtl: TOKEN_TTL,
          tokenExplicitMaxTtl: MAX_TTL,
          tokenPolicies: [role],
          tokenNoDefaultPolicy: true,
          tokenType: 'service',
        });
      }
    }

    const describe = (kind: string, domain: string): string =>
      `cdk-agent-trust: ${kind} credentials of domain "${domain}" for agents in namespace "${ns}"`;
    const leases = { defaultLeaseTtlSeconds: TTL, maxLeaseTtlSeconds: MAX_TTL };

    // network: SSH certificates.
    const network = new Construct(root, 'Engine-network');
    const ssh = new Mount(network, 'Resource', { path: 'agents/network', type: 'ssh', description: describe('ssh-certificates', 'network'), ...leases });
    const ca = new SshSecretBackendCa(network, 'SigningKey', { backend: ssh.path, generateSigningKey: true });
    for (const level of LEVELS) {
      new SshSecretBackendRole(network, level, {
        backend: ssh.path,
        name: level,
        keyType: 'ca',
        allowUserCertificates: true,
        allowHostCertificates: false,
        allowedUsers: `agent-${level}`,
        defaultUser: `agent-${level}`,
        allowedExtensions: 'permit-pty',
        defaultExtensions: { 'permit-pty': '' },
        ttl: `${TTL}`,
        maxTtl: `${MAX_TTL}`,
        dependsOn: [ca],
      });
    }

    // database: PostgreSQL dynamic users.
    const database = new Construct(root, 'Engine-database');
    const db = new DatabaseSecretsMount(database, 'Resource', {
      path: 'agents/database',
      description: describe('postgresql', 'database'),
      ...leases,
      postgresql: [{
        name: 'database',
        connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments?sslmode=verify-full',
        username: 'vault_admin',
        passwordWo: databasePassword.stringValue,
        passwordWoVersion: 1,
        verifyConnection: false,
        allowedRoles: LEVELS,
      }],
    });
    for (const level of LEVELS) {
      const schema = '"payments"';
      new DatabaseSecretBackendRole(database, level, {
        backend: db.path,
        name: level,
        dbName: 'database',
        defaultTtl: TTL,
        maxTtl: MAX_TTL,
        creationStatements: [
          'CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;',
          `GRANT USAGE ON SCHEMA ${schema} TO "{{name}}";`,
          `GRANT ${TABLE_PRIVILEGES[level]} ON ALL TABLES IN SCHEMA ${schema} TO "{{name}}";`,
          ...(level === 'read-only' ? [] : [`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO "{{name}}";`]),
        ],
        revocationStatements: [
          `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM "{{name}}";`,
          `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM "{{name}}";`,
          `REVOKE USAGE ON SCHEMA ${schema} FROM "{{name}}";`,
          'DROP ROLE IF EXISTS "{{name}}";',
        ],
      });
    }

    // application: Kubernetes secrets engine, tokens of the pre-created level service accounts in the first target namespace.
    const application = new Construct(root, 'Engine-application');
    const kube = new KubernetesSecretBackend(application, 'Resource', {
      path: 'agents/application', description: describe('kubernetes', 'application'), ...leases,
      kubernetesHost: 'https://kubernetes.default.svc', disableLocalCaJwt: false,
    });
    for (const level of LEVELS) {
      new KubernetesSecretBackendRole(application, level, {
        backend: kube.path,
        name: level,
        allowedKubernetesNamespaces: [p.targetNamespaces[0]],
        tokenDefaultTtl: TTL,
        tokenMaxTtl: MAX_TTL,
        serviceAccountName: `agents-application-${level}`,
      });
    }

    // llm: KV v2 with static keys.
    const llm = new Construct(root, 'Engine-llm');
    const kv = new Mount(llm, 'Resource', { path: 'agents/llm', type: 'kv', options: { version: '2' }, description: describe('kv-v2', 'llm') });
    new KvSecretBackendV2(llm, 'Config', { mount: kv.path, maxVersions: 5 });

    // cloud: AWS STS.
    const cloud = new Construct(root, 'Engine-cloud');
    const aws = new AwsSecretBackend(cloud, 'Resource', { path: 'agents/cloud', description: describe('aws-sts', 'cloud'), region: 'eu-west-1', ...leases });
    for (const level of LEVELS) {
      new AwsSecretBackendRole(cloud, level, {
        backend: aws.path,
        name: level,
        credentialType: 'assumed_role',
        roleArns: [`arn:aws:iam::123456789012:role/agent-${level}`],
        defaultStsTtl: TTL,
        maxStsTtl: MAX_TTL,
      });
    }

    // One policy per phase: read/update on the credential paths of its levels, token self-management.
    PHASES.forEach((phase, rank) => {
      const paths: { [path: string]: { capabilities: string[]; allowed_parameters?: any; denied_parameters?: any } } = {};
      for (const domain of p.domains.map(d => d.name)) {
        const levels = phase === 'shadow' ? (domain === 'llm' ? ['read-only'] : []) : LEVELS.slice(0, rank);
        for (const level of levels) {
          paths[`agents/${domain}/${ENGINE[domain][0]}/${level}`] = domain === 'application'
            ? {
              capabilities: [ENGINE[domain][1]],
              allowed_parameters: { kubernetes_namespace: [p.targetNamespaces[0]], ttl: [] },
              denied_parameters: { cluster_role_binding: [], audiences: [] },
            }
            : { capabilities: [ENGINE[domain][1]] };
        }
      }
      paths['auth/token/lookup-self'] = { capabilities: ['read'] };
      paths['auth/token/renew-self'] = { capabilities: ['update'] };
      paths['auth/token/revoke-self'] = { capabilities: ['update'] };
      const sorted = Object.fromEntries(Object.keys(paths).sort().map(k => [k, paths[k]]));
      const policyScope = new Construct(root, `Policy-${phase}`);
      new Policy(policyScope, 'Resource', { name: `agent-phase-${phase}`, policy: JSON.stringify({ path: sorted }, undefined, 2) });
    });

    // Two audit devices, so Vault keeps serving when one cannot log.
    const audit = new Construct(root, 'Audit');
    new Audit(audit, 'Resource', {
      type: 'file', path: `${ns}-file`, local: false, description: 'cdk-agent-trust: file audit device',
      options: { file_path: '/vault/audit/vault-audit.log', log_raw: 'false' },
    });
    new Audit(audit, `${ns}-syslog`, {
      type: 'syslog', path: `${ns}-syslog`, local: false, description: 'cdk-agent-trust: syslog audit device',
      options: { facility: 'AUTH', tag: 'vault', log_raw: 'false' },
    });
  }
}

/** Synthesized with `Testing.synth`, as the library side is. */
export function baselineVault(p: FleetParams, outdir?: string): any {
  const stack = new BaselineVaultStack(Testing.app(outdir ? { outdir } : {}), 'agent-trust-vault', p);
  return JSON.parse(Testing.synth(stack));
}
