import { AgentFleet, AgentSpec } from './agent-fleet';
import { LauncherContract } from './launcher-contract';
import { PhaseBinding } from './phase-binding';
import { ResourceQuantity } from './quantity';
import { TrustDuration } from './trust-duration';
import { TrustNames } from './trust-names';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';

/**
 * The options of an investigation Job every form of its props shares: the
 * `AgentJobTemplate` construct adds typed resource quantities (`Cpu`,
 * `Size`), `AgentJobSpecProps` the same quantities as text.
 */
export interface AgentJobOptions {
  /** The fleet: namespace, deadline, ladder, Vault endpoint. */
  readonly fleet: AgentFleet;
  /** Name of the agent of `fleet` this template runs. */
  readonly agent: string;
  /**
   * Value of the `app` label on the Job and its pod.
   * @default "autonomous-diagnostics" (the seed Job)
   */
  readonly appLabel?: string;
  /**
   * Name of the agent container.
   * @default "agent"
   */
  readonly containerName?: string;
  /**
   * `activeDeadlineSeconds` of every investigation Job. May be shorter than
   * the fleet's deadline, never longer: the fleet's deadline bounds the
   * Vault token's explicit max TTL and is the admission policy's maximum.
   * @default - `fleet.jobDeadline` (15 minutes in the seed)
   */
  readonly activeDeadline?: TrustDuration;
  /**
   * How long a finished Job (and its pod and logs) is kept (`ttlSecondsAfterFinished`).
   * @default TrustDuration.hours(1) (the seed Job)
   */
  readonly ttlAfterFinished?: TrustDuration;
  /**
   * UID the pod runs as (non-zero).
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * GID the pod runs as, also its fsGroup (non-zero).
   * @default 65532
   */
  readonly runAsGroup?: number;
  /**
   * Where the scratch volume is mounted.
   * @default "/scratch"
   */
  readonly scratchPath?: string;
  /**
   * Lifetime of the projected ServiceAccount token the agent logs in to
   * Vault with (`expirationSeconds`, at least 600 s; the kubelet rotates it
   * at 80 %). Short on purpose: it is only used for the login.
   * @default TrustDuration.minutes(10)
   */
  readonly tokenExpiration?: TrustDuration;
  /**
   * Directory the projected token is mounted at (file `token`).
   * @default "/var/run/secrets/vault"
   */
  readonly tokenMountPath?: string;
  /**
   * Exit codes of the agent container that mean a configuration error a
   * retry cannot fix; the pod failure policy fails the Job on them.
   * Empty means no such rule.
   * @default [2, 78] (usage error, EX_CONFIG)
   */
  readonly failJobExitCodes?: number[];
  /**
   * OTLP endpoint for traces and metrics (`OTEL_EXPORTER_OTLP_ENDPOINT`).
   * Remember to allow it in the egress policy (a domain endpoint or a proxy).
   * @default - not set: the agent's SDK default
   */
  readonly otlpEndpoint?: string;
  /**
   * RuntimeClass for a sandboxed runtime such as gVisor or Kata.
   * @default - the cluster default runtime
   */
  readonly runtimeClassName?: string;
  /**
   * Add Vault Agent injector annotations in pre-populate-only mode (an init
   * container renders the phase's credentials before the agent starts; a
   * sidecar would keep the Job from completing). The per-phase role and
   * secret annotations go in the contract's `podAnnotations`. The init
   * container also writes its Vault token to `/vault/secrets/token`
   * (`VAULT_TOKEN_FILE`): nothing else renews it, so the agent must renew
   * and revoke it like a token of its own, or the credentials end after the
   * fleet's `vaultTokenTtl`.
   * @default false - the agent logs in to Vault itself with the projected token
   */
  readonly vaultAgentInjector?: boolean;
  /**
   * Mount a token for the Kubernetes API (default audience, lifetime
   * `tokenExpiration`, rotated by the kubelet) with the cluster CA and the
   * namespace at `/var/run/secrets/kubernetes.io/serviceaccount`, where
   * client libraries' in-cluster config looks. Without it the phase's RBAC
   * is only usable with credentials obtained elsewhere (e.g. the Vault
   * Kubernetes secrets engine of the `application` domain). Automount stays
   * off either way: this token is explicit, short-lived and read-only.
   * Agents also need egress to the API server (`PhaseNetworkPolicyProps.apiServer`,
   * which follows the fleet's `kubernetesApi` too).
   * @default - true when the fleet declares `kubernetesApi`, else false
   */
  readonly kubernetesApiToken?: boolean;
}

