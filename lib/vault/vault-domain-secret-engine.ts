import { AwsSecretBackend } from '@cdktf/provider-vault/lib/aws-secret-backend';
import { AwsSecretBackendRole } from '@cdktf/provider-vault/lib/aws-secret-backend-role';
import { DatabaseSecretBackendRole } from '@cdktf/provider-vault/lib/database-secret-backend-role';
import { DatabaseSecretsMount } from '@cdktf/provider-vault/lib/database-secrets-mount';
import { KubernetesSecretBackend } from '@cdktf/provider-vault/lib/kubernetes-secret-backend';
import { KubernetesSecretBackendRole } from '@cdktf/provider-vault/lib/kubernetes-secret-backend-role';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { SshSecretBackendCa } from '@cdktf/provider-vault/lib/ssh-secret-backend-ca';
import { SshSecretBackendRole } from '@cdktf/provider-vault/lib/ssh-secret-backend-role';
import { TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  AccessLevel, AgentFleet, CredentialRoles, CredentialTtls, DatabaseLevelStatements, Domain, TrustDuration,
  ResolvedDomain, SecretEngineKind, SshLevelUsers, TrustNames,
} from '../model';
import {
  AwsStsEngineProps, DatabaseEngineProps, EngineConfig, KubernetesEngineProps, KvV2EngineProps, SshCertificatesEngineProps,
} from './engine-config';
import { RenderedEngine } from './private/engine-binder';
import { SecretInput } from './private/secret-input';
import { InputRules } from '../model/private/input-rules';
import { StackMounts } from './private/stack-mounts';
import { ProblemCollector } from '../model/private/problem-collector';

/** Props of `VaultDomainSecretEngine`. */
export interface VaultDomainSecretEngineProps {
  /** The fleet: gives the domain's mount path, engine kind, levels in use, deadline and target namespaces. */
  readonly fleet: AgentFleet;
  /** The domain this engine serves (must be declared in the fleet; its mount path comes from the fleet). */
  readonly domain: Domain;
  /** Kind-specific configuration; its kind must be the fleet's engine kind for the domain. */
  readonly config: EngineConfig;
  /**
   * Default lease TTL of every credential role.
   * @default - the fleet's Job deadline
   */
  readonly defaultTtl?: TrustDuration;
  /**
   * Maximum lease TTL of every credential role (and of the mount).
   * @default - the fleet's Job deadline + TTL margin
   */
  readonly maxTtl?: TrustDuration;
}

const ENGINE_SYMBOL = Symbol.for('cdk-agent-trust.VaultDomainSecretEngine');

/** Terraform types that mount a secrets engine, so their paths may not collide with an engine's. */
const MOUNT_TYPES = ['vault_mount', 'vault_database_secrets_mount', 'vault_aws_secret_backend', 'vault_kubernetes_secret_backend',
  'vault_gcp_secret_backend', 'vault_azure_secret_backend', 'vault_ldap_secret_backend', 'vault_ad_secret_backend',
  'vault_consul_secret_backend', 'vault_nomad_secret_backend', 'vault_rabbitmq_secret_backend', 'vault_transit_secret_backend',
  'vault_terraform_cloud_secret_backend', 'vault_kmip_secret_backend', 'vault_mongodbatlas_secret_backend'];

/** Lowest lease AWS STS AssumeRole issues. */
const STS_MIN_SECONDS = 900;

/**
 * One infrastructure domain's dynamic secrets at its own Vault mount
 * (`agents/<domain>` unless the fleet says otherwise), with one credential
 * role per access level some phase may request, named after the level, and
 * lease TTLs bounded by the Job deadline (the mount's own lease limits are
 * set to the same bounds, so no role can outlive them).
 *
 * Kinds: PostgreSQL / MySQL (`vault_database_secrets_mount`), AWS STS
 * (`vault_aws_secret_backend`), the Kubernetes secrets engine, SSH
 * certificates (`vault_mount` type ssh + CA) and KV v2 (static keys, read
 * through Vault only). Secrets (database passwords, keys, JWTs) are taken
 * only as sensitive TerraformVariables; database passwords and KV values go
 * through write-only attributes and never reach the Terraform state.
 *
 * Two engines (or any other secrets mount in the stack) with the same or
 * nested paths fail synth.
 */
export class VaultDomainSecretEngine extends Construct {
  /** Whether `x` is a VaultDomainSecretEngine (works across copies of the library). */
  public static isVaultDomainSecretEngine(x: any): boolean {
    return x !== null && typeof x === 'object' && ENGINE_SYMBOL in x;
  }

