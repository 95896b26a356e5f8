import { AwsSecretBackend } from '@cdktf/provider-vault/lib/aws-secret-backend';
import { AwsSecretBackendRole } from '@cdktf/provider-vault/lib/aws-secret-backend-role';
import { DatabaseSecretBackendRole } from '@cdktf/provider-vault/lib/database-secret-backend-role';
import { DatabaseSecretsMount } from '@cdktf/provider-vault/lib/database-secrets-mount';
import { KubernetesSecretBackend } from '@cdktf/provider-vault/lib/kubernetes-secret-backend';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { SshSecretBackendCa } from '@cdktf/provider-vault/lib/ssh-secret-backend-ca';
import { SshSecretBackendRole } from '@cdktf/provider-vault/lib/ssh-secret-backend-role';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import {
  AccessLevel, CredentialRoles, Domain, TrustDuration, EngineConfig, SecretEngineKind, TrustLadder, TrustNames, TrustPhase, VaultDomainSecretEngine,
} from '../../lib';
import { errorOf, fleet, problemsOf, resources, secretVar, stack, synthJson } from './fixtures';

const LEVELS = ['read-only', 'limited-write', 'autonomous'];
const ARNS = AccessLevel.credentialLevels().map(level => ({ level, roleArn: `arn:aws:iam::123456789012:role/agent-${level.name}` }));

function pg(s: TerraformStack, extra: { [key: string]: any } = {}): EngineConfig {
  return EngineConfig.postgresql({
    connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments',
    username: 'vault_admin',
    password: extra.password ?? secretVar(s, 'db_password'),
    ...extra,
  });
}

