import { AdmissionDenialReason, AdmissionRule, AdmissionRules } from './admission-rules';
import { AgentFleet } from './agent-fleet';
import { LauncherContract, LauncherContractDocument } from './launcher-contract';
import { lit, listLit } from './private/cel-literal';

const JOB_SPEC = 'object.spec';
const POD = 'object.spec.template.spec';
const POD_META = 'object.spec.template.metadata';
const HAS_POD = `has(object.spec) && has(object.spec.template) && has(${POD})`;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Labels the API server adds to a Job's pod template on CREATE (the
 * generated selector), before validating admission sees the Job.
 */
const CONTROLLER_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'];
const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'];

/**
 * Pod-spec fields that place or run the pod somewhere else than the
 * contract says: each is absent, the contract's value, or (when the
 * contract leaves it out) the value Kubernetes defaults it to.
 */
const POD_FIELDS: Array<[string, unknown]> = [
  ['nodeName', undefined], ['nodeSelector', undefined], ['affinity', undefined], ['tolerations', undefined],
  ['priorityClassName', undefined], ['priority', undefined], ['preemptionPolicy', undefined],
  ['runtimeClassName', undefined], ['schedulerName', 'default-scheduler'], ['hostAliases', undefined],
  ['shareProcessNamespace', undefined], ['dnsConfig', undefined], ['dnsPolicy', 'ClusterFirst'], ['hostname', undefined],
  ['subdomain', undefined], ['overhead', undefined], ['topologySpreadConstraints', undefined], ['resourceClaims', undefined],
  ['hostUsers', undefined], ['os', undefined], ['imagePullSecrets', undefined], ['readinessGates', undefined],
  ['terminationGracePeriodSeconds', 30], ['setHostnameAsFQDN', undefined],
];

/** Container fields that change what the container runs. */
const COMMAND_FIELDS = ['command', 'args', 'lifecycle', 'workingDir', 'stdin', 'tty'];

/** One field of `path`: `path.key` for identifiers, `path["key"]` for map keys such as label names. */
function field(path: string, key: string): string {
  return IDENT.test(key) ? `${path}.${key}` : `${path}[${lit(key)}]`;
}

function hasField(path: string, key: string): string {
  return IDENT.test(key) ? `has(${path}.${key})` : `${lit(key)} in ${path}`;
}

/**
 * A CEL predicate: the value at `path` equals the JSON `value` leaf by leaf
 * (every key of `value` present and equal, lists of the same length).
 * Leaf by leaf because a typed object cannot be compared with a map literal
 * in the API server's CEL, and defaulted extra keys must not break it.
 */
function equalsJson(path: string, value: unknown): string {
  if (Array.isArray(value)) {
    return `(size(${path}) == ${value.length}${value.map((v, i) => ` && ${equalsJson(`${path}[${i}]`, v)}`).join('')})`;
  }
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value as { [k: string]: unknown })
      .map(([k, v]) => `${hasField(path, k)} && ${equalsJson(field(path, k), v)}`);
    return parts.length === 0 ? 'true' : `(${parts.join(' && ')})`;
  }
  if (typeof value === 'string') {
    return `${path} == ${lit(value)}`;
  }
  return `${path} == ${JSON.stringify(value)}`;
}

/** `key` of `path` is absent and the contract has none, or equals the contract's value. */
function sameAsContract(path: string, key: string, value: unknown, defaultValue?: unknown): string {
  if (value === undefined) {
    const absent = `!${hasField(path, key)}`;
    return defaultValue === undefined ? absent : `(${absent} || ${equalsJson(field(path, key), defaultValue)})`;
  }
  return `(${hasField(path, key)} && ${equalsJson(field(path, key), value)})`;
}

