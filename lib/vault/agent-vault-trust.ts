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

/** The TokenReview JWT Vault uses for one cluster of the fleet. */
export interface ClusterTokenReviewer {
  /** The cluster's name (declared in the fleet). */
  readonly cluster: string;
  /** JWT Vault calls that cluster's TokenReview with: a sensitive TerraformVariable. */
  readonly tokenReviewerJwt: TerraformVariable;
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
  /**
   * API server URL as Vault reaches it, e.g. `https://kubernetes.default.svc`.
   * Required when the fleet declares no cluster; with clusters each
   * cluster's `apiServerUrl` is used instead.
   * @default - none
   */
  readonly kubernetesHost?: string;
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
   * TokenReview JWTs of the fleet's declared clusters, at most one per
   * cluster (a cluster without one lets Vault use the logging-in client's
   * JWT, or its own pod's token in its own cluster).
   * @default - none
   */
  readonly clusterTokenReviewers?: ClusterTokenReviewer[];
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
  /** Agent auth (of the first cluster when the fleet declares several). */
  public readonly auth: AgentVaultAuth;
  /** Agent auth of every cluster, in the fleet's cluster order (`[auth]` without declared clusters). */
  public readonly clusterAuths: AgentVaultAuth[];
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
    this.checkClusters(problems, path, props);
    problems.throwIfAny(path);

    if (fleet.clusters.length === 0) {
      this.auth = new AgentVaultAuth(this, 'Auth', {
        fleet,
        kubernetesHost: props.kubernetesHost as string,
        kubernetesCaCert: props.kubernetesCaCert,
        tokenReviewerJwt: props.tokenReviewerJwt,
        tokenType: props.tokenType,
        investigationIdentity: props.investigationIdentity,
      });
      this.clusterAuths = [this.auth];
    } else {
      // One auth mount (and JWT mount) per cluster, each trusting only that cluster's CA and issuer.
      this.clusterAuths = fleet.clusterFleets.map(view => {
        const cluster = view.cluster!;
        return new AgentVaultAuth(this, `Auth-${cluster.name}`, {
          fleet: view,
          kubernetesHost: cluster.apiServerUrl,
          kubernetesCaCert: cluster.caCertificate,
          tokenReviewerJwt: (props.clusterTokenReviewers ?? []).find(r => r.cluster === cluster.name)?.tokenReviewerJwt,
          tokenType: props.tokenType,
          investigationIdentity: view.investigationIdentityMountPath === undefined ? undefined : {
            oidcDiscoveryUrl: cluster.issuerUrl,
            ...(cluster.caCertificate ? { oidcDiscoveryCaPem: cluster.caCertificate } : {}),
          },
        });
      });
      this.auth = this.clusterAuths[0];
    }
    // A loop, not map(): cdktf records the whole call stack of every token it creates, so each frame costs.
    this.engines = [];
    for (const d of fleet.domains) {
      const e = configs.find(c => c.domain.name === d.domain.name);
      if (e !== undefined) {
        this.engines.push(new VaultDomainSecretEngine(this, `Engine-${e.domain.name}`, {
          fleet, domain: e.domain, config: e.config, defaultTtl: e.defaultTtl, maxTtl: e.maxTtl,
        }));
      }
    }
    this.policies = TrustPhasePolicy.forFleet(this, fleet);
    if (props.launcherRevocation ?? false) {
      this.launcherPolicy = new LauncherVaultPolicy(this, 'LauncherRevocation');
    }
    if (props.manageAuditDevices ?? true) {
      this.audit = new VaultAuditDevices(this, 'Audit', { devices: props.auditDevices });
    }
  }

  private checkClusters(problems: ProblemCollector, path: string, props: AgentVaultTrustProps): void {
    const fleet = props.fleet;
    if (fleet.clusters.length === 0) {
      if (typeof props.kubernetesHost !== 'string') {
        problems.add(path, 'kubernetesHost', props.kubernetesHost, 'is required when the fleet declares no cluster',
          'set the API server URL Vault reaches, e.g. "https://kubernetes.default.svc"');
      }
      if (props.clusterTokenReviewers !== undefined) {
        problems.add(path, 'clusterTokenReviewers', props.clusterTokenReviewers.map(r => r.cluster), 'names clusters, but the fleet declares none',
          'use tokenReviewerJwt, or declare the clusters in the AgentFleet');
      }
      return;
    }
    // Each of these is per cluster now; a fleet-wide value would silently apply to none or to all.
    for (const [field, value, fix] of [
      ['kubernetesHost', props.kubernetesHost, 'set apiServerUrl on each AgentCluster'],
      ['kubernetesCaCert', props.kubernetesCaCert, 'set caCertificate on each AgentCluster'],
      ['tokenReviewerJwt', props.tokenReviewerJwt ? '(a variable)' : undefined, 'use clusterTokenReviewers: [{ cluster, tokenReviewerJwt }]'],
      ['investigationIdentity', props.investigationIdentity ? '(set)' : undefined, 'set issuerUrl on each AgentCluster; the JWT mount of each cluster trusts its issuer'],
    ] as const) {
      if (value !== undefined) {
        problems.add(path, field, value, `applies to one cluster, but the fleet declares ${fleet.clusters.length} (${fleet.clusters.map(c => c.name).join(', ')})`, fix);
      }
    }
    const seen = new Set<string>();
    (props.clusterTokenReviewers ?? []).forEach((r, i) => {
      if (!fleet.clusters.some(c => c.name === r.cluster)) {
        problems.add(path, `clusterTokenReviewers[${i}].cluster`, r.cluster, 'is not a cluster of the fleet',
          `use one of ${fleet.clusters.map(c => c.name).join(', ')}`);
      } else if (seen.has(r.cluster)) {
        problems.add(path, `clusterTokenReviewers[${i}].cluster`, r.cluster, 'has two token reviewer JWTs', 'give each cluster at most one');
      }
      seen.add(r.cluster);
    });
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