describe('VaultDomainSecretEngine: PostgreSQL', () => {
  test('mount with the plugin block, a write-only password and one role per level bounded by the deadline', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Database', { fleet: f, domain: Domain.DATABASE, config: pg(scope as TerraformStack) });
    });
    expect(out).toHaveResourceWithProperties(DatabaseSecretsMount, {
      path: 'agents/database',
      default_lease_ttl_seconds: 900,
      max_lease_ttl_seconds: 960,
      postgresql: [expect.objectContaining({
        name: 'database',
        username: 'vault_admin',
        password_wo: '${var.db_password}',
        password_wo_version: 1,
        allowed_roles: LEVELS,
        verify_connection: true,
      })],
    });
    for (const level of LEVELS) {
      expect(out).toHaveResourceWithProperties(DatabaseSecretBackendRole, {
        name: level, db_name: 'database', default_ttl: 900, max_ttl: 960,
      });
    }
    const json = JSON.parse(out);
    const roles = Object.values(resources(json, 'vault_database_secret_backend_role')) as any[];
    const byName = (n: string) => roles.find(r => r.name === n);
    expect(byName('read-only').creation_statements.join('\n')).toMatch(/GRANT SELECT ON ALL TABLES IN SCHEMA "public"/);
    expect(byName('read-only').creation_statements.join('\n')).not.toMatch(/INSERT|UPDATE|DELETE/);
    expect(byName('limited-write').creation_statements.join('\n')).toMatch(/GRANT SELECT, INSERT, UPDATE ON ALL TABLES/);
    expect(byName('limited-write').creation_statements.join('\n')).not.toMatch(/DELETE/);
    expect(byName('autonomous').creation_statements.join('\n')).toMatch(/GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES/);
    for (const r of roles) {
      expect(r.creation_statements[0]).toMatch(/NOSUPERUSER NOCREATEDB NOCREATEROLE/);
      expect(r.revocation_statements[r.revocation_statements.length - 1]).toBe('DROP ROLE IF EXISTS "{{name}}";');
      expect(r.backend).toMatch(/^\$\{vault_database_secrets_mount\.[^}]+\.path\}$/);
    }
    expect(json).toMatchSnapshot();
  });

  test('named schemas and overridden statements of one level replace the defaults', () => {
    const f = fleet();
    const out = JSON.parse(Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Database', {
        fleet: f, domain: Domain.DATABASE, config: pg(scope as TerraformStack, {
          schemas: ['payments', 'ledger'],
          statements: [{
            level: AccessLevel.READ_ONLY,
            creation: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\';', 'GRANT pg_read_all_data TO "{{name}}";'],
            revocation: ['DROP ROLE IF EXISTS "{{name}}";'],
          }],
        }),
      });
    }));
    const roles = Object.values(resources(out, 'vault_database_secret_backend_role')) as any[];
    expect(roles.find(r => r.name === 'read-only').creation_statements[1]).toBe('GRANT pg_read_all_data TO "{{name}}";');
    const lw = roles.find(r => r.name === 'limited-write').creation_statements.join('\n');
    expect(lw).toMatch(/SCHEMA "payments"/);
    expect(lw).toMatch(/SCHEMA "ledger"/);
  });

  test('a connection URL with an embedded password fails, naming the field and the masked value', () => {
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Database', {
      fleet: fleet(), domain: Domain.DATABASE,
      config: pg(s, { connectionUrl: 'postgres://vault_admin:hunter2@postgres.payments.svc:5432/payments' }),
    }));
    expect(problems).toEqual([expect.objectContaining({
      path: 'test/Database',
      field: 'config.connectionUrl',
      value: '"postgres://vault_admin:***@postgres.payments.svc:5432/payments"',
      message: expect.stringMatching(/embeds a password/),
    })]);
    // The password itself never appears in the error.
    expect(JSON.stringify(problems)).not.toContain('hunter2');
    const s2 = stack();
    const message = errorOf(() => new VaultDomainSecretEngine(s2, 'Database', {
      fleet: fleet(), domain: Domain.DATABASE, config: pg(s2, { connectionUrl: 'postgresql://x@h/db?password=hunter2' }),
    }));
    expect(message).toMatch(/config\.connectionUrl = .*password=\*\*\*.*embeds a password parameter/);
  });

  test('secrets must be sensitive variables without default', () => {
    const s = stack();
    const plain = new TerraformVariable(s, 'plain', { type: 'string' });
    const withDefault = new TerraformVariable(s, 'defaulted', { type: 'string', sensitive: true, default: 'hunter2' });
    const p1 = problemsOf(() => new VaultDomainSecretEngine(s, 'A', {
      fleet: fleet(), domain: Domain.DATABASE, config: pg(s, { password: plain }),
    }));
    expect(p1).toEqual([expect.objectContaining({ field: 'config.password', value: '"var.plain"', message: expect.stringMatching(/not marked sensitive/) })]);
    const p2 = problemsOf(() => new VaultDomainSecretEngine(s, 'B', {
      fleet: fleet(), domain: Domain.DATABASE, config: pg(s, { password: withDefault }),
    }));
    expect(p2).toEqual([expect.objectContaining({ field: 'config.password', message: expect.stringMatching(/has a default value/) })]);
    expect(JSON.stringify(p2)).not.toContain('hunter2');
    const p3 = problemsOf(() => new VaultDomainSecretEngine(s, 'C', {
      fleet: fleet(), domain: Domain.DATABASE, config: pg(s, { password: 'hunter2' as any }),
    }));
    expect(p3).toEqual([expect.objectContaining({ field: 'config.password', value: '"(a literal string)"' })]);
  });

  test('overridden statements with superuser rights, DDL or a literal password fail, all reported at once', () => {
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Database', {
      fleet: fleet(), domain: Domain.DATABASE, config: pg(s, {
        schemas: ['public; DROP TABLE x'],
        statements: [
          { level: AccessLevel.READ_ONLY, creation: ['CREATE ROLE "{{name}}" WITH LOGIN SUPERUSER PASSWORD \'{{password}}\';'], revocation: ['DROP ROLE "{{name}}";'] },
          { level: AccessLevel.LIMITED_WRITE, creation: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'letmein\';'], revocation: [] },
          { level: AccessLevel.AUTONOMOUS, creation: ['CREATE ROLE "{{name}}" LOGIN PASSWORD \'{{password}}\';', 'CREATE TABLE audit_copy (x int);'], revocation: ['DROP ROLE "{{name}}";'] },
        ],
      }),
    }));
    const fields = problems.map(p => `${p.field}: ${p.message}`);
    expect(fields).toEqual(expect.arrayContaining([
      expect.stringMatching(/^config\.schemas\[0\]: is not a plain SQL identifier/),
      expect.stringMatching(/^config\.statements\[0\]\.creation\[0\]: grants SUPERUSER/),
      expect.stringMatching(/^config\.statements\[1\]\.revocation: lists no statement/),
      expect.stringMatching(/^config\.statements\[1\]\.creation\[0\]: sets a literal password/),
      expect.stringMatching(/^config\.statements\[2\]\.creation\[1\]: grants DDL/),
    ]));
    expect(JSON.stringify(problems)).not.toContain('letmein');
  });
});