/**
 * What an investigation Job of one agent is made of, before any cdk8s
 * type: the `AgentJobTemplate` construct passes its props here (quantities
 * as Kubernetes quantity text, e.g. a `Cpu`'s amount), gets every default
 * applied and every problem reported, and renders the result.
 */
export interface AgentJobSpecProps extends AgentJobOptions {
  /**
   * CPU request, as a Kubernetes quantity.
   * @default "500m"
   */
  readonly cpuRequest?: string;
  /**
   * Memory request, as a Kubernetes quantity.
   * @default "1Gi"
   */
  readonly memoryRequest?: string;
  /**
   * CPU limit, as a Kubernetes quantity.
   * @default "2"
   */
  readonly cpuLimit?: string;
  /**
   * Memory limit, as a Kubernetes quantity; memory-backed volumes count against it.
   * @default "4Gi"
   */
  readonly memoryLimit?: string;
  /**
   * Size limit of the memory-backed scratch volume, as a quantity of whole mebibytes.
   * @default "256Mi"
   */
  readonly scratchSizeLimit?: string;
  /**
   * Size limit of the memory-backed `/tmp` volume, as a quantity of whole mebibytes.
   * @default "64Mi"
   */
  readonly tmpSizeLimit?: string;
}

/** Where in-cluster Kubernetes clients look for their credentials. */
const KUBE_API_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Where the Vault Agent injector writes its token (`agent-inject-token`). */
const INJECTED_TOKEN_FILE = '/vault/secrets/token';
const MEBIBYTE = 2 ** 20;

/**
 * The resolved and validated props of an investigation Job template:
 * defaults applied, every problem of the props reported at once (naming
 * `path`, the construct that owns them), and what the Job's pod carries
 * that depends on a phase (environment, labels, injector annotations)
 * from the phase's binding. Free of cdk8s, so it is tested on its own.
 */
export class AgentJobSpec {
  /** Default `app` label value (the seed's). */
  public static readonly DEFAULT_APP_LABEL = 'autonomous-diagnostics';
  /** Default container name. */
  public static readonly DEFAULT_CONTAINER_NAME = 'agent';
  /** Default CPU request of the agent container (the seed's). */
  public static readonly DEFAULT_CPU_REQUEST = '500m';
  /** Default memory request of the agent container (the seed's). */
  public static readonly DEFAULT_MEMORY_REQUEST = '1Gi';
  /** Default CPU limit of the agent container (the seed's). */
  public static readonly DEFAULT_CPU_LIMIT = '2';
  /** Default memory limit of the agent container (the seed's). */
  public static readonly DEFAULT_MEMORY_LIMIT = '4Gi';
  /** Default size limit of the scratch volume. */
  public static readonly DEFAULT_SCRATCH_SIZE_LIMIT = '256Mi';
  /** Default size limit of the `/tmp` volume. */
  public static readonly DEFAULT_TMP_SIZE_LIMIT = '64Mi';
  /** Default `ttlSecondsAfterFinished` (the seed's one hour). */
  public static readonly DEFAULT_TTL_AFTER_FINISHED = TrustDuration.hours(1);
  /** Shortest projected token lifetime Kubernetes accepts. */
  public static readonly MIN_TOKEN_EXPIRATION_SECONDS = 600;
  /** Environment variable naming the token file for the Vault login. */
  public static readonly TOKEN_PATH_ENV = 'VAULT_K8S_TOKEN_PATH';
  /** Where the API token is mounted (`kubernetesApiToken`): where in-cluster clients look. */
  public static readonly KUBE_API_MOUNT = KUBE_API_MOUNT;
  /** Investigation id of the example Job (stripped from the contract's template). */
  public static readonly TEMPLATE_ID = 'template';