/**
 * The rules that compare an investigation Job with its agent's launcher
 * contract (issue #17): only the investigation id and the phase may differ
 * from the contract's Job template. Every other field an attacker could use
 * to run something else under a phase's identity is fixed: the images (from
 * the params ConfigMap, `image.<agent>`, by digest when the agent's image
 * is pinned by digest), command, args, lifecycle, environment, volumes,
 * projected token audience and lifetime, security context, placement
 * (node, tolerations, priority, runtime class), pod failure policy, TTL,
 * `managedBy`, and the pod's labels and annotations.
 *
 * These rules pass when the agent label is missing or unknown
 * (`agent-known` denies that); an agent of the fleet without a contract is
 * denied by every one of them.
 *
 * Launcher identity: one launcher ServiceAccount may create Jobs for every
 * agent of the fleet (`job-created-by-launcher`). That identity cannot
 * relabel one agent's Job as another's: the Job must then equal the other
 * agent's contract, image included, so it IS the other agent's Job, at a
 * phase within that agent's ceiling. What a launcher chooses is only which
 * agent, which phase within the ceiling and which id; a fleet that wants
 * per-agent launchers runs one fleet (namespace) per launcher.
 */
export class JobContractAdmissionRules {
  /** Prefix of the params key holding an agent's image (`image.<agent>`). */
  public static readonly IMAGE_KEY_PREFIX = 'image.';

  /** Rule id: the Job's containers and init containers are the contract's, by name. */
  public static readonly CONTAINERS_MATCH_CONTRACT = 'job-containers-match-contract';
  /** Rule id: the agent container runs the agent's image from the params ConfigMap; other containers the contract's. */
  public static readonly IMAGE_MATCHES_AGENT = 'job-image-matches-agent';
  /** Rule id: no command, args, lifecycle hook or working directory other than the contract's. */
  public static readonly COMMAND_FROM_CONTRACT = 'job-command-from-contract';
  /** Rule id: environment variables and envFrom are the contract's (no secretKeyRef, no secretRef, no changed value). */
  public static readonly ENV_FROM_CONTRACT = 'job-env-from-contract';
  /** Rule id: volumes are the contract's (no secret or PVC volume; token audience and lifetime kept). */
  public static readonly VOLUMES_MATCH_CONTRACT = 'job-volumes-match-contract';
  /** Rule id: the pod's and every container's securityContext keep the contract's values (readOnlyRootFilesystem …). */
  public static readonly SECURITY_CONTEXT_FROM_CONTRACT = 'job-security-context-from-contract';
  /** Rule id: placement and runtime fields (nodeName, tolerations, priorityClassName, runtimeClassName …) are the contract's. */
  public static readonly POD_FIELDS_FROM_CONTRACT = 'job-pod-fields-from-contract';
  /** Rule id: the pod template's labels and annotations are the contract's. */
  public static readonly POD_METADATA_FROM_CONTRACT = 'job-pod-metadata-from-contract';
  /** Rule id: podFailurePolicy is the contract's. */
  public static readonly POD_FAILURE_POLICY_FROM_CONTRACT = 'job-pod-failure-policy-from-contract';
  /** Rule id: ttlSecondsAfterFinished is the contract's. */
  public static readonly TTL_FROM_CONTRACT = 'job-ttl-from-contract';
  /** Rule id: no managedBy, manualSelector, Indexed completion or success policy. */
  public static readonly JOB_FIELDS_FROM_CONTRACT = 'job-spec-fields-from-contract';
  /** Rule id: the pod's own activeDeadlineSeconds is set and at most the Job's. */
  public static readonly POD_DEADLINE_WITHIN_JOB = 'pod-deadline-within-job-deadline';

  /** The params key of an agent's image. */
  public static imageKey(agentName: string): string {
    return `${JobContractAdmissionRules.IMAGE_KEY_PREFIX}${agentName}`;
  }

  /** The params data these rules read: every agent's image (`image.<agent>`). */
  public static paramsData(fleet: AgentFleet): { [key: string]: string } {
    const data: { [key: string]: string } = {};
    for (const agent of fleet.agents) {
      data[JobContractAdmissionRules.imageKey(agent.name)] = agent.image;
    }
    return data;
  }

