/**
 * What kind of Vault secrets engine serves a domain, and therefore which
 * path an agent reads to get a credential of a given level and which
 * capability that endpoint needs. Policy content is computed from this in
 * the model, so the Vault side only renders it.
 */
export class SecretEngineKind {
  /** Database secrets engine with the PostgreSQL plugin: `GET <mount>/creds/<level>`. */
  public static readonly POSTGRESQL = new SecretEngineKind('postgresql', 'creds', 'read', true);
  /** Database secrets engine with the MySQL plugin: `GET <mount>/creds/<level>`. */
  public static readonly MYSQL = new SecretEngineKind('mysql', 'creds', 'read', true);
  /** AWS secrets engine issuing STS credentials: `GET <mount>/sts/<level>`. */
  public static readonly AWS_STS = new SecretEngineKind('aws-sts', 'sts', 'read', true);
  /** Kubernetes secrets engine (dynamic service-account tokens): `POST <mount>/creds/<level>` needs `update`. */
  public static readonly KUBERNETES = new SecretEngineKind('kubernetes', 'creds', 'update', true);
  /** SSH secrets engine signing short-lived certificates: `POST <mount>/sign/<level>` needs `update`. */
  public static readonly SSH_CERTIFICATES = new SecretEngineKind('ssh-certificates', 'sign', 'update', true);
  /**
   * KV version 2 holding static keys (e.g. LLM API keys), one secret per
   * level: `GET <mount>/data/<level>`. Not dynamic: rotate the keys.
   */
  public static readonly KV_V2 = new SecretEngineKind('kv-v2', 'data', 'read', false);

  /** Every built-in kind. */
  public static all(): SecretEngineKind[] {
    return [SecretEngineKind.POSTGRESQL, SecretEngineKind.MYSQL, SecretEngineKind.AWS_STS,
      SecretEngineKind.KUBERNETES, SecretEngineKind.SSH_CERTIFICATES, SecretEngineKind.KV_V2];
  }

  /**
   * A kind this library does not render itself (bring your own mount and
   * roles); its policy grants `capability` on `<mount>/<segment>/<level>`.
   */
  public static custom(name: string, segment: string, capability: string): SecretEngineKind {
    return new SecretEngineKind(name, segment, capability, true);
  }

  private constructor(
    /** Identifier of the kind. */
    public readonly name: string,
    /** Path segment between the mount and the role/level name. */
    public readonly segment: string,
    /** Vault capability the credential endpoint needs (`read` or `update`). */
    public readonly capability: string,
    /** Whether credentials are generated per request and leased. */
    public readonly dynamic: boolean) {}

  /** The path an agent calls for a credential of `levelName` under `mountPath`. */
  public credentialPath(mountPath: string, levelName: string): string {
    return `${mountPath}/${this.segment}/${levelName}`;
  }

  public toString(): string {
    return this.name;
  }
}