  /** The fleet. */
  public readonly fleet: AgentFleet;
  /** The domain. */
  public readonly domain: Domain;
  /** The engine kind. */
  public readonly kind: SecretEngineKind;
  /** Mount path, from the fleet. */
  public readonly mountPath: string;
  /** Lease TTLs of every credential role. */
  public readonly ttls: CredentialTtls;
  /** The levels that have a credential role, lowest first. */
  public readonly levels: AccessLevel[];
  /** The mount resource (escape hatch: `addOverride`). */
  public readonly mount: TerraformResource;
  /** The credential role resources, in the order of `levels` (for KV v2: the secrets Terraform writes, if any). */
  public readonly roles: TerraformResource[];
  /** The SSH CA resource, for SSH engines. */
  public readonly sshCa?: SshSecretBackendCa;

  public constructor(scope: Construct, id: string, props: VaultDomainSecretEngineProps) {
    super(scope, id);
    Object.defineProperty(this, ENGINE_SYMBOL, { value: true });
    const problems = new ProblemCollector();
    const path = this.node.path;
    this.fleet = props.fleet;
    this.domain = props.domain;
    const resolved = props.fleet.domains.find(d => d.domain.name === props.domain?.name);
    if (!resolved) {
      problems.add(path, 'domain', props.domain?.name, 'is not declared in the fleet, so no phase policy grants its paths',
        `declare it in AgentFleet domains, or use one of ${props.fleet.domains.map(d => d.domain.name).join(', ')}`);
      problems.throwIfAny(path);
    }
    const domain = resolved as ResolvedDomain;
    this.kind = domain.engine;
    this.mountPath = domain.mountPath;
    if (!props.config || props.config.kind !== domain.engine) {
      problems.add(path, 'config', props.config?.kind,
        `does not match the engine the fleet declares for domain "${domain.domain.name}" ("${domain.engine.name}"); the phase policies grant "${domain.engine.segment}" paths of that engine`,
        `use the EngineConfig factory for ${domain.engine.name}, or change the domain's engine in the fleet`);
      problems.throwIfAny(path);
    }
    CredentialRoles._checkTtls(problems, path, props.fleet, props.defaultTtl, props.maxTtl);
    this.ttls = CredentialRoles.ttls(props.fleet, props.defaultTtl, props.maxTtl);
    this.levels = CredentialRoles.requiredLevels(props.fleet, domain.domain);

    const render = this.renderer(domain, props.config, problems);
    problems.throwIfAny(path);
    const out = render();
    this.mount = out.mount;
    this.roles = out.roles;
    this.sshCa = out.sshCa;

    this.node.addValidation({ validate: () => this.collisions() });
  }

  /** The Vault role names, in the order of `levels`. */
  public get roleNames(): string[] {
    return this.levels.map(l => l.name);
  }

  /** The path an agent calls for a credential of `level`. */
  public credentialPath(level: AccessLevel): string {
    return this.kind.credentialPath(this.mountPath, level.name);
  }

  /** Validate the kind-specific props and return the function that creates the resources (the config picks its kind's renderer). */
  private renderer(domain: ResolvedDomain, config: EngineConfig, problems: ProblemCollector): () => Rendered {
    return config._bind({
      database: (kind, props, schemas, databases, maxConnections) => this.database(domain, kind, props, schemas, databases, maxConnections, problems),
      awsSts: props => this.awsSts(domain, props, problems),
      kubernetes: props => this.kubernetes(domain, props, problems),
      sshCertificates: props => this.ssh(domain, props, problems),
      kvV2: props => this.kv(domain, props, problems),
    });
  }

  private description(domain: ResolvedDomain): string {
    return `cdk-agent-trust: ${domain.engine.name} credentials of domain "${domain.domain.name}" for agents in namespace "${this.fleet.namespace}"`;
  }