  /** Every rule comparing a Job with the contracts, in evaluation order. */
  public static forFleet(fleet: AgentFleet, contracts: LauncherContractDocument[]): AdmissionRule[] {
    const p = AdmissionRules.messagePrefix;
    const agents = fleet.agents.map(a => a.name);
    // A flat disjunction over the agents (see PodAdmissionRules): an agent
    // with several contracts may match any of them; an unknown agent passes
    // (agent-known denies it); a fleet agent without a contract fails.
    const byAgent = (pred: (c: LauncherContractDocument) => string): string => `(${[
      ...agents.map(agent => {
        const own = contracts.filter(c => c.agent === agent);
        return `(variables.agent == ${lit(agent)} && (${own.length === 0 ? 'false' : own.map(pred).join(' || ')}))`;
      }),
      `!(variables.agent in ${listLit(agents)})`,
    ].join(' || ')})`;
    const rule = (id: string, description: string, expression: string, message: string, messageExpression?: string): AdmissionRule => ({
      id, description, expression, message: `${p(id)}${message}`,
      ...(messageExpression !== undefined ? { messageExpression } : {}),
      reason: AdmissionDenialReason.FORBIDDEN,
    });
    const podSpec = (c: LauncherContractDocument): any => c.jobTemplate?.spec?.template?.spec ?? {};
    const containersOf = (c: LauncherContractDocument): any[] => [...(podSpec(c).containers ?? []), ...(podSpec(c).initContainers ?? [])];
    // `pred(container)` for the container of `c` named like CEL variable `x`.
    // A container the contract lacks passes here: job-containers-match-contract denies it.
    const perContainer = (c: LauncherContractDocument, x: string, pred: (container: any) => string): string =>
      `(${[...containersOf(c).map(k => `(has(${x}.name) && ${x}.name == ${lit(k.name)} && ${pred(k)})`),
        `!(has(${x}.name) && ${x}.name in ${listLit(containersOf(c).map(k => String(k.name)))})`].join(' || ')})`;
    const everyContainer = (pred: string): string => `${HAS_POD} && has(${POD}.containers) && ${POD}.containers.all(c, ${pred})`
      + ` && (!has(${POD}.initContainers) || ${POD}.initContainers.all(c, ${pred}))`;
    const names = (list: any[] | undefined): string[] => (list ?? []).map(k => String(k.name));

    return [
      rule(JobContractAdmissionRules.CONTAINERS_MATCH_CONTRACT,
        'The pod template\'s containers and init containers are exactly the contract\'s, by name.',
        `${HAS_POD} && has(${POD}.containers) && ${byAgent(c => {
          const init = names(podSpec(c).initContainers);
          return `(size(${POD}.containers) == ${names(podSpec(c).containers).length}`
            + ` && ${POD}.containers.all(k, has(k.name) && k.name in ${listLit(names(podSpec(c).containers))})`
            + ` && ${init.length === 0 ? `(!has(${POD}.initContainers) || size(${POD}.initContainers) == 0)`
              : `has(${POD}.initContainers) && size(${POD}.initContainers) == ${init.length}`
                + ` && ${POD}.initContainers.all(k, has(k.name) && k.name in ${listLit(init)})`})`;
        })}`,
        'spec.template.spec.containers and initContainers must be the agent\'s launcher contract\'s (no added, removed or renamed container)'),
      rule(JobContractAdmissionRules.IMAGE_MATCHES_AGENT,
        `The agent container runs the agent's image from the params ConfigMap (${JobContractAdmissionRules.IMAGE_KEY_PREFIX}<agent>, `
          + 'by digest when pinned by digest); any other container the contract\'s image. Another agent\'s image labelled as '
          + 'this agent is denied.',
        `${everyContainer(byAgent(c => perContainer(c, 'c', k => (k.name === c.containerName
          ? `has(params.data) && (${lit(JobContractAdmissionRules.IMAGE_KEY_PREFIX)} + variables.agent) in params.data`
            + ` && has(c.image) && c.image == params.data[${lit(JobContractAdmissionRules.IMAGE_KEY_PREFIX)} + variables.agent]`
          : `has(c.image) && c.image == ${lit(String(k.image))}`))))}`,
        `every container's image must be the agent's image (params key ${JobContractAdmissionRules.IMAGE_KEY_PREFIX}<agent>) `
          + 'or the contract\'s',
        `${lit(p(JobContractAdmissionRules.IMAGE_MATCHES_AGENT) + 'images ')} + (${HAS_POD} && has(${POD}.containers)`
          + ` ? ${POD}.containers.map(c, has(c.image) ? c.image : "?").join(", ") : "(none)")`
          + ` + ${lit(' are not the images of agent ')} + variables.agent`
          + ` + (has(params.data) && (${lit(JobContractAdmissionRules.IMAGE_KEY_PREFIX)} + variables.agent) in params.data`
          + ` ? " (" + params.data[${lit(JobContractAdmissionRules.IMAGE_KEY_PREFIX)} + variables.agent] + ")" : "")`),
      rule(JobContractAdmissionRules.COMMAND_FROM_CONTRACT,
        `No container sets ${COMMAND_FIELDS.join(', ')} other than the contract's (the image's entrypoint runs).`,
        everyContainer(byAgent(c => perContainer(c, 'c', k => COMMAND_FIELDS.map(f => sameAsContract('c', f, k[f])).join(' && ')))),
        `no container may override ${COMMAND_FIELDS.join(', ')}: the contract's image runs its own entrypoint`),
      rule(JobContractAdmissionRules.ENV_FROM_CONTRACT,
        'Environment variables are the contract\'s with the same values (the investigation id, phase, Vault role and '
          + 'OpenTelemetry attributes filled in for this Job; HTTPS_PROXY = the phase\'s egressProxy and NO_PROXY, both '
          + 'present, for a phase with hostname egress through the proxy); no envFrom and no valueFrom but the contract\'s '
          + '(a secretRef or secretKeyRef would hand a Secret to the agent; a changed VAULT_ADDR would send its token elsewhere).',
        everyContainer(byAgent(c => perContainer(c, 'c', k => JobContractAdmissionRules.envPredicate(c, k)))),
        'every container\'s env must be the contract\'s (same values; only the investigation id and phase vary) '
          + 'and envFrom the contract\'s: no secretRef, secretKeyRef or changed value'),
      rule(JobContractAdmissionRules.VOLUMES_MATCH_CONTRACT,
        'The volumes are exactly the contract\'s, by name and type (no secret, persistentVolumeClaim, hostPath), and each '
          + 'projected token keeps its audience and at most its lifetime.',
        `${HAS_POD} && ${byAgent(c => {
          const volumes: any[] = podSpec(c).volumes ?? [];
          return volumes.length === 0 ? `(!has(${POD}.volumes) || size(${POD}.volumes) == 0)`
            : `has(${POD}.volumes) && size(${POD}.volumes) == ${volumes.length}`
              + ` && ${POD}.volumes.all(v, ${volumes.map(JobContractAdmissionRules.volumePredicate).join(' || ')})`;
        })}`,
        'spec.template.spec.volumes must be the contract\'s: same names and types, no secret or persistentVolumeClaim, '
          + 'projected tokens with the contract\'s audience and at most its expirationSeconds'),
      rule(JobContractAdmissionRules.SECURITY_CONTEXT_FROM_CONTRACT,
        'The pod\'s and every container\'s securityContext keep every value the contract sets (readOnlyRootFilesystem true, '
          + 'the user and group, …).',
        `${HAS_POD} && ${byAgent(c => {
          const psc = podSpec(c).securityContext;
          return (psc === undefined ? 'true' : `has(${POD}.securityContext) && ${equalsJson(`${POD}.securityContext`, psc)}`);
        })} && ${everyContainer(byAgent(c => perContainer(c, 'c', k => (k.securityContext === undefined ? 'true'
          : `has(c.securityContext) && ${equalsJson('c.securityContext', k.securityContext)}`))))}`,
        'the pod\'s and containers\' securityContext must keep the contract\'s values (readOnlyRootFilesystem true, runAsUser, …)'),
      rule(JobContractAdmissionRules.POD_FIELDS_FROM_CONTRACT,
        `The placement and runtime fields (${POD_FIELDS.map(([f]) => f).join(', ')}) are the contract's or unset `
          + '(no nodeName, no toleration, no system priority class, no other RuntimeClass).',
        `${HAS_POD} && ${byAgent(c => POD_FIELDS.map(([f, d]) => sameAsContract(POD, f, podSpec(c)[f], d)).join(' && '))}`,
        `spec.template.spec must not set ${POD_FIELDS.map(([f]) => f).join(', ')} other than the contract's`),
      rule(JobContractAdmissionRules.POD_METADATA_FROM_CONTRACT,
        'The pod template carries only the contract\'s labels (plus the identity labels and those the API server adds) and '
          + 'only the contract\'s annotations (NetworkPolicies and injectors select pods by them).',
        `${HAS_POD} && has(${POD_META}) && ${byAgent(c => JobContractAdmissionRules.metadataPredicate(c))}`,
        'spec.template.metadata must carry only the contract\'s labels and annotations'),
      rule(JobContractAdmissionRules.POD_FAILURE_POLICY_FROM_CONTRACT,
        'spec.podFailurePolicy is the contract\'s (an Ignore rule on exit codes would retry the investigation).',
        `has(${JOB_SPEC}) && ${byAgent(c => {
          const pfp = c.jobTemplate?.spec?.podFailurePolicy;
          return pfp === undefined ? `!has(${JOB_SPEC}.podFailurePolicy)`
            : `has(${JOB_SPEC}.podFailurePolicy) && has(${JOB_SPEC}.podFailurePolicy.rules) && ${equalsJson(`${JOB_SPEC}.podFailurePolicy`, pfp)}`;
        })}`,
        'spec.podFailurePolicy must be the contract\'s'),
      rule(JobContractAdmissionRules.TTL_FROM_CONTRACT,
        'spec.ttlSecondsAfterFinished is the contract\'s (the finished Job and its Pod do not linger).',
        `has(${JOB_SPEC}) && ${byAgent(c => sameAsContract(JOB_SPEC, 'ttlSecondsAfterFinished', c.jobTemplate?.spec?.ttlSecondsAfterFinished))}`,
        'spec.ttlSecondsAfterFinished must be the contract\'s'),
      rule(JobContractAdmissionRules.JOB_FIELDS_FROM_CONTRACT,
        'No spec.managedBy (another controller would run the pods), manualSelector, Indexed completion, successPolicy or maxFailedIndexes.',
        `has(${JOB_SPEC}) && (!has(${JOB_SPEC}.managedBy) || ${JOB_SPEC}.managedBy == "kubernetes.io/job-controller")`
          + ` && (!has(${JOB_SPEC}.manualSelector) || ${JOB_SPEC}.manualSelector == false)`
          + ` && (!has(${JOB_SPEC}.completionMode) || ${JOB_SPEC}.completionMode == "NonIndexed")`
          + ` && !has(${JOB_SPEC}.successPolicy) && !has(${JOB_SPEC}.maxFailedIndexes)`,
        'spec.managedBy, spec.manualSelector, spec.successPolicy and spec.maxFailedIndexes must be unset and completionMode NonIndexed'),
      rule(JobContractAdmissionRules.POD_DEADLINE_WITHIN_JOB,
        'spec.template.spec.activeDeadlineSeconds is set and at most the Job\'s, so a pod orphaned by '
          + '`kubectl delete job --cascade=orphan` still ends.',
        `${HAS_POD} && has(${POD}.activeDeadlineSeconds) && has(${JOB_SPEC}.activeDeadlineSeconds)`
          + ` && ${POD}.activeDeadlineSeconds > 0 && ${POD}.activeDeadlineSeconds <= ${JOB_SPEC}.activeDeadlineSeconds`,
        'spec.template.spec.activeDeadlineSeconds must be set, between 1 and spec.activeDeadlineSeconds'),
    ];
  }

