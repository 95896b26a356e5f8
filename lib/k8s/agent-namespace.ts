import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentFleet, AgentJobSpec, TrustDuration, ResourceQuantity } from '../model';
import { clusterScoped, guardOutput, multiplyQuantity, pathOf, quantity } from './private/k8s-util';
import { ProblemCollector } from '../model/private/problem-collector';

/** Properties of an `AgentNamespace`. */
export interface AgentNamespaceProps {
  /** The fleet: its `namespace` and `maxConcurrentInvestigations` are used. */
  readonly fleet: AgentFleet;
  /**
   * CPU request given to a container that declares none (LimitRange default),
   * and the per-investigation CPU request the quota totals are sized with.
   * @default "500m" (the seed Job)
   */
  readonly defaultCpuRequest?: string;
  /**
   * Memory request given to a container that declares none, and the
   * per-investigation memory request the quota totals are sized with.
   * @default "1Gi" (the seed Job)
   */
  readonly defaultMemoryRequest?: string;
  /**
   * CPU limit given to a container that declares none, and the
   * per-investigation CPU limit the quota totals are sized with.
   * @default "2" (the seed Job)
   */
  readonly defaultCpuLimit?: string;
  /**
   * Memory limit given to a container that declares none, and the
   * per-investigation memory limit the quota totals are sized with.
   * @default "4Gi" (the seed Job)
   */
  readonly defaultMemoryLimit?: string;
  /**
   * Largest CPU limit one container may declare (LimitRange max).
   * @default - `defaultCpuLimit`
   */
  readonly maxCpu?: string;
  /**
   * Largest memory limit one container may declare (LimitRange max).
   * @default - `defaultMemoryLimit`
   */
  readonly maxMemory?: string;
  /**
   * How long a finished Job is kept (the Job template's
   * `ttlSecondsAfterFinished`); only used to size the retained-Jobs cap.
   * @default TrustDuration.hours(1) (the seed Job)
   */
  readonly jobTtlAfterFinished?: TrustDuration;
  /**
   * Cap on Job objects in the namespace (`count/jobs.batch`), running or
   * finished-but-retained. This is an object-count guard, not the
   * concurrency limit (that is the `pods` quota); see the class docs.
   * @default - maxConcurrentInvestigations × ceil((jobDeadline + jobTtlAfterFinished) / jobDeadline)
   */
  readonly retainedJobs?: number;
  /**
   * Add a NetworkPolicy that denies all ingress and egress to every pod of
   * the namespace, so a pod without a phase label gets no network at all;
   * each phase's `PhaseNetworkPolicy` then opens only what that phase needs.
   * Run the launcher in another namespace, or give it its own policy.
   * @default true
   */
  readonly defaultDenyNetwork?: boolean;
}

/**
 * The namespace investigation Jobs run in, with its guardrails:
 *
 * - Pod Security Admission `enforce`, `audit` and `warn` at `restricted`
 *   (version `latest`), so a pod that drops a hardening field is refused.
 * - A LimitRange: container default requests and limits (the seed's
 *   500m/1Gi and 2/4Gi) and maximums equal to the limits.
 * - A ResourceQuota. **Why `pods` and not `count/jobs.batch` caps concurrency:**
 *   `count/jobs.batch` counts Job *objects*, including finished Jobs kept
 *   for `ttlSecondsAfterFinished` (one hour in the seed). A Job quota equal
 *   to the concurrency would therefore allow only N investigations *per
 *   hour*, not N at once. The `pods` quota counts only non-terminal pods, so
 *   `pods = maxConcurrentInvestigations` is the real concurrency cap (one pod
 *   per investigation, `backoffLimit: 0`). CPU and memory request/limit
 *   totals are concurrency × the per-investigation values, and
 *   `count/jobs.batch` is a separate cap on retained Job objects (an
 *   object-creation guard), by default enough for every slot to run
 *   full-length investigations back to back while finished ones wait for
 *   their TTL: concurrency × ceil((deadline + ttl) / deadline). Shorter
 *   investigations finish sooner and retain more Jobs per hour: raise
 *   `retainedJobs` if the launcher meets "exceeded quota" on Job creation.
 *   The quota counts every pod of the namespace, so run nothing else there.
 * - Optionally (default on) a default-deny NetworkPolicy for every pod.
 */
export class AgentNamespace extends Construct {
  /** The Namespace. */
  public readonly namespace: kplus.k8s.KubeNamespace;
  /** The ResourceQuota. */
  public readonly resourceQuota: kplus.k8s.KubeResourceQuota;
  /** The LimitRange. */
  public readonly limitRange: kplus.k8s.KubeLimitRange;
  /** The namespace-wide default-deny NetworkPolicy, when enabled. */
  public readonly defaultDeny?: kplus.k8s.KubeNetworkPolicy;
  /** The `count/jobs.batch` value used. */
  public readonly retainedJobs: number;
  /** The hard quota, as synthesized (quantities as strings, counts as numbers). */
  public readonly quotaHard: { [key: string]: string };