describe('VaultDomainSecretEngine: MySQL', () => {
  test('needs named databases; renders the mysql block and per-level grants', () => {
    const f = fleet({ domains: [{ domain: Domain.DATABASE, engine: SecretEngineKind.MYSQL }, { domain: Domain.LLM }] });
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Database', {
        fleet: f, domain: Domain.DATABASE, config: EngineConfig.mysql({
          connectionUrl: '{{username}}:{{password}}@tcp(mysql.payments.svc:3306)/',
          username: 'vault_admin', password: secretVar(scope as TerraformStack, 'pw'), databases: ['orders'],
        }),
      });
    });
    expect(out).toHaveResourceWithProperties(DatabaseSecretsMount, {
      path: 'agents/database',
      mysql: [expect.objectContaining({ connection_url: '{{username}}:{{password}}@tcp(mysql.payments.svc:3306)/', password_wo: '${var.pw}' })],
    });
    expect(out).toHaveResourceWithProperties(DatabaseSecretBackendRole, {
      name: 'autonomous',
      creation_statements: ['CREATE USER \'{{name}}\'@\'%\' IDENTIFIED BY \'{{password}}\' WITH MAX_USER_CONNECTIONS 5;',
        'GRANT SELECT, INSERT, UPDATE, DELETE ON `orders`.* TO \'{{name}}\'@\'%\';'],
      revocation_statements: CredentialRoles.mysqlRevocation(5),
    });
    expect(JSON.parse(out)).toMatchSnapshot();
    // Without databases it fails, naming the field.
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Db', {
      fleet: f, domain: Domain.DATABASE, config: EngineConfig.mysql({
        connectionUrl: 'vault:pw1234@tcp(mysql:3306)/', username: 'vault_admin', password: secretVar(s, 'pw'), databases: [],
      }),
    }));
    expect(problems.map(p => p.field)).toEqual(expect.arrayContaining(['config.connectionUrl', 'config.databases']));
    expect(problems.find(p => p.field === 'config.connectionUrl')!.value).toBe('"vault:***@tcp(mysql:3306)/"');
  });

  test('maxConnectionsPerUser sets the cap and the kill rounds; a bad value and custom statements that leave sessions open fail', () => {
    const f = fleet({ domains: [{ domain: Domain.DATABASE, engine: SecretEngineKind.MYSQL }, { domain: Domain.LLM }] });
    const conn = (scope: TerraformStack) => ({ connectionUrl: '{{username}}:{{password}}@tcp(h:3306)/', username: 'u', password: secretVar(scope, 'p'),
      databases: ['orders'] });
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Database', { fleet: f, domain: Domain.DATABASE,
        config: EngineConfig.mysql({ ...conn(scope as TerraformStack), maxConnectionsPerUser: 2 }) });
    });
    expect(out).toHaveResourceWithProperties(DatabaseSecretBackendRole, {
      name: 'read-only', revocation_statements: CredentialRoles.mysqlRevocation(2),
      creation_statements: expect.arrayContaining([expect.stringMatching(/WITH MAX_USER_CONNECTIONS 2;$/)]),
    });
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Database', { fleet: f, domain: Domain.DATABASE,
      config: EngineConfig.mysql({ ...conn(s), maxConnectionsPerUser: 1e9, statements: [
        { level: AccessLevel.READ_ONLY, creation: ['CREATE USER \'{{name}}\'@\'%\' IDENTIFIED BY \'{{password}}\';'],
          revocation: ['DROP USER IF EXISTS \'{{name}}\'@\'%\';'] },
      ] }) }));
    expect(problems).toEqual([
      expect.objectContaining({ field: 'config.maxConnectionsPerUser', value: '1000000000' }),
      expect.objectContaining({ field: 'config.statements[0].creation', message: expect.stringMatching(/does not cap the user's sessions/) }),
    ]);
  });

  test('a config of another kind than the fleet declares fails, naming both kinds', () => {
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Database', {
      fleet: fleet(), domain: Domain.DATABASE,
      config: EngineConfig.mysql({ connectionUrl: '{{username}}:{{password}}@tcp(h:3306)/', username: 'u', password: secretVar(s, 'p'), databases: ['d'] }),
    }));
    expect(problems).toEqual([expect.objectContaining({ field: 'config', value: 'mysql', message: expect.stringMatching(/"postgresql"/) })]);
  });
});

