import { HostnameGrant } from './phase-hostnames';
import { PromotionCriteria } from './promotion';

/**
 * The launcher contract: the versioned document a runtime launcher reads to
 * start one investigation Job. `AgentJobTemplate` (lib/k8s) emits it in a
 * ConfigMap and as a file; `lib/launcher` loads, checks and renders it.
 * It lives in the model so both layers share one definition.
 */

/** One row of the per-phase table. */
export interface ContractPhase {
  /** Phase name (`trust-phase` label value). */
  readonly name: string;
  /** ServiceAccount the Job runs as: `agent-phase-<name>`. */
  readonly serviceAccount: string;
  /** Vault Kubernetes-auth role the agent logs in with. */
  readonly vaultRole: string;
  /** Vault auth mount path (without `auth/`). */
  readonly vaultAuthMount: string;
  /**
   * JWT auth mount for per-investigation identity; when present, agents log
   * in there (same role name, same projected token) instead of `vaultAuthMount`.
   * @default - none: agents log in through `vaultAuthMount`
   */
  readonly vaultJwtAuthMount?: string;
  /** Egress the phase's NetworkPolicy allows, as text (for humans; the policy is enforced by Kubernetes). */
  readonly egress: string[];
  /**
   * Hostnames the phase may reach, one row per hostname and port (what the
   * egress proxy's allowlist or the phase's CiliumNetworkPolicy enforces).
   * @default - none: the phase reaches no hostname
   */
  readonly egressHostnames?: HostnameGrant[];
  /**
   * The proxy URL agents of this phase use for hostnames (`HTTPS_PROXY`),
   * when the fleet enforces hostnames through an egress proxy. Each phase
   * has its own proxy port.
   * @default - none: no proxy
   */
  readonly egressProxy?: string;
  /** Vault credential paths the phase's policy grants. */
  readonly vaultPaths: string[];
  /**
   * Pod annotations the renderer merges into the pod template for this
   * phase (e.g. `vault.hashicorp.com/role` when the Vault Agent injector is used).
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Criteria for promotion INTO this phase from the phase below (what
   * `agent-trust promote-check` evaluates evidence against).
   * @default - none: the lowest phase needs no promotion; `promote-check` refuses a phase without criteria
   */
  readonly promotion?: PromotionCriteria;
  /**
   * Ids of the events that demote an agent out of this phase
   * (`DemotionTrigger.id`, e.g. `policy-violation`, `security-incident`).
   * @default - policy-violation and security-incident
   */
  readonly demotionTriggers?: string[];
}

/** Names of the environment variables the renderer fills in the agent container. */
export interface ContractEnvNames {
  /** Investigation id. */
  readonly investigationId: string;
  /** Trust phase. */
  readonly trustPhase: string;
  /** Vault role of the phase. */
  readonly vaultRole: string;
  /** OpenTelemetry resource attributes (`investigation.id=…,agent.trust_phase=…`). */
  readonly otelResourceAttributes: string;
}

/**
 * How long an agent's Vault token lives and what the agent must do with it,
 * so a launcher (and a reviewer) can read it without the Terraform output.
 * The Job template carries the same values in the agent's environment
 * (`renewIntervalEnv`, `revokeOnExitEnv`).
 */
export interface ContractVaultToken {
  /** `token_ttl` of every phase role, in seconds: how long the token lives without a renewal. */
  readonly ttlSeconds: number;
  /** `token_explicit_max_ttl` of every phase role, in seconds (Job deadline + margin): the end of any renewal. */
  readonly explicitMaxTtlSeconds: number;
  /** How often the agent renews its token (`auth/token/renew-self`), in seconds; less than `ttlSeconds`. */
  readonly renewIntervalSeconds: number;
  /** Whether the agent revokes its token, and with it every lease, on exit (`auth/token/revoke-self`). */
  readonly revokeOnExit: boolean;
  /** Name of the template env variable holding `renewIntervalSeconds`. */
  readonly renewIntervalEnv: string;
  /** Name of the template env variable holding `revokeOnExit` (`"true"` / `"false"`). */
  readonly revokeOnExitEnv: string;
}

