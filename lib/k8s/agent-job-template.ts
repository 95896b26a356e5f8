import { ApiObject, App, Chart, Duration as KDuration, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentFleet, AgentSpec, ContractPhase, TrustDuration, LauncherContract, LauncherContractDocument, TrustNames, PhaseHostnames, TrustPhase,
} from '../model';
import { checkQuantity, guardOutput, pathOf, quantity } from './private/k8s-util';
import { JobPrototypes, TemplateCache } from './private/template-cache';
import { InputRules } from '../model/private/input-rules';
import { ProblemCollector } from '../model/private/problem-collector';

/** Properties of an `AgentJobTemplate`. */
export interface AgentJobTemplateProps {
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
   * CPU request of the agent container.
   * @default "500m"
   */
  readonly cpuRequest?: string;
  /**
   * Memory request of the agent container.
   * @default "1Gi"
   */
  readonly memoryRequest?: string;
  /**
   * CPU limit of the agent container.
   * @default "2"
   */
  readonly cpuLimit?: string;
  /**
   * Memory limit of the agent container. Memory-backed volumes (scratch,
   * /tmp) count against it.
   * @default "4Gi"
   */
  readonly memoryLimit?: string;
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
   * Size limit of the memory-backed scratch volume.
   * @default Size.mebibytes(256)
   */
  readonly scratchSizeLimit?: Size;
  /**
   * Where the scratch volume is mounted.
   * @default "/scratch"
   */
  readonly scratchPath?: string;
  /**
   * Size limit of the memory-backed volume at `/tmp` (the root filesystem is read-only).
   * @default Size.mebibytes(64)
   */
  readonly tmpSizeLimit?: Size;
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

/** Where in-cluster Kubernetes clients look for their credentials. */
const KUBE_API_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const KUBE_API_VOLUME = 'kube-api-access';

const TOKEN_VOLUME = 'vault-token';
/** Where the Vault Agent injector writes its token (`agent-inject-token`). */
const INJECTED_TOKEN_FILE = '/vault/secrets/token';
const TOKEN_FILE = 'token';
const TEMPLATE_ID = 'template';
const ADDR_LABEL = 'cdk8s.io/metadata.addr';

/**
 * The investigation Job of one agent, as the seed defines it (`investigation-<id>`,
 * labels `app`/`investigation-id`/`trust-phase`, `backoffLimit: 0`, a
 * deadline, a TTL, `restartPolicy: Never`, `agent-phase-<phase>`, env
 * `INVESTIGATION_ID`, requests 500m/1Gi, limits 2/4Gi) hardened to Pod
 * Security `restricted`: non-root, seccomp `RuntimeDefault` at pod level,
 * capabilities dropped, no privilege escalation, read-only root filesystem,
 * memory-backed scratch and /tmp, token automount off with a projected
 * audience-`vault` token for the Vault login, a pod failure policy, and
 * OpenTelemetry / Vault environment.
 *
 * The Job itself is NOT emitted (applying it would start an investigation):
 * it is built in a detached chart, and what this construct emits is the
 * launcher contract, a ConfigMap `<agent>-launcher-contract` in the agent
 * namespace holding a `LauncherContractDocument` with the Job template
 * stripped of every investigation-specific value and the per-phase table.
 * `job` exposes the detached Job: JSON patches on
 * `ApiObject.of(template.job)` flow into the contract. Patched values pass
 * through cdk8s-plus' L1 serializer afterwards, so they must use L1 shapes
 * (e.g. `k8s.Quantity.fromString('1Gi')` for quantities) and fields of the
 * Kubernetes 1.28 schema.
 */
export class AgentJobTemplate extends Construct {
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
  /** Default `ttlSecondsAfterFinished` (the seed's one hour). */
  public static readonly DEFAULT_TTL_AFTER_FINISHED = TrustDuration.hours(1);
  /** Shortest projected token lifetime Kubernetes accepts. */
  public static readonly MIN_TOKEN_EXPIRATION_SECONDS = 600;
  /** Audience of the projected token; the Vault roles require it. */
  public static readonly TOKEN_AUDIENCE = TrustNames.VAULT_AUDIENCE;
  /** Environment variable naming the token file for the Vault login. */
  public static readonly TOKEN_PATH_ENV = 'VAULT_K8S_TOKEN_PATH';