  /** The fleet. */
  public readonly fleet: AgentFleet;
  /** The agent. */
  public readonly agent: AgentSpec;
  /** `app` label value. */
  public readonly appLabel: string;
  /** Agent container name. */
  public readonly containerName: string;
  /** Job deadline. */
  public readonly activeDeadline: TrustDuration;
  /** How long a finished Job is kept. */
  public readonly ttlAfterFinished: TrustDuration;
  /** CPU request (quantity text). */
  public readonly cpuRequest: string;
  /** Memory request (quantity text). */
  public readonly memoryRequest: string;
  /** CPU limit (quantity text). */
  public readonly cpuLimit: string;
  /** Memory limit (quantity text). */
  public readonly memoryLimit: string;
  /** Pod UID. */
  public readonly runAsUser: number;
  /** Pod GID and fsGroup. */
  public readonly runAsGroup: number;
  /** Scratch volume size limit (quantity text). */
  public readonly scratchSizeLimit: string;
  /** Scratch mount path. */
  public readonly scratchPath: string;
  /** `/tmp` volume size limit (quantity text). */
  public readonly tmpSizeLimit: string;
  /** Projected token lifetime. */
  public readonly tokenExpiration: TrustDuration;
  /** Directory of the projected Vault token. */
  public readonly tokenMountPath: string;
  /** Path of the projected Vault token file. */
  public readonly tokenPath: string;
  /** Exit codes that fail the Job, sorted. */
  public readonly failJobExitCodes: number[];
  /** OTLP endpoint, if any. */
  public readonly otlpEndpoint?: string;
  /** RuntimeClass, if any. */
  public readonly runtimeClassName?: string;
  /** Whether the Vault Agent injector renders the credentials. */
  public readonly vaultAgentInjector: boolean;
  /** Whether the pod gets a Kubernetes API token. */
  public readonly kubernetesApiToken: boolean;

  /**
   * Resolve and check `props`; throws one `AgentTrustValidationError`
   * listing every problem, each naming `path`.
   * @param path the construct path problems name
   */
  public constructor(props: AgentJobSpecProps, path: string = 'AgentJobSpec') {
    const fleet = props.fleet;
    const problems = new ProblemCollector();
    const agent = fleet.agents.find(a => a.name === props.agent);
    if (!agent) {
      problems.add(path, 'agent', props.agent, 'is not an agent of the fleet', `use one of ${fleet.agents.map(a => a.name).join(', ')}`);
      problems.throwIfAny(path);
    }
    this.fleet = fleet;
    this.agent = agent!;
    this.appLabel = props.appLabel ?? AgentJobSpec.DEFAULT_APP_LABEL;
    this.containerName = props.containerName ?? AgentJobSpec.DEFAULT_CONTAINER_NAME;
    this.activeDeadline = props.activeDeadline ?? fleet.jobDeadline;
    this.ttlAfterFinished = props.ttlAfterFinished ?? AgentJobSpec.DEFAULT_TTL_AFTER_FINISHED;
    this.cpuRequest = props.cpuRequest ?? AgentJobSpec.DEFAULT_CPU_REQUEST;
    this.memoryRequest = props.memoryRequest ?? AgentJobSpec.DEFAULT_MEMORY_REQUEST;
    this.cpuLimit = props.cpuLimit ?? AgentJobSpec.DEFAULT_CPU_LIMIT;
    this.memoryLimit = props.memoryLimit ?? AgentJobSpec.DEFAULT_MEMORY_LIMIT;
    this.runAsUser = props.runAsUser ?? 65532;
    this.runAsGroup = props.runAsGroup ?? 65532;
    this.scratchSizeLimit = props.scratchSizeLimit ?? AgentJobSpec.DEFAULT_SCRATCH_SIZE_LIMIT;
    this.scratchPath = props.scratchPath ?? '/scratch';
    this.tmpSizeLimit = props.tmpSizeLimit ?? AgentJobSpec.DEFAULT_TMP_SIZE_LIMIT;
    this.tokenExpiration = props.tokenExpiration ?? TrustDuration.minutes(10);
    this.tokenMountPath = props.tokenMountPath ?? '/var/run/secrets/vault';
    this.tokenPath = `${this.tokenMountPath.replace(/\/+$/, '')}/token`;
    this.failJobExitCodes = [...(props.failJobExitCodes ?? [2, 78])];
    this.otlpEndpoint = props.otlpEndpoint;
    this.runtimeClassName = props.runtimeClassName;
    this.vaultAgentInjector = props.vaultAgentInjector ?? false;
    // The phases' API access is the default, so hand-composed templates render what the composite does.
    // One template serves every phase, and every binding has the fleet's access: the lowest speaks for all.
    this.kubernetesApiToken = props.kubernetesApiToken ?? fleet.phaseBindings[0].kubernetesApi !== undefined;
    this.validate(problems, path);
    problems.throwIfAny(path);
  }