  private database(domain: ResolvedDomain, kind: SecretEngineKind, props: DatabaseEngineProps, schemas: string[] | undefined,
    databases: string[] | undefined, maxConnections: number | undefined, problems: ProblemCollector): () => Rendered {
    const path = this.node.path;
    const isPg = kind === SecretEngineKind.POSTGRESQL;
    SecretInput.checkUrl(problems, path, 'config.connectionUrl', props.connectionUrl);
    if (typeof props.connectionUrl === 'string' && !Token.isUnresolved(props.connectionUrl)) {
      const scheme = isPg ? /^postgres(ql)?:\/\//.test(props.connectionUrl) : !/^[a-z]+:\/\//.test(props.connectionUrl);
      if (!scheme) {
        problems.add(path, 'config.connectionUrl', props.connectionUrl.replace(/:[^:@/]*@/, ':***@'),
          isPg ? 'is not a postgres:// or postgresql:// URL' : 'is not a MySQL DSN (user:pass@tcp(host:3306)/)',
          isPg ? 'write "postgresql://{{username}}:{{password}}@host:5432/db?sslmode=verify-full"'
            : 'write "{{username}}:{{password}}@tcp(host:3306)/"');
      }
    }
    if (typeof props.username !== 'string' || props.username.length === 0) {
      problems.add(path, 'config.username', props.username, 'must name the account Vault connects as', 'e.g. "vault_admin"');
    }
    if (props.password === undefined) {
      problems.add(path, 'config.password', undefined, 'is required', 'pass a TerraformVariable with sensitive: true');
    }
    SecretInput.check(problems, path, 'config.password', props.password);
    let statements: DatabaseLevelStatements[];
    if (isPg) {
      if (schemas !== undefined) {
        CredentialRoles._checkIdentifiers(problems, path, 'config.schemas', schemas);
      }
      statements = CredentialRoles.postgresqlStatements(schemas);
    } else {
      CredentialRoles._checkIdentifiers(problems, path, 'config.databases', databases ?? []);
      CredentialRoles._checkMysqlMaxConnections(problems, path, 'config.maxConnectionsPerUser', maxConnections);
      statements = CredentialRoles.mysqlStatements(databases ?? [],
        maxConnections !== undefined && CredentialRoles.isMysqlMaxConnections(maxConnections) ? maxConnections : undefined);
    }
    if (props.statements) {
      CredentialRoles._checkDatabaseStatements(problems, path, 'config.statements', props.statements);
      if (!isPg) {
        CredentialRoles._checkMysqlSessionKill(problems, path, 'config.statements', props.statements);
      }
      props.statements.forEach((s, i) => {
        if (props.statements!.findIndex(o => o.level?.name === s.level?.name) !== i) {
          problems.add(path, `config.statements[${i}].level`, s.level?.name, 'is listed twice', 'give each level one entry');
        }
      });
      statements = statements.map(d => props.statements!.find(s => s.level?.name === d.level.name) ?? d);
    }
    return () => {
      const connection = domain.domain.name;
      const block = {
        name: connection,
        connectionUrl: props.connectionUrl,
        username: props.username,
        passwordWo: props.password.stringValue,
        passwordWoVersion: props.passwordVersion ?? 1,
        allowedRoles: this.roleNames,
        verifyConnection: props.verifyConnection ?? true,
      };
      const mount = new DatabaseSecretsMount(this, 'Resource', {
        path: this.mountPath,
        description: this.description(domain),
        defaultLeaseTtlSeconds: this.ttls.defaultTtlSeconds,
        maxLeaseTtlSeconds: this.ttls.maxTtlSeconds,
        ...(isPg ? { postgresql: [block] } : { mysql: [block] }),
      });
      // Each read of `mount.path` is a new cdktf reference, which records the whole call stack:
      // read it once per engine and create the roles in plain loops (every renderer does).
      const backend = mount.path;
      const roles: TerraformResource[] = [];
      for (const level of this.levels) {
        const s = statements.find(x => x.level.name === level.name)!;
        roles.push(new DatabaseSecretBackendRole(this, level.name, {
          backend,
          name: level.name,
          dbName: connection,
          creationStatements: [...s.creation],
          revocationStatements: [...s.revocation],
          defaultTtl: this.ttls.defaultTtlSeconds,
          maxTtl: this.ttls.maxTtlSeconds,
        }));
      }
      return { mount, roles };
    };
  }