describe('VaultDomainSecretEngine: AWS STS', () => {
  test('assumed_role per level with STS TTLs = deadline / deadline + margin, no keys by default', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Cloud', { fleet: f, domain: Domain.CLOUD, config: EngineConfig.awsSts({ roles: ARNS, region: 'eu-west-1' }) });
    });
    expect(out).toHaveResourceWithProperties(AwsSecretBackend, {
      path: 'agents/cloud', region: 'eu-west-1', default_lease_ttl_seconds: 900, max_lease_ttl_seconds: 960,
    });
    for (const level of LEVELS) {
      expect(out).toHaveResourceWithProperties(AwsSecretBackendRole, {
        name: level, credential_type: 'assumed_role', role_arns: [`arn:aws:iam::123456789012:role/agent-${level}`],
        default_sts_ttl: 900, max_sts_ttl: 960,
      });
    }
    const json = JSON.parse(out);
    const backend = Object.values(resources(json, 'vault_aws_secret_backend'))[0] as any;
    expect(backend.access_key).toBeUndefined();
    expect(backend.secret_key).toBeUndefined();
    expect(json).toMatchSnapshot();
  });

  test('an engine with no roles at all fails, once per level the phases use', () => {
    const problems = problemsOf(() => new VaultDomainSecretEngine(stack(), 'Cloud', {
      fleet: fleet(), domain: Domain.CLOUD, config: EngineConfig.awsSts({ roles: [] }),
    }));
    expect(problems.map(p => `${p.path}: ${p.field} = ${p.value}: ${p.message}`)).toEqual([
      'test/Cloud: config.roles = []: has no credential role for level "read-only", which phase(s) read-only, limited-write, autonomous may request in domain "cloud"',
      'test/Cloud: config.roles = []: has no credential role for level "limited-write", which phase(s) limited-write, autonomous may request in domain "cloud"',
      'test/Cloud: config.roles = []: has no credential role for level "autonomous", which phase(s) autonomous may request in domain "cloud"',
    ]);
  });

  test('keys, when given, are variable references', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      const s = scope as TerraformStack;
      new VaultDomainSecretEngine(scope, 'Cloud', { fleet: f, domain: Domain.CLOUD,
        config: EngineConfig.awsSts({ roles: ARNS, accessKey: secretVar(s, 'aws_access_key'), secretKey: secretVar(s, 'aws_secret_key') }) });
    });
    expect(out).toHaveResourceWithProperties(AwsSecretBackend, { access_key: '${var.aws_access_key}', secret_key: '${var.aws_secret_key}' });
  });

  test('a missing level, a bad ARN, a lone key and a deadline below the STS minimum are all reported', () => {
    const f = fleet({ jobDeadline: TrustDuration.minutes(10) });
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Cloud', {
      fleet: f, domain: Domain.CLOUD, config: EngineConfig.awsSts({
        roles: [ARNS[0], { level: AccessLevel.LIMITED_WRITE, roleArn: 'arn:aws:iam::*:role/*' }],
        accessKey: secretVar(s, 'k'),
      }),
    }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'config.roles', value: '["read-only","limited-write"]', message: expect.stringMatching(/no credential role for level "autonomous", which phase\(s\) autonomous may request/) }),
      expect.objectContaining({ field: 'config.roles[1].roleArn', value: '"arn:aws:iam::*:role/*"' }),
      expect.objectContaining({ field: 'config.secretKey', message: expect.stringMatching(/come together/) }),
      expect.objectContaining({ field: 'defaultTtl', value: '"600s"', message: expect.stringMatching(/900s AWS STS/) }),
    ]));
  });
});