/** The launcher contract document of one agent. */
export interface LauncherContractDocument {
  /** Document version, `LauncherContract.API_VERSION`. */
  readonly apiVersion: string;
  /** Always `LauncherContract`. */
  readonly kind: string;
  /** Agent name. */
  readonly agent: string;
  /** Namespace the Jobs are created in. */
  readonly namespace: string;
  /** The agent's current ceiling: the highest phase a launcher may choose. */
  readonly ceiling: string;
  /** Job deadline in seconds (the admission policy's maximum). */
  readonly jobDeadlineSeconds: number;
  /** Name of the agent container in the template. */
  readonly containerName: string;
  /** Environment variables the renderer sets. */
  readonly env: ContractEnvNames;
  /**
   * The agent's Vault token lifetime and the renew / revoke duties the Job
   * template gives the agent (added in v1alpha1 as an optional field).
   * @default - not stated (a contract written before it existed)
   */
  readonly vaultToken?: ContractVaultToken;
  /** Every phase of the ladder, lowest first (phases above the ceiling are listed but refused). */
  readonly phases: ContractPhase[];
  /**
   * The Job manifest without investigation-specific values: no
   * `metadata.name`, no `investigation-id`/`trust-phase` labels, no
   * `serviceAccountName`, and the env variables above absent.
   */
  readonly jobTemplate: any;
  /**
   * Namespaces the agent acts in: every phase with namespaced rules has its
   * Role and RoleBinding in each (`agent-trust verify` checks that none is
   * missing).
   * @default - not listed (contracts written before this field): verify infers them from the RoleBindings it finds
   */
  readonly targetNamespaces?: string[];
  /**
   * How hostname egress is enforced: `egress-proxy` or `cilium`
   * (`HostnameEnforcement.kind`).
   * @default - not stated: the fleet uses no hostname egress
   */
  readonly hostnameEnforcement?: string;
  /**
   * Image registry prefixes the admission policy admits. The loader refuses
   * a contract whose template pulls an image from elsewhere, so a tampered
   * contract file fails before a Job is rendered, not only at admission.
   * @default - not listed: images are checked at admission only
   */
  readonly allowedRegistries?: string[];
}

/** Constants of the launcher contract format. */
export class LauncherContract {
  /** Current document version. Bump on any incompatible change. */
  public static readonly API_VERSION = 'agent-trust.io/v1alpha1';
  /** Document kind. */
  public static readonly KIND = 'LauncherContract';
  /** Key of the document in the agent's ConfigMap. */
  public static readonly CONFIGMAP_KEY = 'contract.json';
  /** Label marking a ConfigMap that holds a launcher contract. */
  public static readonly CONFIGMAP_LABEL = 'agent-trust.io/launcher-contract';
  /**
   * Subfolder of the cdk8s output holding one contract file per agent
   * (`LauncherContractFiles`); `agent-trust verify` compares each with its ConfigMap.
   */
  public static readonly FILES_DIRECTORY = 'contracts';
  /** Label key holding the agent name on every object of an agent. */
  public static readonly AGENT_LABEL = 'agent-trust.io/agent';
  /** Label key holding the investigation id (as in the seed). */
  public static readonly INVESTIGATION_LABEL = 'investigation-id';
  /** Label key holding the trust phase (as in the seed). */
  public static readonly PHASE_LABEL = 'trust-phase';
  /** Env variable telling the agent how often to renew its Vault token, in seconds. */
  public static readonly RENEW_INTERVAL_ENV = 'VAULT_TOKEN_RENEW_INTERVAL';
  /** Env variable telling the agent to revoke its Vault token on exit (`"true"`). */
  public static readonly REVOKE_ON_EXIT_ENV = 'VAULT_REVOKE_ON_EXIT';
  /** Env variable the renderer sets to the phase's `egressProxy` (issue #17), when the phase has one. */
  public static readonly HTTPS_PROXY_ENV = 'HTTPS_PROXY';
  /** Env variable the renderer sets beside `HTTPS_PROXY`: what never goes through the proxy (`noProxy`). */
  public static readonly NO_PROXY_ENV = 'NO_PROXY';

  /**
   * `NO_PROXY` of a phase that uses the egress proxy: loopback, in-cluster
   * names (`.svc`, `.cluster.local`: Vault, the API server's Service, the
   * OTLP collector), the API server's Service IP (Kubernetes expands
   * `$(KUBERNETES_SERVICE_HOST)` when the container starts; in-cluster
   * clients connect to that IP) and Vault's host from `vaultAddress` when it
   * is outside the cluster. The proxy would refuse all of these: its
   * allowlist holds only the phase's hostnames.
   */
  public static noProxy(vaultAddress: string): string {
    const entries = ['localhost', '127.0.0.1', '::1', '.svc', '.cluster.local', '$(KUBERNETES_SERVICE_HOST)'];
    const host = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[^/:?#@\s]+)/.exec(vaultAddress ?? '')?.[1]?.toLowerCase();
    if (host && !host.endsWith('.svc') && !host.endsWith('.cluster.local') && !entries.includes(host)) {
      entries.push(host);
    }
    return entries.join(',');
  }

  /** The template's `VAULT_ADDR` (the agent container's), or "" when it has none. */
  public static vaultAddressOf(contract: LauncherContractDocument): string {
    const containers: any[] = contract?.jobTemplate?.spec?.template?.spec?.containers ?? [];
    const agent = containers.find(c => c?.name === contract?.containerName);
    const value = (Array.isArray(agent?.env) ? agent.env : []).find((e: any) => e?.name === 'VAULT_ADDR')?.value;
    return typeof value === 'string' ? value : '';
  }

  /** Default environment variable names. */
  public static defaultEnvNames(): ContractEnvNames {
    return {
      investigationId: 'INVESTIGATION_ID',
      trustPhase: 'TRUST_PHASE',
      vaultRole: 'VAULT_ROLE',
      otelResourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
    };
  }

  /** Name of the ConfigMap holding an agent's contract. */
  public static configMapName(agentName: string): string {
    return `${agentName}-launcher-contract`;
  }
}