  /** The size limit of the scratch volume in mebibytes (valid once constructed). */
  public get scratchSizeMebibytes(): number {
    return ResourceQuantity.parse(this.scratchSizeLimit) / MEBIBYTE;
  }

  /** The size limit of the `/tmp` volume in mebibytes (valid once constructed). */
  public get tmpSizeMebibytes(): number {
    return ResourceQuantity.parse(this.tmpSizeLimit) / MEBIBYTE;
  }

  /**
   * The agent container's environment for a Job of `binding`'s phase,
   * investigation `investigationId`, agent `agentName`.
   */
  public environment(binding: PhaseBinding, investigationId: string, agentName: string): { [name: string]: string } {
    const env = LauncherContract.defaultEnvNames();
    const vars: { [name: string]: string } = {
      [env.investigationId]: investigationId,
      [env.trustPhase]: binding.phase.name,
      [env.vaultRole]: binding.vaultRole,
      [env.otelResourceAttributes]: `investigation.id=${investigationId},agent.trust_phase=${binding.phase.name}`,
      OTEL_SERVICE_NAME: agentName,
      VAULT_ADDR: this.fleet.vaultAddress,
      // With per-investigation identity the agent logs in through the JWT mount
      // (same role name and token), so Vault's audit log names the pod.
      VAULT_AUTH_MOUNT: binding.loginMountPath,
      VAULT_AUTH_METHOD: binding.loginMethod,
      [AgentJobSpec.TOKEN_PATH_ENV]: this.tokenPath,
      // The Vault token lives the fleet's vaultTokenTtl unless renewed: the agent
      // renews it on this interval and revokes it (and every lease under it)
      // on exit, so credentials end with the investigation.
      [LauncherContract.RENEW_INTERVAL_ENV]: String(this.fleet.tokenRenewIntervalSeconds),
      [LauncherContract.REVOKE_ON_EXIT_ENV]: 'true',
      TMPDIR: '/tmp',
    };
    if (this.vaultAgentInjector) {
      vars.VAULT_TOKEN_FILE = INJECTED_TOKEN_FILE;
    }
    if (this.otlpEndpoint !== undefined) {
      vars.OTEL_EXPORTER_OTLP_ENDPOINT = this.otlpEndpoint;
    }
    return vars;
  }

  /** The labels of the Job and its pod for `binding`'s phase, investigation `investigationId`, agent `agentName`. */
  public labels(binding: PhaseBinding, investigationId: string, agentName: string): { [key: string]: string } {
    return {
      app: this.appLabel,
      [LauncherContract.AGENT_LABEL]: agentName,
      [LauncherContract.INVESTIGATION_LABEL]: investigationId,
      [LauncherContract.PHASE_LABEL]: binding.phase.name,
    };
  }

  /**
   * The Vault Agent injector's pod annotations common to every phase
   * (undefined without the injector); the per-phase role and secrets go in
   * the contract's phase rows.
   * @param tokenVolume the projected Vault token volume the injector logs in with
   */
  public injectorPodAnnotations(binding: PhaseBinding, tokenVolume: string): { [key: string]: string } | undefined {
    if (!this.vaultAgentInjector) {
      return undefined;
    }
    return {
      'vault.hashicorp.com/agent-inject': 'true',
      // Init container only: a Vault Agent sidecar never exits, so the Job would never complete.
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      // The init container exits without renewing its token: hand the token
      // to the agent (VAULT_TOKEN_FILE), which renews and revokes it.
      'vault.hashicorp.com/agent-inject-token': 'true',
      'vault.hashicorp.com/auth-path': `auth/${binding.loginMountPath}`,
      ...(binding.jwtAuthMountPath !== undefined ? { 'vault.hashicorp.com/auth-type': binding.loginMethod } : {}),
      'vault.hashicorp.com/agent-service-account-token-volume-name': tokenVolume,
    };
  }