describe('VaultDomainSecretEngine: Kubernetes secrets engine', () => {
  test('roles limited to the first target namespace, each naming its level\'s pre-created ServiceAccount (no generated Roles)', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Application', { fleet: f, domain: Domain.APPLICATION,
        config: EngineConfig.kubernetes({ kubernetesHost: 'https://kubernetes.default.svc' }) });
    });
    expect(out).toHaveResourceWithProperties(KubernetesSecretBackend, {
      path: 'agents/application', kubernetes_host: 'https://kubernetes.default.svc', disable_local_ca_jwt: false,
    });
    const json = JSON.parse(out);
    const roles = Object.values(resources(json, 'vault_kubernetes_secret_backend_role')) as any[];
    expect(roles.map(r => r.name).sort()).toEqual([...LEVELS].sort());
    for (const r of roles) {
      // The level ServiceAccounts live in the first target namespace; their RoleBindings reach the others.
      expect(r.allowed_kubernetes_namespaces).toEqual(['payments']);
      // service_account_name mode: Vault creates no ServiceAccount, Role or RoleBinding (issue #17).
      expect(r.service_account_name).toBe(TrustNames.kubernetesEngineServiceAccount('agents/application', r.name));
      expect(r.service_account_name).toBe(`agents-application-${r.name}`);
      expect(r).not.toHaveProperty('generated_role_rules');
      expect(r).not.toHaveProperty('kubernetes_role_name');
      expect(r).not.toHaveProperty('kubernetes_role_type');
      expect(r.token_default_ttl).toBe(900);
      expect(r.token_max_ttl).toBe(960);
    }
    expect(json).toMatchSnapshot();
  });

  test('roles passed here (they moved to VaultKubernetesEngineAccess) and a bad host fail naming the field', () => {
    const f = fleet();
    const problems = problemsOf(() => new VaultDomainSecretEngine(stack(), 'Application', { fleet: f, domain: Domain.APPLICATION,
      config: EngineConfig.kubernetes({ kubernetesHost: 'http://user:pw@api', roles: [] } as any) }));
    expect(problems).toEqual([
      expect.objectContaining({ field: 'config.kubernetesHost' }),
      expect.objectContaining({ field: 'config.roles', hint: expect.stringMatching(/VaultKubernetesEngineAccess/) }),
    ]);
  });
});

describe('VaultDomainSecretEngine: SSH certificates', () => {
  test('ssh mount, a Vault-generated CA and short-lived user certificates per level', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Network', { fleet: f, domain: Domain.NETWORK, config: EngineConfig.sshCertificates() });
    });
    expect(out).toHaveResourceWithProperties(Mount, { path: 'agents/network', type: 'ssh', max_lease_ttl_seconds: 960 });
    expect(out).toHaveResourceWithProperties(SshSecretBackendCa, { generate_signing_key: true });
    for (const level of LEVELS) {
      expect(out).toHaveResourceWithProperties(SshSecretBackendRole, {
        name: level, key_type: 'ca', allow_user_certificates: true, allow_host_certificates: false,
        allowed_users: `agent-${level}`, default_user: `agent-${level}`, ttl: '900', max_ttl: '960',
        allowed_extensions: 'permit-pty',
      });
    }
    const json = JSON.parse(out);
    const ca = Object.values(resources(json, 'vault_ssh_secret_backend_ca'))[0] as any;
    expect(ca.private_key).toBeUndefined();
    expect(json).toMatchSnapshot();
  });

  test('users per level are checked: root, wildcards and a missing level fail', () => {
    const problems = problemsOf(() => new VaultDomainSecretEngine(stack(), 'Network', { fleet: fleet(), domain: Domain.NETWORK,
      config: EngineConfig.sshCertificates({ users: [
        { level: AccessLevel.READ_ONLY, users: ['root'] },
        { level: AccessLevel.LIMITED_WRITE, users: ['*'] },
      ] }) }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'config.users[0].users[0]', value: '"root"' }),
      expect.objectContaining({ field: 'config.users[1].users[0]', value: '"*"' }),
      expect.objectContaining({ field: 'config.users', message: expect.stringMatching(/no credential role for level "autonomous"/) }),
    ]));
    expect(problems).toHaveLength(3);
  });
});

