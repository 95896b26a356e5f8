import { TerraformVariable } from 'cdktf';
import {
  AccessLevel, AwsLevelRole, DatabaseLevelStatements, SecretEngineKind, SshLevelUsers,
} from '../model';
import type { EngineBinder, RenderedEngine } from './private/engine-binder';

/**
 * Connection of a database secrets engine. The password only ever arrives
 * as a sensitive Terraform variable and is sent through the write-only
 * `password_wo` attribute (Terraform ≥ 1.11), so it is in neither the
 * synthesized JSON nor the Terraform state.
 */
export interface DatabaseEngineProps {
  /**
   * Connection URL with Vault's templates in place of credentials, e.g.
   * `postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments?sslmode=verify-full`.
   * A URL embedding a literal password fails synth.
   */
  readonly connectionUrl: string;
  /** The account Vault connects as to create users (it needs CREATEROLE-like rights, agents never do). */
  readonly username: string;
  /** Password of `username`: a TerraformVariable marked `sensitive: true`, without default. */
  readonly password: TerraformVariable;
  /**
   * Bump to make Terraform send a new password (write-only attributes are not diffed).
   * @default 1
   */
  readonly passwordVersion?: number;
  /**
   * Replace the default statements of some or all levels. Still checked:
   * no superuser attributes, grant options, server privileges or DDL, and
   * `{{password}}` instead of a literal password.
   * @default - `CredentialRoles.postgresqlStatements(schemas)` / `CredentialRoles.mysqlStatements(databases)`
   */
  readonly statements?: DatabaseLevelStatements[];
  /**
   * Whether Vault checks the connection when the configuration is written.
   * @default true
   */
  readonly verifyConnection?: boolean;
}

/** A PostgreSQL database secrets engine. */
export interface PostgresqlEngineProps extends DatabaseEngineProps {
  /**
   * Schemas the default statements grant on.
   * @default ["public"]
   */
  readonly schemas?: string[];
}

/** A MySQL database secrets engine. */
export interface MysqlEngineProps extends DatabaseEngineProps {
  /** Databases the default statements grant on (MySQL has no safe default). */
  readonly databases: string[];
  /**
   * Sessions each dynamic user may hold (`WITH MAX_USER_CONNECTIONS`); the
   * revocation kills up to this many, so a revoked credential keeps no open
   * session. Vault's MySQL account needs `PROCESS` and `CONNECTION_ADMIN`.
   * Custom `statements` must do the same (checked at synth).
   * @default CredentialRoles.DEFAULT_MYSQL_MAX_CONNECTIONS (5)
   */
  readonly maxConnectionsPerUser?: number;
}

/**
 * An AWS secrets engine issuing STS credentials by assuming one IAM role
 * per level (`credential_type = assumed_role`).
 */
export interface AwsStsEngineProps {
  /** One IAM role per credential level some phase uses. */
  readonly roles: AwsLevelRole[];
  /**
   * AWS region of the engine.
   * @default - the provider default (us-east-1)
   */
  readonly region?: string;
  /**
   * Access key id of the IAM user Vault calls STS as: a sensitive TerraformVariable.
   * The provider has no write-only variant, so it reaches the Terraform state (encrypt the state).
   * @default - none: Vault uses its own environment (instance profile, IRSA, workload identity), which keeps keys out of Terraform entirely
   */
  readonly accessKey?: TerraformVariable;
  /**
   * Secret key matching `accessKey`: a sensitive TerraformVariable.
   * @default - none (see `accessKey`)
   */
  readonly secretKey?: TerraformVariable;
}

/**
 * The Kubernetes secrets engine issuing short-lived tokens of the level
 * ServiceAccounts `VaultKubernetesEngineAccess` pre-creates in the target
 * namespaces (each Vault role names its level's `service_account_name`;
 * what a level may do is that construct's `roles`).
 */
export interface KubernetesEngineProps {
  /** API server URL as Vault reaches it, e.g. `https://kubernetes.default.svc`. */
  readonly kubernetesHost: string;
  /**
   * PEM CA certificate of the API server (public, not a secret).
   * @default - Vault's local service-account CA (Vault running in the cluster)
   */
  readonly kubernetesCaCert?: string;
  /**
   * JWT of the service account Vault manages tokens with: a sensitive
   * TerraformVariable (the provider has no write-only variant, so it
   * reaches the Terraform state).
   * @default - none: Vault uses its own pod's token (`disable_local_ca_jwt = false`), the recommended in-cluster setup
   */
  readonly serviceAccountJwt?: TerraformVariable;
}