  public constructor(scope: Construct, id: string, props: AgentNamespaceProps) {
    super(scope, id);
    guardOutput(this);
    const fleet = props.fleet;
    const ns = fleet.namespace;
    const path = pathOf(this);
    const cpuRequest = props.defaultCpuRequest ?? AgentJobSpec.DEFAULT_CPU_REQUEST;
    const memoryRequest = props.defaultMemoryRequest ?? AgentJobSpec.DEFAULT_MEMORY_REQUEST;
    const cpuLimit = props.defaultCpuLimit ?? AgentJobSpec.DEFAULT_CPU_LIMIT;
    const memoryLimit = props.defaultMemoryLimit ?? AgentJobSpec.DEFAULT_MEMORY_LIMIT;
    const maxCpu = props.maxCpu ?? cpuLimit;
    const maxMemory = props.maxMemory ?? memoryLimit;
    const ttl = props.jobTtlAfterFinished ?? AgentJobSpec.DEFAULT_TTL_AFTER_FINISHED;
    const concurrency = fleet.maxConcurrentInvestigations;
    const deadline = fleet.jobDeadline.toSeconds();

    const problems = new ProblemCollector();
    const values: { [field: string]: number | undefined } = {
      defaultCpuRequest: ResourceQuantity._check(problems, path, 'defaultCpuRequest', cpuRequest),
      defaultMemoryRequest: ResourceQuantity._check(problems, path, 'defaultMemoryRequest', memoryRequest),
      defaultCpuLimit: ResourceQuantity._check(problems, path, 'defaultCpuLimit', cpuLimit),
      defaultMemoryLimit: ResourceQuantity._check(problems, path, 'defaultMemoryLimit', memoryLimit),
      maxCpu: ResourceQuantity._check(problems, path, 'maxCpu', maxCpu),
      maxMemory: ResourceQuantity._check(problems, path, 'maxMemory', maxMemory),
    };
    const notBelow = (high: string, low: string, highText: string, lowText: string): void => {
      const h = values[high];
      const l = values[low];
      if (h !== undefined && l !== undefined && h < l) {
        problems.add(path, high, highText, `is below ${low} (${JSON.stringify(lowText)})`,
          `raise ${high} to at least ${JSON.stringify(lowText)} or lower ${low}`);
      }
    };
    notBelow('defaultCpuLimit', 'defaultCpuRequest', cpuLimit, cpuRequest);
    notBelow('defaultMemoryLimit', 'defaultMemoryRequest', memoryLimit, memoryRequest);
    notBelow('maxCpu', 'defaultCpuLimit', maxCpu, cpuLimit);
    notBelow('maxMemory', 'defaultMemoryLimit', maxMemory, memoryLimit);
    if (!ttl.isWholeSeconds()) {
      problems.add(path, 'jobTtlAfterFinished', ttl.toString(), 'must be whole seconds', 'use e.g. TrustDuration.hours(1)');
    }
    const computed = concurrency * Math.ceil((deadline + ttl.toSeconds()) / Math.max(deadline, 1));
    this.retainedJobs = props.retainedJobs ?? computed;
    if (!Number.isInteger(this.retainedJobs) || this.retainedJobs < concurrency) {
      problems.add(path, 'retainedJobs', props.retainedJobs,
        `must be a whole number ≥ maxConcurrentInvestigations (${concurrency}): finished Jobs count too, so a smaller cap blocks new investigations`,
        `leave it unset (default ${computed}) or raise it`);
    }
    problems.throwIfAny(path);

    this.namespace = new kplus.k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: ns,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    });
    clusterScoped(this.namespace);

    this.quotaHard = {
      'pods': `${concurrency}`,
      'requests.cpu': multiplyQuantity(cpuRequest, concurrency, 'cpu'),
      'requests.memory': multiplyQuantity(memoryRequest, concurrency, 'memory'),
      'limits.cpu': multiplyQuantity(cpuLimit, concurrency, 'cpu'),
      'limits.memory': multiplyQuantity(memoryLimit, concurrency, 'memory'),
      'count/jobs.batch': `${this.retainedJobs}`,
    };
    const hard: { [key: string]: kplus.k8s.Quantity } = {};
    for (const [k, v] of Object.entries(this.quotaHard)) {
      hard[k] = quantity(v);
    }
    this.resourceQuota = new kplus.k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: `${ns}-quota`, namespace: ns },
      spec: { hard },
    });

    this.limitRange = new kplus.k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: `${ns}-limits`, namespace: ns },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: quantity(cpuRequest), memory: quantity(memoryRequest) },
          default: { cpu: quantity(cpuLimit), memory: quantity(memoryLimit) },
          max: { cpu: quantity(maxCpu), memory: quantity(maxMemory) },
        }],
      },
    });

    if (props.defaultDenyNetwork ?? true) {
      this.defaultDeny = new kplus.k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
        metadata: { name: 'default-deny-all', namespace: ns },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
    }
  }
}