  private awsSts(domain: ResolvedDomain, props: AwsStsEngineProps, problems: ProblemCollector): () => Rendered {
    const path = this.node.path;
    const roles = props.roles ?? [];
    CredentialRoles._checkCoverage(problems, path, 'config.roles', this.fleet, domain.domain, roles.map(r => r.level));
    CredentialRoles._checkAwsRoles(problems, path, 'config.roles', roles);
    SecretInput.check(problems, path, 'config.accessKey', props.accessKey);
    SecretInput.check(problems, path, 'config.secretKey', props.secretKey);
    if ((props.accessKey === undefined) !== (props.secretKey === undefined)) {
      problems.add(path, props.accessKey ? 'config.secretKey' : 'config.accessKey', undefined,
        'accessKey and secretKey come together', 'pass both, or neither to use Vault\'s own environment credentials');
    }
    if (this.ttls.defaultTtlSeconds < STS_MIN_SECONDS) {
      problems.add(path, 'defaultTtl', `${this.ttls.defaultTtlSeconds}s`,
        `is shorter than the ${STS_MIN_SECONDS}s AWS STS AssumeRole issues at least, so every request would fail`,
        `use a Job deadline (or defaultTtl) of at least ${STS_MIN_SECONDS}s for a fleet with an AWS domain`);
    }
    return () => {
      const mount = new AwsSecretBackend(this, 'Resource', {
        path: this.mountPath,
        description: this.description(domain),
        defaultLeaseTtlSeconds: this.ttls.defaultTtlSeconds,
        maxLeaseTtlSeconds: this.ttls.maxTtlSeconds,
        ...(props.region ? { region: props.region } : {}),
        ...(props.accessKey ? { accessKey: props.accessKey.stringValue, secretKey: props.secretKey!.stringValue } : {}),
      });
      const backend = mount.path;
      const out: TerraformResource[] = [];
      for (const level of this.levels) {
        out.push(new AwsSecretBackendRole(this, level.name, {
          backend,
          name: level.name,
          credentialType: 'assumed_role',
          roleArns: [roles.find(r => r.level.name === level.name)!.roleArn],
          defaultStsTtl: this.ttls.defaultTtlSeconds,
          maxStsTtl: this.ttls.maxTtlSeconds,
        }));
      }
      return { mount, roles: out };
    };
  }

  private kubernetes(domain: ResolvedDomain, props: KubernetesEngineProps, problems: ProblemCollector): () => Rendered {
    const path = this.node.path;
    if (!InputRules.isUrl(props.kubernetesHost, 'https')) {
      problems.add(path, 'config.kubernetesHost', props.kubernetesHost, 'is not an https URL without credentials',
        'use e.g. "https://kubernetes.default.svc"');
    }
    SecretInput.check(problems, path, 'config.serviceAccountJwt', props.serviceAccountJwt);
    if ((props as any).roles !== undefined) {
      // Moved to the Kubernetes side (issue #17); a JavaScript caller would otherwise lose it silently.
      problems.add(path, 'config.roles', '(set)', 'is no longer read here: the level rules are the Roles of the pre-created ServiceAccounts',
        'pass the roles to VaultKubernetesEngineAccess (props.roles) instead');
    }
    return () => {
      const mount = new KubernetesSecretBackend(this, 'Resource', {
        path: this.mountPath,
        description: this.description(domain),
        defaultLeaseTtlSeconds: this.ttls.defaultTtlSeconds,
        maxLeaseTtlSeconds: this.ttls.maxTtlSeconds,
        kubernetesHost: props.kubernetesHost,
        ...(props.kubernetesCaCert ? { kubernetesCaCert: props.kubernetesCaCert } : {}),
        ...(props.serviceAccountJwt ? { serviceAccountJwt: props.serviceAccountJwt.stringValue } : {}),
        disableLocalCaJwt: false,
      });
      // service_account_name mode (issue #17): Vault only requests a token for the level's
      // pre-created ServiceAccount in its one namespace (VaultKubernetesEngineAccess; the
      // ServiceAccount's RoleBindings reach every target namespace), so it needs no RBAC writes.
      const backend = mount.path;
      const out: TerraformResource[] = [];
      for (const level of this.levels) {
        out.push(new KubernetesSecretBackendRole(this, level.name, {
          backend,
          name: level.name,
          allowedKubernetesNamespaces: [TrustNames.kubernetesEngineNamespace(this.fleet.targetNamespaces)],
          tokenDefaultTtl: this.ttls.defaultTtlSeconds,
          tokenMaxTtl: this.ttls.maxTtlSeconds,
          serviceAccountName: TrustNames.kubernetesEngineServiceAccount(this.mountPath, level.name),
        }));
      }
      return { mount, roles: out };
    };
  }

