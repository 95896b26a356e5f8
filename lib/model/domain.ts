import { SecretEngineKind } from './secret-engine-kind';

/**
 * An infrastructure domain an agent needs credentials in. Each domain gets
 * its own Vault mount (`agents/<domain>`), so a leaked credential is
 * confined to one domain.
 */
export class Domain {
  /** Network devices, reached with SSH certificates. */
  public static readonly NETWORK = new Domain('network', SecretEngineKind.SSH_CERTIFICATES);
  /** Databases, with dynamic database users. */
  public static readonly DATABASE = new Domain('database', SecretEngineKind.POSTGRESQL);
  /** Applications on Kubernetes, with dynamic service-account tokens. */
  public static readonly APPLICATION = new Domain('application', SecretEngineKind.KUBERNETES);
  /** LLM APIs, with static keys read through Vault. */
  public static readonly LLM = new Domain('llm', SecretEngineKind.KV_V2);
  /** Cloud provider APIs, with STS credentials. */
  public static readonly CLOUD = new Domain('cloud', SecretEngineKind.AWS_STS);

  /** The five standard domains. */
  public static standard(): Domain[] {
    return [Domain.NETWORK, Domain.DATABASE, Domain.APPLICATION, Domain.LLM, Domain.CLOUD];
  }

  /**
   * A domain by name: a standard one if the name matches, otherwise a custom
   * domain served by `defaultEngine`.
   */
  public static of(name: string, defaultEngine?: SecretEngineKind): Domain {
    const standard = Domain.standard().find(d => d.name === name);
    if (standard && !defaultEngine) {
      return standard;
    }
    return new Domain(name, defaultEngine ?? standard?.defaultEngine ?? SecretEngineKind.KV_V2);
  }

  private constructor(
    /** Domain name, used in mount paths and reports. */
    public readonly name: string,
    /** The engine that serves this domain unless a `DomainSpec` says otherwise. */
    public readonly defaultEngine: SecretEngineKind) {}

  /** Whether two domains have the same name. */
  public sameAs(other: Domain): boolean {
    return this.name === other.name;
  }

  public toString(): string {
    return this.name;
  }
}