describe('VaultDomainSecretEngine: KV v2', () => {
  test('kv version 2 mount; no values written unless opted in, then write-only from a sensitive variable', () => {
    const f = fleet();
    const plain = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Llm', { fleet: f, domain: Domain.LLM, config: EngineConfig.kvV2() });
    });
    expect(plain).toHaveResourceWithProperties(Mount, { path: 'agents/llm', type: 'kv', options: { version: '2' } });
    expect(plain).not.toHaveResource(KvSecretV2);
    expect(JSON.parse(plain)).toMatchSnapshot();
    const opted = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Llm', { fleet: f, domain: Domain.LLM, config: EngineConfig.kvV2({
        secrets: [{ level: AccessLevel.READ_ONLY, dataJson: secretVar(scope as TerraformStack, 'llm_keys') }],
      }) });
    });
    expect(opted).toHaveResourceWithProperties(KvSecretV2, { name: 'read-only', data_json_wo: '${var.llm_keys}', data_json_wo_version: 1 });
    const kv = Object.values(resources(JSON.parse(opted), 'vault_kv_secret_v2'))[0] as any;
    expect(kv.data_json).toBeUndefined();
  });

  test('a secret for a level no phase reads fails', () => {
    const ladder = new TrustLadder([
      { phase: TrustPhase.SHADOW, description: 'only', kubernetesRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], defaultAccess: AccessLevel.READ_ONLY },
    ]);
    const s = stack();
    const problems = problemsOf(() => new VaultDomainSecretEngine(s, 'Llm', { fleet: fleet({ ladder }), domain: Domain.LLM, config: EngineConfig.kvV2({
      secrets: [{ level: AccessLevel.AUTONOMOUS, dataJson: secretVar(s, 'k') }],
    }) }));
    expect(problems).toEqual([expect.objectContaining({ field: 'config.secrets[0].level', value: '"autonomous"', message: expect.stringMatching(/no phase may read/) })]);
  });
});

describe('VaultDomainSecretEngine: TTLs, domains and mount collisions', () => {
  test('a TTL beyond the deadline (or deadline + margin) fails, naming field and value', () => {
    const problems = problemsOf(() => new VaultDomainSecretEngine(stack(), 'Llm', {
      fleet: fleet(), domain: Domain.LLM, config: EngineConfig.kvV2(), defaultTtl: TrustDuration.minutes(20), maxTtl: TrustDuration.hours(1),
    }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'test/Llm', field: 'defaultTtl', value: '20 minutes (1200s)', message: expect.stringMatching(/longer than the Job deadline \(900s\)/) }),
      expect.objectContaining({ path: 'test/Llm', field: 'maxTtl', value: '1 hours (3600s)', message: expect.stringMatching(/token's explicit max TTL \(Job deadline \+ margin = 960s\)/) }),
    ]));
  });

  test('shorter TTLs are used as given', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      new VaultDomainSecretEngine(scope, 'Cloud', { fleet: f, domain: Domain.CLOUD, config: EngineConfig.awsSts({ roles: ARNS }), maxTtl: TrustDuration.seconds(930) });
    });
    expect(out).toHaveResourceWithProperties(AwsSecretBackendRole, { name: 'read-only', default_sts_ttl: 900, max_sts_ttl: 930 });
  });

  test('a domain the fleet does not declare fails', () => {
    const f = fleet({ domains: [{ domain: Domain.LLM }] });
    const problems = problemsOf(() => new VaultDomainSecretEngine(stack(), 'Db', { fleet: f, domain: Domain.DATABASE, config: EngineConfig.kvV2() }));
    expect(problems).toEqual([expect.objectContaining({ field: 'domain', value: '"database"', message: expect.stringMatching(/not declared in the fleet/) })]);
  });

  test('two engines at the same mount, or a mount nested in an engine\'s, fail synth naming both paths', () => {
    const f = fleet();
    const s = stack();
    new VaultDomainSecretEngine(s, 'Llm', { fleet: f, domain: Domain.LLM, config: EngineConfig.kvV2() });
    new VaultDomainSecretEngine(s, 'LlmAgain', { fleet: f, domain: Domain.LLM, config: EngineConfig.kvV2() });
    new Mount(s, 'Custom', { path: 'agents/llm/extra', type: 'kv' });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/\[test\/Llm\] test\/Llm: mountPath = "agents\/llm": collides with the vault_mount at "agents\/llm" \(test\/LlmAgain\/Resource\)/);
    expect(message).toMatch(/\[test\/LlmAgain\] .*collides with the vault_mount at "agents\/llm" \(test\/Llm\/Resource\)/);
    expect(message).toMatch(/\[test\/Llm\] .*collides with the vault_mount at "agents\/llm\/extra" \(test\/Custom\)/);
  });

  test('distinct mounts synthesize with validations on', () => {
    const f = fleet();
    const s = stack();
    new VaultDomainSecretEngine(s, 'Llm', { fleet: f, domain: Domain.LLM, config: EngineConfig.kvV2() });
    new Mount(s, 'Other', { path: 'agents/llm-archive', type: 'kv' });
    expect(() => synthJson(s)).not.toThrow();
  });
});