  private ssh(domain: ResolvedDomain, props: SshCertificatesEngineProps, problems: ProblemCollector): () => Rendered {
    const path = this.node.path;
    const users: SshLevelUsers[] = props.users ?? CredentialRoles.sshUsers();
    CredentialRoles._checkCoverage(problems, path, 'config.users', this.fleet, domain.domain, users.map(u => u.level));
    CredentialRoles._checkSshUsers(problems, path, 'config.users', users);
    SecretInput.check(problems, path, 'config.caPrivateKey', props.caPrivateKey);
    if ((props.caPrivateKey === undefined) !== (props.caPublicKey === undefined)) {
      problems.add(path, props.caPrivateKey ? 'config.caPublicKey' : 'config.caPrivateKey', undefined,
        'caPrivateKey and caPublicKey come together', 'pass both to import a CA, or neither to let Vault generate the key');
    }
    (props.cidrList ?? []).forEach((c, i) => {
      if (!/^[0-9a-fA-F:.]+\/[0-9]{1,3}$/.test(c)) {
        problems.add(path, `config.cidrList[${i}]`, c, 'is not a CIDR', 'e.g. "10.244.0.0/16"');
      }
    });
    return () => {
      const mount = new Mount(this, 'Resource', {
        path: this.mountPath,
        type: 'ssh',
        description: this.description(domain),
        defaultLeaseTtlSeconds: this.ttls.defaultTtlSeconds,
        maxLeaseTtlSeconds: this.ttls.maxTtlSeconds,
      });
      const backend = mount.path;
      const ca = new SshSecretBackendCa(this, 'SigningKey', props.caPrivateKey
        ? { backend, privateKey: props.caPrivateKey.stringValue, publicKey: props.caPublicKey }
        : { backend, generateSigningKey: true });
      const out: TerraformResource[] = [];
      for (const level of this.levels) {
        const u = users.find(x => x.level.name === level.name)!.users;
        out.push(new SshSecretBackendRole(this, level.name, {
          backend,
          name: level.name,
          keyType: 'ca',
          allowUserCertificates: true,
          allowHostCertificates: false,
          allowedUsers: u.join(','),
          defaultUser: u[0],
          // A terminal, nothing else: no agent, port or X11 forwarding.
          allowedExtensions: 'permit-pty',
          defaultExtensions: { 'permit-pty': '' },
          ttl: String(this.ttls.defaultTtlSeconds),
          maxTtl: String(this.ttls.maxTtlSeconds),
          ...(props.cidrList ? { cidrList: props.cidrList.join(',') } : {}),
          dependsOn: [ca],
        }));
      }
      return { mount, roles: out, sshCa: ca };
    };
  }

  private kv(domain: ResolvedDomain, props: KvV2EngineProps, problems: ProblemCollector): () => Rendered {
    const path = this.node.path;
    const secrets = props.secrets ?? [];
    secrets.forEach((s, i) => {
      SecretInput.check(problems, path, `config.secrets[${i}].dataJson`, s.dataJson);
      if (!this.levels.some(l => l.name === s.level?.name)) {
        problems.add(path, `config.secrets[${i}].level`, s.level?.name, 'is a level no phase may read in this domain',
          `use one of ${this.levels.map(l => l.name).join(', ') || '(none)'}`);
      } else if (secrets.findIndex(o => o.level.name === s.level.name) !== i) {
        problems.add(path, `config.secrets[${i}].level`, s.level.name, 'is listed twice', 'write each level\'s secret once');
      }
    });
    const maxVersions = props.maxVersions ?? 5;
    if (!Number.isInteger(maxVersions) || maxVersions < 1) {
      problems.add(path, 'config.maxVersions', maxVersions, 'must be a whole number ≥ 1', 'e.g. 5');
    }
    return () => {
      const mount = new Mount(this, 'Resource', {
        path: this.mountPath,
        type: 'kv',
        options: { version: '2' },
        description: this.description(domain),
      });
      const mountRef = mount.path;
      new KvSecretBackendV2(this, 'Config', { mount: mountRef, maxVersions });
      const out: TerraformResource[] = [];
      for (const s of secrets) {
        out.push(new KvSecretV2(this, s.level.name, {
          mount: mountRef,
          name: s.level.name,
          dataJsonWo: s.dataJson.stringValue,
          dataJsonWoVersion: s.version ?? 1,
        }));
      }
      return { mount, roles: out };
    };
  }

  /** Problems of mount paths equal to or nested with another secrets mount of the same stack. */
  private collisions(): string[] {
    const problems = new ProblemCollector();
    for (const c of StackMounts.collisions(this, MOUNT_TYPES, [{ resource: this.mount, path: this.mountPath }])) {
      problems.add(this.node.path, 'mountPath', this.mountPath,
        `collides with the ${c.resource.terraformResourceType} at "${c.path}" (${c.resource.node.path}): Vault mounts may not be equal or nested`,
        'give each domain its own path (AgentFleet DomainSpec.mountPath) and create one engine per domain; for several fleets on one Vault, vaultNaming: VaultNaming.fleetScoped() in each AgentFleet');
    }
    return problems.toMessages();
  }
}

/** What a renderer created. */
type Rendered = RenderedEngine;