  /** The env predicate over `c` for container `k` of contract `contract`. */
  private static envPredicate(contract: LauncherContractDocument, k: any): string {
    const env: any[] = Array.isArray(k.env) ? k.env : [];
    const isAgent = k.name === contract.containerName;
    // The proxy variables are the renderer's per phase (issue #17), never the template's.
    const proxied = isAgent ? contract.phases.filter(r => typeof r.egressProxy === 'string' && r.egressProxy !== '') : [];
    const proxyNames = [LauncherContract.HTTPS_PROXY_ENV, LauncherContract.NO_PROXY_ENV];
    const fixed = env.filter(e => e && typeof e.name === 'string' && !(proxied.length > 0 && proxyNames.includes(e.name)));
    const clauses = fixed.map(e => `(e.name == ${lit(e.name)} && ${e.valueFrom !== undefined
      ? `!has(e.value) && has(e.valueFrom) && ${equalsJson('e.valueFrom', e.valueFrom)}`
      : `!has(e.valueFrom) && ${e.value === undefined ? '(!has(e.value) || e.value == "")' : `has(e.value) && e.value == ${lit(String(e.value))}`}`})`);
    let proxyPresent = 'true';
    if (proxied.length > 0) {
      // A phase with hostname egress keeps HTTPS_PROXY (its own proxy port) and NO_PROXY: pointed elsewhere,
      // the agent's HTTPS would leave through another phase's port or a host of the attacker's choosing.
      const proxies = `{${proxied.map(r => `${lit(r.name)}: ${lit(String(r.egressProxy))}`).join(', ')}}`;
      const noProxy = lit(LauncherContract.noProxy(LauncherContract.vaultAddressOf(contract)));
      const value = (v: string): string => `!has(e.valueFrom) && has(e.value) && e.value == ${v}`;
      clauses.push(
        `(e.name == ${lit(LauncherContract.HTTPS_PROXY_ENV)} && variables.phase in ${proxies} && ${value(`${proxies}[variables.phase]`)})`,
        `(e.name == ${lit(LauncherContract.NO_PROXY_ENV)} && variables.phase in ${proxies} && ${value(noProxy)})`,
      );
      proxyPresent = `(!(variables.phase in ${proxies}) || (has(c.env)`
        + proxyNames.map(n => ` && c.env.exists(e, has(e.name) && e.name == ${lit(n)})`).join('') + '))';
    }
    if (isAgent) {
      // The four values the renderer fills in, derived here from the Job's own labels.
      const n = contract.env;
      const roles = `{${contract.phases.map(r => `${lit(r.name)}: ${lit(r.vaultRole)}`).join(', ')}}`;
      const otel = `${lit(`service.name=${contract.agent},investigation.id=`)} + variables.investigationId`
        + ` + ${lit(`,agent.name=${contract.agent},agent.trust_phase=`)} + variables.phase`;
      const plain = (value: string): string => `!has(e.valueFrom) && has(e.value) && e.value == ${value}`;
      clauses.push(
        `(e.name == ${lit(n.investigationId)} && ${plain('variables.investigationId')})`,
        `(e.name == ${lit(n.trustPhase)} && ${plain('variables.phase')})`,
        `(e.name == ${lit(n.vaultRole)} && variables.phase in ${roles} && ${plain(`${roles}[variables.phase]`)})`,
        `(e.name == ${lit(n.otelResourceAttributes)} && !has(e.valueFrom) && has(e.value)`
          + ` && (e.value == ${otel} || e.value.startsWith(${otel} + ",")))`,
      );
    }
    const envOk = `(!has(c.env) || c.env.all(e, has(e.name) && (${clauses.length === 0 ? 'false' : clauses.join(' || ')})))`;
    const envFromOk = Array.isArray(k.envFrom) && k.envFrom.length > 0
      ? `has(c.envFrom) && ${equalsJson('c.envFrom', k.envFrom)}`
      : '(!has(c.envFrom) || size(c.envFrom) == 0)';
    return `${envOk} && ${proxyPresent} && ${envFromOk}`;
  }