  /** The contract ConfigMap emitted in the agent namespace. */
  public readonly configMap: kplus.k8s.KubeConfigMap;
  /** The agent. */
  public readonly agent: AgentSpec;
  /** Name of the agent container. */
  public readonly containerName: string;
  /** Path of the projected token file inside the container. */
  public readonly tokenPath: string;

  private readonly fleet: AgentFleet;
  private readonly injector: boolean;
  private readonly buildJob: (detached: Chart, agentName: string, image: string) => kplus.Job;
  private readonly prototypeKey?: string;
  private builtJob?: kplus.Job;

  public constructor(scope: Construct, id: string, props: AgentJobTemplateProps) {
    super(scope, id);
    guardOutput(this);
    const fleet = props.fleet;
    const path = pathOf(this);
    const problems = new ProblemCollector();

    const agent = fleet.agents.find(a => a.name === props.agent);
    if (!agent) {
      problems.add(path, 'agent', props.agent, 'is not an agent of the fleet',
        `use one of ${fleet.agents.map(a => a.name).join(', ')}`);
      problems.throwIfAny(path);
    }
    this.fleet = fleet;
    this.agent = agent!;
    this.containerName = props.containerName ?? AgentJobTemplate.DEFAULT_CONTAINER_NAME;
    this.injector = props.vaultAgentInjector ?? false;
    const appLabel = props.appLabel ?? AgentJobTemplate.DEFAULT_APP_LABEL;
    const deadline = props.activeDeadline ?? fleet.jobDeadline;
    const ttl = props.ttlAfterFinished ?? AgentJobTemplate.DEFAULT_TTL_AFTER_FINISHED;
    const cpuRequest = props.cpuRequest ?? AgentJobTemplate.DEFAULT_CPU_REQUEST;
    const memoryRequest = props.memoryRequest ?? AgentJobTemplate.DEFAULT_MEMORY_REQUEST;
    const cpuLimit = props.cpuLimit ?? AgentJobTemplate.DEFAULT_CPU_LIMIT;
    const memoryLimit = props.memoryLimit ?? AgentJobTemplate.DEFAULT_MEMORY_LIMIT;
    const user = props.runAsUser ?? 65532;
    const group = props.runAsGroup ?? 65532;
    const scratchSize = props.scratchSizeLimit ?? Size.mebibytes(256);
    const tmpSize = props.tmpSizeLimit ?? Size.mebibytes(64);
    const scratchPath = props.scratchPath ?? '/scratch';
    const tokenExpiration = props.tokenExpiration ?? TrustDuration.minutes(10);
    const tokenDir = props.tokenMountPath ?? '/var/run/secrets/vault';
    const exitCodes = [...(props.failJobExitCodes ?? [2, 78])];
    this.tokenPath = `${tokenDir.replace(/\/+$/, '')}/${TOKEN_FILE}`;

    // Collect every problem before building anything.
    if (!TrustNames.isLabelValue(appLabel) || appLabel.length === 0) {
      problems.add(path, 'appLabel', appLabel, 'is not a Kubernetes label value', 'use up to 63 letters, digits, "-", "_", "."');
    }
    TrustNames._checkDnsLabel(problems, path, 'containerName', this.containerName);
    AgentJobTemplate.checkSeconds(problems, path, 'activeDeadline', deadline, 1);
    if (deadline.toSeconds() > fleet.jobDeadline.toSeconds()) {
      problems.add(path, 'activeDeadline', deadline.toString(),
        `is longer than the fleet's jobDeadline (${fleet.jobDeadline}), which bounds the Vault token's explicit max TTL and is the admission maximum`,
        'shorten it, or raise the fleet\'s jobDeadline');
    }
    AgentJobTemplate.checkSeconds(problems, path, 'ttlAfterFinished', ttl, 0);
    const q = {
      cpuRequest: checkQuantity(problems, path, 'cpuRequest', cpuRequest),
      memoryRequest: checkQuantity(problems, path, 'memoryRequest', memoryRequest),
      cpuLimit: checkQuantity(problems, path, 'cpuLimit', cpuLimit),
      memoryLimit: checkQuantity(problems, path, 'memoryLimit', memoryLimit),
    };
    if (q.cpuLimit !== undefined && q.cpuRequest !== undefined && q.cpuLimit < q.cpuRequest) {
      problems.add(path, 'cpuLimit', cpuLimit, `is below cpuRequest (${JSON.stringify(cpuRequest)})`,
        `raise cpuLimit to at least ${JSON.stringify(cpuRequest)} or lower cpuRequest`);
    }
    if (q.memoryLimit !== undefined && q.memoryRequest !== undefined && q.memoryLimit < q.memoryRequest) {
      problems.add(path, 'memoryLimit', memoryLimit, `is below memoryRequest (${JSON.stringify(memoryRequest)})`,
        `raise memoryLimit to at least ${JSON.stringify(memoryRequest)} or lower memoryRequest`);
    }
    for (const [field, value] of [['runAsUser', user], ['runAsGroup', group]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 2147483647) {
        problems.add(path, field, value, 'must be a non-zero UID/GID (Pod Security restricted forbids root)',
          'use an unprivileged id such as 65532');
      }
    }
    const scratchBytes = scratchSize.toMebibytes() * 2 ** 20;
    const tmpBytes = tmpSize.toMebibytes() * 2 ** 20;
    for (const [field, bytes, size] of [['scratchSizeLimit', scratchBytes, scratchSize], ['tmpSizeLimit', tmpBytes, tmpSize]] as const) {
      if (!(bytes > 0)) {
        problems.add(path, field, size.asString(), 'must be larger than zero', 'use e.g. Size.mebibytes(64)');
      }
    }
    if (q.memoryLimit !== undefined && scratchBytes + tmpBytes >= q.memoryLimit) {
      problems.add(path, 'scratchSizeLimit', scratchSize.asString(),
        `plus tmpSizeLimit (${tmpSize.asString()}) fills the whole memoryLimit (${memoryLimit}); memory-backed volumes count against it`,
        'shrink the volumes or raise memoryLimit');
    }
    for (const [field, p] of [['scratchPath', scratchPath], ['tokenMountPath', tokenDir]] as const) {
      if (!InputRules.isAbsolutePath(p)) {
        problems.add(path, field, p, 'is not an absolute path', 'use e.g. "/scratch"');
      } else if (InputRules.isAtOrBelow(p, '/tmp')) {
        problems.add(path, field, p, 'is inside /tmp, which is its own volume', 'choose another directory');
      }
    }
    // The fleet's kubernetesApi is the default, so hand-composed templates render what the composite does.
    const apiToken = props.kubernetesApiToken ?? fleet.kubernetesApi !== undefined;
    if (apiToken && (tokenDir === KUBE_API_MOUNT || scratchPath === KUBE_API_MOUNT)) {
      problems.add(path, scratchPath === KUBE_API_MOUNT ? 'scratchPath' : 'tokenMountPath', KUBE_API_MOUNT,
        'is where kubernetesApiToken mounts the API credentials', 'choose another directory');
    }
    if (InputRules.overlaps(scratchPath, tokenDir)) {
      problems.add(path, 'tokenMountPath', tokenDir, `overlaps scratchPath (${JSON.stringify(scratchPath)})`,
        'mount the token in a directory of its own');
    }
    const tokenSeconds = tokenExpiration.toSeconds();
    if (!tokenExpiration.isWholeSeconds() || tokenSeconds < AgentJobTemplate.MIN_TOKEN_EXPIRATION_SECONDS) {
      problems.add(path, 'tokenExpiration', tokenExpiration.toString(),
        `must be whole seconds and at least ${AgentJobTemplate.MIN_TOKEN_EXPIRATION_SECONDS}s (Kubernetes refuses shorter projected tokens)`,
        'use TrustDuration.minutes(10)');
    } else if (tokenSeconds > 86400) {
      problems.add(path, 'tokenExpiration', tokenExpiration.toString(),
        'is longer than a day; the token is only needed for the Vault login', 'use TrustDuration.minutes(10)');
    }
    const seen = new Set<number>();
    exitCodes.forEach((code, i) => {
      if (!Number.isInteger(code) || code < 1 || code > 255) {
        problems.add(path, `failJobExitCodes[${i}]`, code, 'is not a failure exit code (1-255)', 'list codes such as 2 or 78');
      } else if (seen.has(code)) {
        problems.add(path, `failJobExitCodes[${i}]`, code, 'is listed twice', 'list each exit code once');
      }
      seen.add(code);
    });
    if (props.otlpEndpoint !== undefined) {
      if (!InputRules.isUrl(props.otlpEndpoint, 'http')) {
        problems.add(path, 'otlpEndpoint', props.otlpEndpoint, 'is not an http(s) URL without credentials',
          'use e.g. "http://otel-collector.observability.svc:4318"');
      }
    }
    if (props.runtimeClassName !== undefined && !TrustNames.isDnsSubdomain(props.runtimeClassName)) {
      problems.add(path, 'runtimeClassName', props.runtimeClassName, 'is not a RuntimeClass name (DNS subdomain)',
        'use e.g. "gvisor" or "kata"');
    }
    problems.throwIfAny(path);

    // The Job lives in a detached chart (never part of the user's App, so never
    // written to dist/), built on first use: `job`, or the contract of a
    // template whose Job cannot come from the fleet's prototype (private/template-cache.ts).
    this.buildJob = (detached: Chart, agentName: string, image: string): kplus.Job => {
      const phase = fleet.ladder.lowest;
      const env = LauncherContract.defaultEnvNames();
      const envVariables: { [name: string]: kplus.EnvValue } = {
        [env.investigationId]: kplus.EnvValue.fromValue(TEMPLATE_ID),
        [env.trustPhase]: kplus.EnvValue.fromValue(phase.name),
        [env.vaultRole]: kplus.EnvValue.fromValue(TrustNames.vaultRole(phase.name)),
        [env.otelResourceAttributes]: kplus.EnvValue.fromValue(`investigation.id=${TEMPLATE_ID},agent.trust_phase=${phase.name}`),
        OTEL_SERVICE_NAME: kplus.EnvValue.fromValue(agentName),
        VAULT_ADDR: kplus.EnvValue.fromValue(fleet.vaultAddress),
        // With per-investigation identity the agent logs in through the JWT mount
        // (same role name and token), so Vault's audit log names the pod.
        VAULT_AUTH_MOUNT: kplus.EnvValue.fromValue(fleet.investigationIdentityMountPath ?? fleet.vaultAuthMountPath),
        VAULT_AUTH_METHOD: kplus.EnvValue.fromValue(fleet.investigationIdentityMountPath ? 'jwt' : 'kubernetes'),
        [AgentJobTemplate.TOKEN_PATH_ENV]: kplus.EnvValue.fromValue(this.tokenPath),
        // The Vault token lives fleet.vaultTokenTtl unless renewed: the agent
        // renews it on this interval and revokes it (and every lease under it)
        // on exit, so credentials end with the investigation.
        [LauncherContract.RENEW_INTERVAL_ENV]: kplus.EnvValue.fromValue(String(fleet.tokenRenewIntervalSeconds)),
        [LauncherContract.REVOKE_ON_EXIT_ENV]: kplus.EnvValue.fromValue('true'),
        TMPDIR: kplus.EnvValue.fromValue('/tmp'),
      };
      if (this.injector) {
        envVariables.VAULT_TOKEN_FILE = kplus.EnvValue.fromValue(INJECTED_TOKEN_FILE);
      }
      if (props.otlpEndpoint !== undefined) {
        envVariables.OTEL_EXPORTER_OTLP_ENDPOINT = kplus.EnvValue.fromValue(props.otlpEndpoint);
      }
      const labels = {
        app: appLabel,
        [LauncherContract.AGENT_LABEL]: agentName,
        [LauncherContract.INVESTIGATION_LABEL]: TEMPLATE_ID,
        [LauncherContract.PHASE_LABEL]: phase.name,
      };
      const scratch = kplus.Volume.fromEmptyDir(detached, 'Scratch', 'scratch',
        { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: scratchSize });
      const tmp = kplus.Volume.fromEmptyDir(detached, 'Tmp', 'tmp',
        { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: tmpSize });

      const job = new kplus.Job(detached, 'Resource', {
        metadata: { name: TrustNames.jobName(TEMPLATE_ID), namespace: fleet.namespace, labels },
        podMetadata: { labels, annotations: this.injector ? this.injectorAnnotations() : undefined },
        backoffLimit: 0,
        activeDeadline: KDuration.seconds(deadline.toSeconds()),
        ttlAfterFinished: KDuration.seconds(ttl.toSeconds()),
        serviceAccount: kplus.ServiceAccount.fromServiceAccountName(detached, 'ServiceAccount', TrustNames.serviceAccount(phase.name)),
        automountServiceAccountToken: false,
        securityContext: { ensureNonRoot: true, user, group, fsGroup: group },
        containers: [{
          name: this.containerName,
          image: image,
          envVariables,
          securityContext: {
            ensureNonRoot: true,
            user,
            group,
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: [kplus.Capability.ALL] },
          },
          volumeMounts: [{ path: scratchPath, volume: scratch }, { path: '/tmp', volume: tmp }],
        }],
      });

      // Fields cdk8s-plus-28 lacks or renders differently, through its JSON-patch escape hatch.
      const obj = ApiObject.of(job);
      const pod = '/spec/template/spec';
      obj.addJsonPatch(
        JsonPatch.remove(`/spec/template/metadata/labels/${ADDR_LABEL.replace(/\//g, '~1')}`),
        JsonPatch.add(`${pod}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }),
        // The pod's own deadline: a pod orphaned by `delete job --cascade=orphan` still ends.
        JsonPatch.add(`${pod}/activeDeadlineSeconds`, deadline.toSeconds()),
        // The L1 serializer runs on the patched object and keeps only `Quantity`
        // values here (a raw string would vanish), so wrap each quantity.
        JsonPatch.replace(`${pod}/containers/0/resources`, {
          requests: { cpu: quantity(cpuRequest), memory: quantity(memoryRequest) },
          limits: { cpu: quantity(cpuLimit), memory: quantity(memoryLimit) },
        }),
        JsonPatch.add(`${pod}/volumes/-`, {
          name: TOKEN_VOLUME,
          projected: {
            sources: [{
              serviceAccountToken: {
                audience: AgentJobTemplate.TOKEN_AUDIENCE,
                expirationSeconds: tokenSeconds,
                path: TOKEN_FILE,
              },
            }],
          },
        }),
        JsonPatch.add(`${pod}/containers/0/volumeMounts/-`, { name: TOKEN_VOLUME, mountPath: tokenDir, readOnly: true }),
        JsonPatch.add('/spec/podFailurePolicy', {
          rules: [
            // Preemption or node drain is not the agent's fault: do not count it against backoffLimit 0.
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
            ...(exitCodes.length > 0
              ? [{ action: 'FailJob', onExitCodes: { containerName: this.containerName, operator: 'In', values: [...exitCodes].sort((a, b) => a - b) } }]
              : []),
          ],
        }),
      );
      if (props.runtimeClassName !== undefined) {
        obj.addJsonPatch(JsonPatch.add(`${pod}/runtimeClassName`, props.runtimeClassName));
      }
      if (apiToken) {
        // The same three sources automount would project, but with our lifetime.
        obj.addJsonPatch(
          JsonPatch.add(`${pod}/volumes/-`, {
            name: KUBE_API_VOLUME,
            projected: {
              sources: [
                { serviceAccountToken: { expirationSeconds: tokenSeconds, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
              ],
            },
          }),
          JsonPatch.add(`${pod}/containers/0/volumeMounts/-`, { name: KUBE_API_VOLUME, mountPath: KUBE_API_MOUNT, readOnly: true }),
        );
      }
      return job;
    };
    this.prototypeKey = JobPrototypes.keyOf(props);

    this.configMap = new kplus.k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: LauncherContract.configMapName(this.agent.name),
        namespace: fleet.namespace,
        labels: {
          [LauncherContract.CONFIGMAP_LABEL]: 'true',
          [LauncherContract.AGENT_LABEL]: this.agent.name,
          'app.kubernetes.io/managed-by': 'cdk-agent-trust',
        },
      },
      // Lazy so that JSON patches added to `job` after construction reach the contract.
      data: { [LauncherContract.CONFIGMAP_KEY]: Lazy.any({ produce: () => JSON.stringify(this.contract, undefined, 2) }) },
    });
  }

  /** The detached Job (not part of this construct's chart); an example investigation in the lowest phase. */
  public get job(): kplus.Job {
    // Built on first access; until then the contract comes from the fleet's prototype Job.
    if (this.builtJob === undefined) {
      this.builtJob = this.buildJob(new Chart(new App(), 'agent-job-template', { disableResourceNameHashes: true }),
        this.agent.name, this.agent.image);
    }
    return this.builtJob;
  }

  /**
   * The complete example Job (an investigation with id `template` in the
   * lowest phase), as the detached chart synthesizes it.
   */
  public get exampleJob(): any {
    return this.builtJob !== undefined ? TemplateCache.jobJson(this.builtJob)
      : JobPrototypes.jobJson(this.fleet, this.prototypeKey, this.agent.name, this.agent.image, this.buildJob) ?? TemplateCache.jobJson(this.job);
  }

  /** The launcher contract document emitted in the ConfigMap. */
  public get contract(): LauncherContractDocument {
    const fleet = this.fleet;
    const env = LauncherContract.defaultEnvNames();
    const template = this.exampleJob;
    delete template.metadata.name;
    const strip = (labels: { [k: string]: string } | undefined): void => {
      if (labels) {
        delete labels[LauncherContract.INVESTIGATION_LABEL];
        delete labels[LauncherContract.PHASE_LABEL];
      }
    };
    strip(template.metadata.labels);
    strip(template.spec?.template?.metadata?.labels);
    const podSpec = template.spec?.template?.spec ?? {};
    delete podSpec.serviceAccountName;
    const filled = new Set([env.investigationId, env.trustPhase, env.vaultRole, env.otelResourceAttributes]);
    for (const c of podSpec.containers ?? []) {
      if (c.name === this.containerName && Array.isArray(c.env)) {
        c.env = c.env.filter((e: { name: string }) => !filled.has(e.name));
      }
    }
    const phases: ContractPhase[] = fleet.ladder.phases.map(p => this.contractPhase(p));
    return {
      apiVersion: LauncherContract.API_VERSION,
      kind: LauncherContract.KIND,
      agent: this.agent.name,
      namespace: fleet.namespace,
      ceiling: fleet.ceilingOf(this.agent).name,
      jobDeadlineSeconds: fleet.jobDeadline.toSeconds(),
      containerName: this.containerName,
      env,
      vaultToken: {
        ttlSeconds: fleet.tokenTtlSeconds,
        explicitMaxTtlSeconds: fleet.tokenMaxTtlSeconds,
        renewIntervalSeconds: fleet.tokenRenewIntervalSeconds,
        revokeOnExit: true,
        renewIntervalEnv: LauncherContract.RENEW_INTERVAL_ENV,
        revokeOnExitEnv: LauncherContract.REVOKE_ON_EXIT_ENV,
      },
      phases,
      jobTemplate: template,
      targetNamespaces: [...fleet.targetNamespaces],
      ...(fleet.hostnameEnforcement ? { hostnameEnforcement: fleet.hostnameEnforcement.kind } : {}),
      allowedRegistries: [...fleet.allowedRegistries],
    };
  }

  private contractPhase(phase: TrustPhase): ContractPhase {
    const fleet = this.fleet;
    const row = TemplateCache.phaseRow(fleet, phase, () => ({
      name: phase.name,
      serviceAccount: TrustNames.serviceAccount(phase.name),
      vaultRole: TrustNames.vaultRole(phase.name),
      vaultAuthMount: fleet.vaultAuthMountPath,
      ...(fleet.investigationIdentityMountPath ? { vaultJwtAuthMount: fleet.investigationIdentityMountPath } : {}),
      egress: fleet.egressOf(phase).map(t => t.toString()),
      ...PhaseHostnames.contractFields(fleet, phase),
      vaultPaths: fleet.credentialPaths(phase),
      // What `agent-trust promote-check` evaluates evidence against, straight from the ladder.
      promotion: fleet.ladder.definition(phase).promotion,
      demotionTriggers: fleet.ladder.demotionTriggers(phase).map(t => t.id),
    }));
    const vaultPaths = row.vaultPaths;
    if (!this.injector) {
      return row;
    }
    const annotations: { [key: string]: string } = { 'vault.hashicorp.com/role': TrustNames.vaultRole(phase.name) };
    vaultPaths.forEach((p, i) => {
      // One file per credential path under /vault/secrets, named after the
      // path while the annotation name stays within Kubernetes' 63 characters.
      const name = `agent-inject-secret-${p.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
      annotations[`vault.hashicorp.com/${name.length <= 63 ? name : `agent-inject-secret-credential-${i}`}`] = p;
    });
    return { ...row, podAnnotations: annotations };
  }

  private injectorAnnotations(): { [key: string]: string } {
    return {
      'vault.hashicorp.com/agent-inject': 'true',
      // Init container only: a Vault Agent sidecar never exits, so the Job would never complete.
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      // The init container exits without renewing its token: hand the token
      // to the agent (VAULT_TOKEN_FILE), which renews and revokes it.
      'vault.hashicorp.com/agent-inject-token': 'true',
      'vault.hashicorp.com/auth-path': `auth/${this.fleet.investigationIdentityMountPath ?? this.fleet.vaultAuthMountPath}`,
      ...(this.fleet.investigationIdentityMountPath ? { 'vault.hashicorp.com/auth-type': 'jwt' } : {}),
      'vault.hashicorp.com/agent-service-account-token-volume-name': TOKEN_VOLUME,
    };
  }

  private static checkSeconds(problems: ProblemCollector, path: string, field: string, d: TrustDuration, min: number): void {
    if (!d.isWholeSeconds() || d.toSeconds() < min) {
      problems.add(path, field, d.toString(), `must be whole seconds and at least ${min}s`,
        field === 'activeDeadline' ? 'use e.g. TrustDuration.minutes(15)' : 'use e.g. TrustDuration.hours(1)');
    }
  }
}
