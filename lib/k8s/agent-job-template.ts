import { ApiObject, App, Chart, Duration as KDuration, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentFleet, AgentJobOptions, AgentJobSpec, AgentSpec, LauncherContractBuilder, LauncherContract, LauncherContractDocument, TrustNames,
} from '../model';
import { guardOutput, pathOf, quantity } from './private/k8s-util';
import { JobPrototypes, TemplateCache } from './private/template-cache';

/** Properties of an `AgentJobTemplate`: the Job's options, with typed resource quantities. */
export interface AgentJobTemplateProps extends AgentJobOptions {
  /**
   * CPU request of the agent container.
   * @default Cpu.millis(500)
   */
  readonly cpuRequest?: kplus.Cpu;
  /**
   * Memory request of the agent container.
   * @default Size.gibibytes(1)
   */
  readonly memoryRequest?: Size;
  /**
   * CPU limit of the agent container.
   * @default Cpu.units(2)
   */
  readonly cpuLimit?: kplus.Cpu;
  /**
   * Memory limit of the agent container. Memory-backed volumes (scratch,
   * /tmp) count against it.
   * @default Size.gibibytes(4)
   */
  readonly memoryLimit?: Size;
  /**
   * Size limit of the memory-backed scratch volume.
   * @default Size.mebibytes(256)
   */
  readonly scratchSizeLimit?: Size;
  /**
   * Size limit of the memory-backed volume at `/tmp` (the root filesystem is read-only).
   * @default Size.mebibytes(64)
   */
  readonly tmpSizeLimit?: Size;
}