  /** A predicate over `v` (one volume) matching the contract's volume `shape`. */
  private static volumePredicate(shape: any): string {
    const kind = Object.keys(shape ?? {}).find(key => key !== 'name') ?? '';
    const parts = [`has(v.name) && v.name == ${lit(String(shape.name))}`, `has(v.${kind})`];
    if (kind === 'projected') {
      const sources: any[] = shape.projected?.sources ?? [];
      parts.push(`has(v.projected.sources) && size(v.projected.sources) == ${sources.length}`);
      sources.forEach((src, i) => {
        const s = `v.projected.sources[${i}]`;
        const sourceKind = Object.keys(src ?? {})[0] ?? '';
        parts.push(`has(${s}.${sourceKind})`);
        if (sourceKind === 'serviceAccountToken') {
          const t = `${s}.serviceAccountToken`;
          const token = src.serviceAccountToken;
          parts.push(token.audience
            ? `has(${t}.audience) && ${t}.audience == ${lit(token.audience)}`
            : `(!has(${t}.audience) || ${t}.audience == "")`);
          parts.push(`has(${t}.expirationSeconds) && ${t}.expirationSeconds <= ${token.expirationSeconds ?? 3600}`);
        } else if (sourceKind === 'configMap' || sourceKind === 'secret') {
          parts.push(`has(${s}.${sourceKind}.name) && ${s}.${sourceKind}.name == ${lit(String(src[sourceKind].name))}`);
        }
      });
    } else if (kind === 'configMap' || kind === 'secret') {
      const nameKey = kind === 'secret' ? 'secretName' : 'name';
      parts.push(`has(v.${kind}.${nameKey}) && v.${kind}.${nameKey} == ${lit(String(shape[kind][nameKey]))}`);
    } else if (kind === 'emptyDir' && shape.emptyDir?.medium !== undefined) {
      parts.push(`has(v.emptyDir.medium) && v.emptyDir.medium == ${lit(shape.emptyDir.medium)}`);
    }
    return `(${parts.join(' && ')})`;
  }