/** The SSH secrets engine signing short-lived user certificates for network devices. */
export interface SshCertificatesEngineProps {
  /**
   * Principals per level.
   * @default CredentialRoles.sshUsers() - `agent-<level>`
   */
  readonly users?: SshLevelUsers[];
  /**
   * CA private key to import: a sensitive TerraformVariable.
   * @default - none: Vault generates the signing key, which then never leaves Vault
   */
  readonly caPrivateKey?: TerraformVariable;
  /**
   * CA public key matching `caPrivateKey`.
   * @default - none (required with `caPrivateKey`)
   */
  readonly caPublicKey?: string;
  /**
   * Source addresses certificates are valid from (CIDRs), e.g. the pod CIDR.
   * @default - any address
   */
  readonly cidrList?: string[];
}

/** A value of one KV v2 secret written by Terraform through a write-only attribute. */
export interface KvLevelSecret {
  /** The level the secret belongs to; the secret is `<mount>/data/<level>`. */
  readonly level: AccessLevel;
  /** JSON object of the keys: a sensitive TerraformVariable (sent as `data_json_wo`, kept out of the state). */
  readonly dataJson: TerraformVariable;
  /**
   * Bump to make Terraform write a new value.
   * @default 1
   */
  readonly version?: number;
}

/** A KV version 2 engine for static keys (LLM API keys), read through Vault only. */
export interface KvV2EngineProps {
  /**
   * Secrets Terraform writes (opt-in).
   * @default - none: the keys are written out of band (`vault kv put <mount>/<level> key=…`), so Terraform never holds them
   */
  readonly secrets?: KvLevelSecret[];
  /**
   * Versions kept per secret.
   * @default 5
   */
  readonly maxVersions?: number;
}

/**
 * How a domain's secrets engine is configured, one static factory per
 * engine kind. The kind must match the kind the fleet declares for the
 * domain, because the phase policies are computed from the fleet. Each
 * factory binds its own typed props to its kind's renderer, so the engine
 * construct never casts props or guesses a kind.
 */
export class EngineConfig {
  /** PostgreSQL database secrets engine. */
  public static postgresql(props: PostgresqlEngineProps): EngineConfig {
    return new EngineConfig(SecretEngineKind.POSTGRESQL, b => b.database(SecretEngineKind.POSTGRESQL, props, props?.schemas, undefined, undefined));
  }

  /** MySQL database secrets engine. */
  public static mysql(props: MysqlEngineProps): EngineConfig {
    return new EngineConfig(SecretEngineKind.MYSQL, b => b.database(SecretEngineKind.MYSQL, props, undefined, props?.databases ?? [],
      props?.maxConnectionsPerUser));
  }

  /** AWS secrets engine with STS assumed-role credentials. */
  public static awsSts(props: AwsStsEngineProps): EngineConfig {
    return new EngineConfig(SecretEngineKind.AWS_STS, b => b.awsSts(props));
  }

  /** Kubernetes secrets engine. */
  public static kubernetes(props: KubernetesEngineProps): EngineConfig {
    return new EngineConfig(SecretEngineKind.KUBERNETES, b => b.kubernetes(props));
  }

  /** SSH secrets engine signing certificates. */
  public static sshCertificates(props: SshCertificatesEngineProps = {}): EngineConfig {
    return new EngineConfig(SecretEngineKind.SSH_CERTIFICATES, b => b.sshCertificates(props));
  }

  /** KV version 2 engine. */
  public static kvV2(props: KvV2EngineProps = {}): EngineConfig {
    return new EngineConfig(SecretEngineKind.KV_V2, b => b.kvV2(props));
  }

  private constructor(
    /** The engine kind this configuration renders. */
    public readonly kind: SecretEngineKind,
    private readonly binding: (binder: EngineBinder) => () => RenderedEngine) {}

  /**
   * Validate the props through the renderer of this config's kind and
   * return the function that creates the resources.
   * @internal
   */
  public _bind(binder: EngineBinder): () => RenderedEngine {
    return this.binding(binder);
  }
}