  /**
   * The Vault Agent injector's annotations of one phase (undefined without
   * the injector): the phase's role, and one secret file per credential path.
   */
  public injectorPhaseAnnotations(binding: PhaseBinding): { [key: string]: string } | undefined {
    if (!this.vaultAgentInjector) {
      return undefined;
    }
    const annotations: { [key: string]: string } = { 'vault.hashicorp.com/role': binding.vaultRole };
    binding.credentialPaths.forEach((p, i) => {
      // One file per credential path under /vault/secrets, named after the
      // path while the annotation name stays within Kubernetes' 63 characters.
      const name = `agent-inject-secret-${p.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
      annotations[`vault.hashicorp.com/${name.length <= 63 ? name : `agent-inject-secret-credential-${i}`}`] = p;
    });
    return annotations;
  }

  private validate(problems: ProblemCollector, path: string): void {
    const fleet = this.fleet;
    if (!TrustNames.isLabelValue(this.appLabel) || this.appLabel.length === 0) {
      problems.add(path, 'appLabel', this.appLabel, 'is not a Kubernetes label value', 'use up to 63 letters, digits, "-", "_", "."');
    }
    TrustNames._checkDnsLabel(problems, path, 'containerName', this.containerName);
    AgentJobSpec.checkSeconds(problems, path, 'activeDeadline', this.activeDeadline, 1);
    if (this.activeDeadline.toSeconds() > fleet.jobDeadline.toSeconds()) {
      problems.add(path, 'activeDeadline', this.activeDeadline.toString(),
        `is longer than the fleet's jobDeadline (${fleet.jobDeadline}), which bounds the Vault token's explicit max TTL and is the admission maximum`,
        'shorten it, or raise the fleet\'s jobDeadline');
    }
    AgentJobSpec.checkSeconds(problems, path, 'ttlAfterFinished', this.ttlAfterFinished, 0);
    const memoryLimit = this.validateResources(problems, path);
    for (const [field, value] of [['runAsUser', this.runAsUser], ['runAsGroup', this.runAsGroup]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 2147483647) {
        problems.add(path, field, value, 'must be a non-zero UID/GID (Pod Security restricted forbids root)',
          'use an unprivileged id such as 65532');
      }
    }
    this.validateVolumes(problems, path, memoryLimit);
    this.validatePaths(problems, path);
    const tokenSeconds = this.tokenExpiration.toSeconds();
    if (!this.tokenExpiration.isWholeSeconds() || tokenSeconds < AgentJobSpec.MIN_TOKEN_EXPIRATION_SECONDS) {
      problems.add(path, 'tokenExpiration', this.tokenExpiration.toString(),
        `must be whole seconds and at least ${AgentJobSpec.MIN_TOKEN_EXPIRATION_SECONDS}s (Kubernetes refuses shorter projected tokens)`,
        'use TrustDuration.minutes(10)');
    } else if (tokenSeconds > 86400) {
      problems.add(path, 'tokenExpiration', this.tokenExpiration.toString(),
        'is longer than a day; the token is only needed for the Vault login', 'use TrustDuration.minutes(10)');
    }
    const seen = new Set<number>();
    this.failJobExitCodes.forEach((code, i) => {
      if (!Number.isInteger(code) || code < 1 || code > 255) {
        problems.add(path, `failJobExitCodes[${i}]`, code, 'is not a failure exit code (1-255)', 'list codes such as 2 or 78');
      } else if (seen.has(code)) {
        problems.add(path, `failJobExitCodes[${i}]`, code, 'is listed twice', 'list each exit code once');
      }
      seen.add(code);
    });
    if (this.otlpEndpoint !== undefined && !InputRules.isUrl(this.otlpEndpoint, 'http')) {
      problems.add(path, 'otlpEndpoint', this.otlpEndpoint, 'is not an http(s) URL without credentials',
        'use e.g. "http://otel-collector.observability.svc:4318"');
    }
    if (this.runtimeClassName !== undefined && !TrustNames.isDnsSubdomain(this.runtimeClassName)) {
      problems.add(path, 'runtimeClassName', this.runtimeClassName, 'is not a RuntimeClass name (DNS subdomain)',
        'use e.g. "gvisor" or "kata"');
    }
  }

  /** Checks the requests and limits; returns the memory limit in bytes when it is valid. */
  private validateResources(problems: ProblemCollector, path: string): number | undefined {
    const q = {
      cpuRequest: ResourceQuantity._check(problems, path, 'cpuRequest', this.cpuRequest),
      memoryRequest: ResourceQuantity._check(problems, path, 'memoryRequest', this.memoryRequest),
      cpuLimit: ResourceQuantity._check(problems, path, 'cpuLimit', this.cpuLimit),
      memoryLimit: ResourceQuantity._check(problems, path, 'memoryLimit', this.memoryLimit),
    };
    if (q.cpuLimit !== undefined && q.cpuRequest !== undefined && q.cpuLimit < q.cpuRequest) {
      problems.add(path, 'cpuLimit', this.cpuLimit, `is below cpuRequest (${JSON.stringify(this.cpuRequest)})`,
        `raise cpuLimit to at least ${JSON.stringify(this.cpuRequest)} or lower cpuRequest`);
    }
    if (q.memoryLimit !== undefined && q.memoryRequest !== undefined && q.memoryLimit < q.memoryRequest) {
      problems.add(path, 'memoryLimit', this.memoryLimit, `is below memoryRequest (${JSON.stringify(this.memoryRequest)})`,
        `raise memoryLimit to at least ${JSON.stringify(this.memoryRequest)} or lower memoryRequest`);
    }
    return q.memoryLimit;
  }

  private validateVolumes(problems: ProblemCollector, path: string, memoryLimit: number | undefined): void {
    const volumes: Array<[string, string]> = [['scratchSizeLimit', this.scratchSizeLimit], ['tmpSizeLimit', this.tmpSizeLimit]];
    const bytes: number[] = [];
    for (const [field, size] of volumes) {
      const value = ResourceQuantity.isValid(size) ? ResourceQuantity.parse(size) : NaN;
      if (!(value > 0)) {
        problems.add(path, field, size, 'must be larger than zero', 'use e.g. Size.mebibytes(64)');
      } else if (!Number.isInteger(value / MEBIBYTE)) {
        // cdk8s-plus writes an emptyDir's sizeLimit in whole mebibytes.
        problems.add(path, field, size, 'is not a whole number of mebibytes', 'use e.g. Size.mebibytes(64)');
      }
      bytes.push(value);
    }
    if (memoryLimit !== undefined && bytes[0] + bytes[1] >= memoryLimit) {
      problems.add(path, 'scratchSizeLimit', this.scratchSizeLimit,
        `plus tmpSizeLimit (${this.tmpSizeLimit}) fills the whole memoryLimit (${this.memoryLimit}); memory-backed volumes count against it`,
        'shrink the volumes or raise memoryLimit');
    }
  }

  private validatePaths(problems: ProblemCollector, path: string): void {
    const scratchPath = this.scratchPath;
    const tokenDir = this.tokenMountPath;
    for (const [field, p] of [['scratchPath', scratchPath], ['tokenMountPath', tokenDir]] as const) {
      if (!InputRules.isAbsolutePath(p)) {
        problems.add(path, field, p, 'is not an absolute path', 'use e.g. "/scratch"');
      } else if (InputRules.isAtOrBelow(p, '/tmp')) {
        problems.add(path, field, p, 'is inside /tmp, which is its own volume', 'choose another directory');
      }
    }
    if (this.kubernetesApiToken && (tokenDir === KUBE_API_MOUNT || scratchPath === KUBE_API_MOUNT)) {
      problems.add(path, scratchPath === KUBE_API_MOUNT ? 'scratchPath' : 'tokenMountPath', KUBE_API_MOUNT,
        'is where kubernetesApiToken mounts the API credentials', 'choose another directory');
    }
    if (InputRules.overlaps(scratchPath, tokenDir)) {
      problems.add(path, 'tokenMountPath', tokenDir, `overlaps scratchPath (${JSON.stringify(scratchPath)})`,
        'mount the token in a directory of its own');
    }
  }

  private static checkSeconds(problems: ProblemCollector, path: string, field: string, d: TrustDuration, min: number): void {
    if (!d.isWholeSeconds() || d.toSeconds() < min) {
      problems.add(path, field, d.toString(), `must be whole seconds and at least ${min}s`,
        field === 'activeDeadline' ? 'use e.g. TrustDuration.minutes(15)' : 'use e.g. TrustDuration.hours(1)');
    }
  }
}