const KUBE_API_VOLUME = 'kube-api-access';
const TOKEN_VOLUME = 'vault-token';
const TOKEN_FILE = 'token';
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
  /** The contract ConfigMap emitted in the agent namespace. */
  public readonly configMap: kplus.k8s.KubeConfigMap;
  /** The resolved props: defaults applied, validated, free of cdk8s types. */
  public readonly spec: AgentJobSpec;
  /** The agent. */
  public readonly agent: AgentSpec;
  /** Name of the agent container. */
  public readonly containerName: string;
  /** Path of the projected token file inside the container. */
  public readonly tokenPath: string;

  private readonly fleet: AgentFleet;
  private readonly prototypeKey?: string;
  private builtJob?: kplus.Job;

  public constructor(scope: Construct, id: string, props: AgentJobTemplateProps) {
    super(scope, id);
    guardOutput(this);
    // Typed quantities become quantity text here; the model resolves and checks the rest.
    this.spec = new AgentJobSpec({
      ...props,
      cpuRequest: props.cpuRequest?.amount,
      memoryRequest: props.memoryRequest?.asString(),
      cpuLimit: props.cpuLimit?.amount,
      memoryLimit: props.memoryLimit?.asString(),
      scratchSizeLimit: props.scratchSizeLimit?.asString(),
      tmpSizeLimit: props.tmpSizeLimit?.asString(),
    }, pathOf(this));
    this.fleet = props.fleet;
    this.agent = this.spec.agent;
    this.containerName = this.spec.containerName;
    this.tokenPath = this.spec.tokenPath;
    this.prototypeKey = JobPrototypes.keyOf(props);

    this.configMap = new kplus.k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: LauncherContract.configMapName(this.agent.name),
        namespace: this.fleet.namespace,
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
      : JobPrototypes.jobJson(this.fleet, this.prototypeKey, this.agent.name, this.agent.image, (d, n, i) => this.buildJob(d, n, i))
        ?? TemplateCache.jobJson(this.job);
  }

  /** The launcher contract document emitted in the ConfigMap. */
  public get contract(): LauncherContractDocument {
    return LauncherContractBuilder.fromJob(this.spec, this.exampleJob);
  }

  /**
   * The example Job in a detached chart (never part of the user's App, so
   * never written to dist/), built on first use: `job`, or the contract of
   * a template whose Job cannot come from the fleet's prototype
   * (private/template-cache.ts).
   */
  private buildJob(detached: Chart, agentName: string, image: string): kplus.Job {
    const spec = this.spec;
    const binding = this.fleet.phaseBindings[0];
    const environment = spec.environment(binding, AgentJobSpec.TEMPLATE_ID, agentName);
    const envVariables: { [name: string]: kplus.EnvValue } = {};
    for (const [name, value] of Object.entries(environment)) {
      envVariables[name] = kplus.EnvValue.fromValue(value);
    }
    const labels = spec.labels(binding, AgentJobSpec.TEMPLATE_ID, agentName);
    const scratch = kplus.Volume.fromEmptyDir(detached, 'Scratch', 'scratch',
      { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(spec.scratchSizeMebibytes) });
    const tmp = kplus.Volume.fromEmptyDir(detached, 'Tmp', 'tmp',
      { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(spec.tmpSizeMebibytes) });
    const user = spec.runAsUser;
    const group = spec.runAsGroup;
    const deadline = spec.activeDeadline.toSeconds();
    const tokenSeconds = spec.tokenExpiration.toSeconds();

    const job = new kplus.Job(detached, 'Resource', {
      metadata: { name: TrustNames.jobName(AgentJobSpec.TEMPLATE_ID), namespace: this.fleet.namespace, labels },
      podMetadata: { labels, annotations: spec.injectorPodAnnotations(binding, TOKEN_VOLUME) },
      backoffLimit: 0,
      activeDeadline: KDuration.seconds(deadline),
      ttlAfterFinished: KDuration.seconds(spec.ttlAfterFinished.toSeconds()),
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(detached, 'ServiceAccount', binding.serviceAccount),
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user, group, fsGroup: group },
      containers: [{
        name: spec.containerName,
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
        volumeMounts: [{ path: spec.scratchPath, volume: scratch }, { path: '/tmp', volume: tmp }],
      }],
    });

    // Fields cdk8s-plus-28 lacks or renders differently, through its JSON-patch escape hatch.
    const obj = ApiObject.of(job);
    const pod = '/spec/template/spec';
    const exitCodes = spec.failJobExitCodes;
    obj.addJsonPatch(
      JsonPatch.remove(`/spec/template/metadata/labels/${ADDR_LABEL.replace(/\//g, '~1')}`),
      JsonPatch.add(`${pod}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }),
      // The pod's own deadline: a pod orphaned by `delete job --cascade=orphan` still ends.
      JsonPatch.add(`${pod}/activeDeadlineSeconds`, deadline),
      // The L1 serializer runs on the patched object and keeps only `Quantity`
      // values here (a raw string would vanish), so wrap each quantity.
      JsonPatch.replace(`${pod}/containers/0/resources`, {
        requests: { cpu: quantity(spec.cpuRequest), memory: quantity(spec.memoryRequest) },
        limits: { cpu: quantity(spec.cpuLimit), memory: quantity(spec.memoryLimit) },
      }),
      JsonPatch.add(`${pod}/volumes/-`, {
        name: TOKEN_VOLUME,
        projected: {
          sources: [{
            serviceAccountToken: {
              audience: binding.audience,
              expirationSeconds: tokenSeconds,
              path: TOKEN_FILE,
            },
          }],
        },
      }),
      JsonPatch.add(`${pod}/containers/0/volumeMounts/-`, { name: TOKEN_VOLUME, mountPath: spec.tokenMountPath, readOnly: true }),
      JsonPatch.add('/spec/podFailurePolicy', {
        rules: [
          // Preemption or node drain is not the agent's fault: do not count it against backoffLimit 0.
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          ...(exitCodes.length > 0
            ? [{ action: 'FailJob', onExitCodes: { containerName: spec.containerName, operator: 'In', values: [...exitCodes].sort((a, b) => a - b) } }]
            : []),
        ],
      }),
    );
    if (spec.runtimeClassName !== undefined) {
      obj.addJsonPatch(JsonPatch.add(`${pod}/runtimeClassName`, spec.runtimeClassName));
    }
    if (spec.kubernetesApiToken) {
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
        JsonPatch.add(`${pod}/containers/0/volumeMounts/-`, { name: KUBE_API_VOLUME, mountPath: AgentJobSpec.KUBE_API_MOUNT, readOnly: true }),
      );
    }
    return job;
  }
}