  /** Labels and annotations of the pod template against the contract's. */
  private static metadataPredicate(contract: LauncherContractDocument): string {
    const meta = contract.jobTemplate?.spec?.template?.metadata ?? {};
    const labels: { [k: string]: string } = meta.labels ?? {};
    const identity = [LauncherContract.AGENT_LABEL, LauncherContract.PHASE_LABEL, LauncherContract.INVESTIGATION_LABEL];
    const fixedLabels = Object.keys(labels).filter(k => !identity.includes(k));
    const allowedLabels = [...new Set([...fixedLabels, ...identity, ...CONTROLLER_LABELS, ...JOB_NAME_LABELS])].sort();
    const l = `${POD_META}.labels`;
    const labelOk = `(!has(${l}) || ${l}.all(k, k in ${listLit(allowedLabels)}))`
      + fixedLabels.map(k => ` && has(${l}) && ${lit(k)} in ${l} && ${l}[${lit(k)}] == ${lit(labels[k])}`).join('')
      + JOB_NAME_LABELS.map(k => ` && (!has(${l}) || !(${lit(k)} in ${l}) || (has(object.metadata.name) && ${l}[${lit(k)}] == object.metadata.name))`).join('');
    // Annotation values: the template's, or one phase's (podAnnotations).
    const values = new Map<string, Set<string>>();
    const add = (k: string, v: string): void => {
      values.set(k, (values.get(k) ?? new Set()).add(v));
    };
    Object.entries(meta.annotations ?? {}).forEach(([k, v]) => add(k, String(v)));
    contract.phases.forEach(r => Object.entries(r.podAnnotations ?? {}).forEach(([k, v]) => add(k, String(v))));
    const a = `${POD_META}.annotations`;
    const keys = [...values.keys()].sort();
    const annotationOk = keys.length === 0 ? `(!has(${a}) || size(${a}) == 0)`
      : `(!has(${a}) || ${a}.all(k, ${keys.map(k => `(k == ${lit(k)} && ${a}[k] in ${listLit([...values.get(k)!].sort())})`).join(' || ')}))`;
    return `(${labelOk} && ${annotationOk})`;
  }
}
