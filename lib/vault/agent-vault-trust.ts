import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AgentFleet, Domain, TrustDuration, SecretEngineKind, TrustPhase } from '../model';
import { AgentVaultAuth, InvestigationIdentityOptions } from './agent-vault-auth';
import { AuditDevice } from './audit-device';
import { EngineConfig } from './engine-config';
import { LauncherVaultPolicy } from './launcher-vault-policy';
import { TrustPhasePolicy } from './trust-phase-policy';
import { VaultAuditDevices } from './vault-audit-devices';
import { VaultDomainSecretEngine } from './vault-domain-secret-engine';
import { VaultTokenType } from './vault-token-type';
import { InputRules } from '../model/private/input-rules';
import { ProblemCollector } from '../model/private/problem-collector';

/** The engine configuration of one domain of the fleet. */
export interface DomainEngine {
  /** The domain (declared in the fleet). */
  readonly domain: Domain;
  /** Its engine configuration (kind must match the fleet's). */
  readonly config: EngineConfig;
  /**
   * Default lease TTL.
   * @default - the Job deadline
   */
  readonly defaultTtl?: TrustDuration;
  /**
   * Maximum lease TTL.
   * @default - the Job deadline + margin
   */
  readonly maxTtl?: TrustDuration;
}

/** Props of `AgentVaultTrust`. */
export interface AgentVaultTrustProps {
  /** The fleet. */
  readonly fleet: AgentFleet;
  /**
   * One configuration per domain of the fleet served by a built-in engine
   * kind (domains of a custom kind bring their own mount).
   */
  readonly engines: DomainEngine[];
  /** API server URL as Vault reaches it, e.g. `https://kubernetes.default.svc`. */
  readonly kubernetesHost: string;
  /**
   * PEM CA certificate of the API server.
   * @default - Vault's local service-account CA
   */
  readonly kubernetesCaCert?: string;
  /**
   * TokenReview JWT: a sensitive TerraformVariable.
   * @default - none: Vault's own pod token
   */
  readonly tokenReviewerJwt?: TerraformVariable;
  /**
   * Token type of agent logins.
   * @default VaultTokenType.SERVICE
   */
  readonly tokenType?: VaultTokenType;
  /**
   * Per-investigation identity through JWT auth.
   * @default - none
   */
  readonly investigationIdentity?: InvestigationIdentityOptions;
  /**
   * Create the `vault_policy` `agent-launcher-revocation` (`LauncherVaultPolicy`)
   * a launcher needs to revoke a finished investigation's token by accessor
   * (see docs/launcher.md). Not bound to anything: attach it to the
   * launcher's own Vault login.
   * @default false
   */
  readonly launcherRevocation?: boolean;
  /**
   * Whether this construct creates the audit devices (they are server-wide).
   * @default true
   */
  readonly manageAuditDevices?: boolean;
  /**
   * Audit devices to create.
   * @default VaultAuditDevices.defaultDevices() - a file and syslog
   */
  readonly auditDevices?: AuditDevice[];
}

/**
 * Everything Vault needs for an agent fleet in one call: agent auth (one
 * role per phase), one secrets engine per domain at its own mount, one
 * policy per phase and the audit devices — all from the one fleet
 * declaration, so no name, path or TTL is written twice.
 */
export class AgentVaultTrust extends Construct {
  /** The fleet. */
  public readonly fleet: AgentFleet;
  /** Agent auth. */
  public readonly auth: AgentVaultAuth;
  /** The engines, in the fleet's domain order. */
  public readonly engines: VaultDomainSecretEngine[];
  /** The phase policies, lowest phase first. */
  public readonly policies: TrustPhasePolicy[];
  /** The audit devices, unless `manageAuditDevices` is false. */
  public readonly audit?: VaultAuditDevices;
  /** The launcher's revocation policy, when `launcherRevocation` is on. */
  public readonly launcherPolicy?: LauncherVaultPolicy;

  public constructor(scope: Construct, id: string, props: AgentVaultTrustProps) {
    super(scope, id);
    const fleet = props.fleet;
    this.fleet = fleet;
    const problems = new ProblemCollector();
    const path = this.node.path;
    const configs = props.engines ?? [];
    configs.forEach((e, i) => {
      if (!fleet.domains.some(d => d.domain.name === e.domain?.name)) {
        problems.add(path, `engines[${i}].domain`, e.domain?.name, 'is not a domain of the fleet',
          `declare it in the fleet, or remove it; the fleet has ${fleet.domains.map(d => d.domain.name).join(', ')}`);
      } else if (configs.findIndex(o => o.domain.name === e.domain.name) !== i) {
        problems.add(path, `engines[${i}].domain`, e.domain.name, 'is configured twice', 'configure each domain once');
      }
    });
    for (const d of fleet.domains) {
      if (SecretEngineKind.all().includes(d.engine) && !configs.some(e => e.domain?.name === d.domain.name)) {
        problems.add(path, 'engines', configs.map(e => e.domain?.name),
          `has no configuration for domain "${d.domain.name}" (${d.engine.name} at "${d.mountPath}")`,
          `add { domain: Domain.of("${d.domain.name}"), config: EngineConfig.… } for it`);
      }
    }
    problems.throwIfAny(path);

    this.auth = new AgentVaultAuth(this, 'Auth', {
      fleet,
      kubernetesHost: props.kubernetesHost,
      kubernetesCaCert: props.kubernetesCaCert,
      tokenReviewerJwt: props.tokenReviewerJwt,
      tokenType: props.tokenType,
      investigationIdentity: props.investigationIdentity,
    });
    this.engines = fleet.domains
      .map(d => configs.find(e => e.domain.name === d.domain.name))
      .filter((e): e is DomainEngine => e !== undefined)
      .map(e => new VaultDomainSecretEngine(this, `Engine-${e.domain.name}`, {
        fleet, domain: e.domain, config: e.config, defaultTtl: e.defaultTtl, maxTtl: e.maxTtl,
      }));
    this.policies = TrustPhasePolicy.forFleet(this, fleet);
    if (props.launcherRevocation ?? false) {
      this.launcherPolicy = new LauncherVaultPolicy(this, 'LauncherRevocation');
    }
    if (props.manageAuditDevices ?? true) {
      this.audit = new VaultAuditDevices(this, 'Audit', { devices: props.auditDevices });
    }
  }

  /** The engine of a domain; throws when the fleet has no engine for it here. */
  public engineFor(domain: Domain): VaultDomainSecretEngine {
    return InputRules.findByName(this.engines, e => e.domain.name, domain.name, (n, names) => `${this.node.path}: no engine for domain ${n}; engines: ${names}`);
  }

  /** The policy of a phase; throws when the ladder does not hold it. */
  public policyFor(phase: TrustPhase): TrustPhasePolicy {
    return InputRules.findByName(this.policies, p => p.phase.name, phase.name, (n, names) => `${this.node.path}: unknown trust phase ${n}; this fleet has ${names}`);
  }
}
