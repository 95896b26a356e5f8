import { AgentFleet } from './agent-fleet';
import { LauncherContract } from './launcher-contract';
import { TrustNames } from './trust-names';
import { messagePrefix, rule, say } from './private/admission-rule-table';
import { lit, listLit } from './private/cel-literal';
import { PodSecurityProfile } from './private/pod-security-profile';
import { PodSpecRoot } from './private/pod-spec-root';

/**
 * Machine-readable reason Kubernetes returns when an admission rule
 * denies a request (the `reason` of a ValidatingAdmissionPolicy validation).
 */
export class AdmissionDenialReason {
  /** The request asks for something the agent is not allowed (HTTP 403). */
  public static readonly FORBIDDEN = new AdmissionDenialReason('Forbidden');
  /** The object is malformed for an investigation Job (HTTP 422). */
  public static readonly INVALID = new AdmissionDenialReason('Invalid');

  private constructor(
    /** The Kubernetes `StatusReason` value. */
    public readonly value: string) {}

  public toString(): string {
    return this.value;
  }
}

/**
 * One admission rule: a CEL expression that must evaluate to `true` for an
 * investigation Job to be admitted, and what to say when it does not.
 */
export interface AdmissionRule {
  /** Stable identifier, quoted in the message as `[id]` so a denial names its rule. */
  readonly id: string;
  /** The invariant in one sentence, for reports and `agent-trust verify`. */
  readonly description: string;
  /**
   * CEL expression over `object` (the Job), `oldObject`, `params` (the
   * ceilings ConfigMap) and `request`. Standard CEL plus the strings
   * extension only, and every field access guarded by `has()`/`in`, so a
   * missing field is a clean `false`, never an evaluation error.
   */
  readonly expression: string;
  /** Static message (one line) naming the rule and the fix. */
  readonly message: string;
  /**
   * CEL expression producing a message with the offending values. Kubernetes
   * falls back to `message` if it fails to evaluate.
   * @default - none: `message` is used
   */
  readonly messageExpression?: string;
  /** Reason returned to the client. */
  readonly reason: AdmissionDenialReason;
}

/**
 * A named CEL expression the rules share (`spec.variables`), read as
 * `variables.<name>`. Every variable is total: a missing field gives the
 * empty string or -1, never an error.
 */
export interface AdmissionVariable {
  /** Name (a CEL identifier). */
  readonly name: string;
  /** What the value means. */
  readonly description: string;
  /** CEL expression; may read variables defined before it. */
  readonly expression: string;
}

/**
 * An audit annotation the policy adds to the API server's audit event of
 * every Job request (`<policy name>/<key>`), so audit logs attribute each
 * Job to its agent, phase and investigation.
 */
export interface AdmissionAuditAnnotation {
  /** Key (a label-name segment); the API server prefixes the policy name. */
  readonly key: string;
  /** CEL expression giving a string, or null to omit the annotation. */
  readonly valueExpression: string;
}

/** A condition a request must meet for the policy to check it (`matchConditions`). */
export interface AdmissionMatchCondition {
  /** Name (a Kubernetes qualified name). */
  readonly name: string;
  /** CEL expression; `false` skips the policy for the request. */
  readonly expression: string;
}

// Paths inside the admitted object, written once.
const LABELS = 'object.metadata.labels';
const POD = 'object.spec.template.spec';
const POD_LABELS = 'object.spec.template.metadata.labels';
const HAS_POD = `has(object.spec) && has(object.spec.template) && has(${POD})`;
const DATA = 'params.data';

function label(key: string): string {
  return `${LABELS}[${lit(key)}]`;
}

function hasLabel(key: string): string {
  return `(has(object.metadata) && has(${LABELS}) && ${lit(key)} in ${LABELS})`;
}

/** The pod template of a Job. */
const JOB_POD: PodSpecRoot = { path: POD, guard: HAS_POD, field: 'spec.template.spec', kind: 'Job' };

/** `pred` (over `c`) holds for every container and every init container of the pod spec at `root`. */
function everyContainer(pred: string, root: PodSpecRoot = JOB_POD): string {
  const pod = root.path;
  return `(${root.guard} && has(${pod}.containers) && ${pod}.containers.all(c, ${pred})`
    + ` && (!has(${pod}.initContainers) || ${pod}.initContainers.all(c, ${pred})))`;
}

/**
 * The CEL rules of the trust-phase admission policy and the data of its
 * params ConfigMap, as plain data: the `TrustPhaseAdmission` construct emits
 * them, tests evaluate them, and `agent-trust verify` can compare a
 * synthesized policy against them.
 *
 * Design:
 * - Each rule checks one invariant, and passes when its precondition is
 *   another rule's business (e.g. the ceiling rule passes when the agent
 *   label is missing, which `agent-known` denies). All rules must pass for
 *   admission, so nothing is lost, and a tampered Job is denied with the
 *   message of exactly the invariant it breaks.
 * - What changes with a promotion lives in the params ConfigMap
 *   (`ceiling.<agent>` = phase, `rank.<phase>` = position on the ladder),
 *   so a promotion is one reviewed change of one ConfigMap value.
 * - What does not change with a promotion (the maximum deadline, the
 *   allowed registries, the name prefixes, the Pod Security rules) is baked
 *   into the expressions: the policy is cluster-scoped, so changing those
 *   needs cluster-level rights, while whoever can write the namespaced
 *   ConfigMap can move ceilings and ranks but cannot loosen anything else.
 *   Grant write on that ConfigMap only to the identity that applies
 *   reviewed promotions.
 */
export class AdmissionRules {
  /** Name of the params ConfigMap, in the fleet's namespace. */
  public static readonly PARAMS_NAME = 'agent-trust-ceilings';
  /** Prefix of the params key holding an agent's ceiling (`ceiling.<agent>` = phase name). */
  public static readonly CEILING_KEY_PREFIX = 'ceiling.';
  /** Prefix of the params key holding a phase's rank (`rank.<phase>` = "0" for the lowest phase, …). */
  public static readonly RANK_KEY_PREFIX = 'rank.';

  /** Rule id: the Job names a known agent. */
  public static readonly AGENT_KNOWN = 'agent-known';
  /** Rule id: the Job names a known phase. */
  public static readonly PHASE_KNOWN = 'phase-known';
  /** Rule id: the phase is at or below the agent's ceiling. */
  public static readonly PHASE_WITHIN_CEILING = 'phase-within-ceiling';
  /** Rule id: the pod runs as the phase's ServiceAccount. */
  public static readonly SERVICE_ACCOUNT_MATCHES_PHASE = 'service-account-matches-phase';
  /** Rule id: the Job name is derived from the investigation id. */
  public static readonly NAME_MATCHES_INVESTIGATION = 'name-matches-investigation';
  /** Rule id: the pod template carries the Job's agent, phase and investigation labels. */
  public static readonly POD_LABELS_MATCH_JOB = 'pod-labels-match-job';
  /** Rule id: `backoffLimit` is 0. */
  public static readonly BACKOFF_LIMIT_ZERO = 'backoff-limit-zero';
  /** Rule id: one pod, one attempt (restartPolicy Never, no parallelism, no per-index retries). */
  public static readonly SINGLE_ATTEMPT = 'single-attempt';
  /** Rule id: `activeDeadlineSeconds` is set and within the maximum. */
  public static readonly DEADLINE_WITHIN_MAXIMUM = 'deadline-within-maximum';
  /** Rule id: every container and init container has CPU and memory limits. */
  public static readonly RESOURCE_LIMITS = 'resource-limits';
  /** Rule id: every image comes from an allowed registry. */
  public static readonly IMAGE_REGISTRY_ALLOWED = 'image-registry-allowed';
  /** Rule id: `automountServiceAccountToken` is false. */
  public static readonly TOKEN_NOT_AUTOMOUNTED = 'token-not-automounted';
  /** Rule id: seccomp profile RuntimeDefault or Localhost. */
  public static readonly SECCOMP_PROFILE = 'seccomp-profile';
  /** Rule id: the pod runs as non-root. */
  public static readonly RUN_AS_NON_ROOT = 'run-as-non-root';
  /** Rule id: no container may escalate privileges. */
  public static readonly NO_PRIVILEGE_ESCALATION = 'no-privilege-escalation';
  /** Rule id: every container drops ALL capabilities. */
  public static readonly CAPABILITIES_DROPPED = 'capabilities-dropped';
  /** Rule id: no privileged container. */
  public static readonly NOT_PRIVILEGED = 'not-privileged';
  /** Rule id: no host network, PID or IPC namespace. */
  public static readonly NO_HOST_NAMESPACES = 'no-host-namespaces';
  /** Rule id: no hostPath volume and no host port. */
  public static readonly NO_HOST_PATH_OR_PORT = 'no-host-path-or-port';
  /** Rule id: only the launcher (and identities the fleet names) may create investigation Jobs. */
  public static readonly JOB_CREATED_BY_LAUNCHER = 'job-created-by-launcher';

  /**
   * The variables the rules read, in definition order: the Job's agent,
   * phase and investigation id ("" when the label is missing), the agent's
   * ceiling ("" when it has none), and the ranks of phase and ceiling (-1
   * when unknown or not a whole number).
   */
  public static variables(): AdmissionVariable[] {
    const labelOr = (key: string): string => `${hasLabel(key)} ? ${label(key)} : ""`;
    const rank = (phaseExpr: string): string => `${DATA}[${lit(AdmissionRules.RANK_KEY_PREFIX)} + ${phaseExpr}]`;
    const hasKey = (prefix: string, expr: string): string => `has(${DATA}) && (${lit(prefix)} + ${expr}) in ${DATA}`;
    return [
      { name: 'agent', description: `the Job's ${LauncherContract.AGENT_LABEL} label, or ""`, expression: labelOr(LauncherContract.AGENT_LABEL) },
      { name: 'phase', description: `the Job's ${LauncherContract.PHASE_LABEL} label, or ""`, expression: labelOr(LauncherContract.PHASE_LABEL) },
      {
        name: 'investigationId',
        description: `the Job's ${LauncherContract.INVESTIGATION_LABEL} label, or ""`,
        expression: labelOr(LauncherContract.INVESTIGATION_LABEL),
      },
      {
        name: 'ceiling',
        description: 'the agent\'s ceiling in the params ConfigMap, or "" when the agent has none',
        expression: `variables.agent != "" && ${hasKey(AdmissionRules.CEILING_KEY_PREFIX, 'variables.agent')}`
          + ` ? ${DATA}[${lit(AdmissionRules.CEILING_KEY_PREFIX)} + variables.agent] : ""`,
      },
      {
        name: 'phaseKnown',
        description: 'whether the phase has a rank in the params ConfigMap',
        expression: `variables.phase != "" && ${hasKey(AdmissionRules.RANK_KEY_PREFIX, 'variables.phase')}`,
      },
      {
        name: 'phaseRank',
        description: 'the rank of the phase, or -1',
        expression: `variables.phaseKnown && ${rank('variables.phase')}.matches('^[0-9]+$') ? int(${rank('variables.phase')}) : -1`,
      },
      {
        name: 'ceilingRank',
        description: 'the rank of the ceiling, or -1',
        expression: `variables.ceiling != "" && ${hasKey(AdmissionRules.RANK_KEY_PREFIX, 'variables.ceiling')}`
          + ` && ${rank('variables.ceiling')}.matches('^[0-9]+$') ? int(${rank('variables.ceiling')}) : -1`,
      },
    ];
  }

  /** Audit annotations: agent, trust phase and investigation id of every Job request (omitted when the label is missing). */
  public static auditAnnotations(): AdmissionAuditAnnotation[] {
    return ([['agent', 'agent'], [LauncherContract.PHASE_LABEL, 'phase'], [LauncherContract.INVESTIGATION_LABEL, 'investigationId']] as const)
      .map(([key, v]) => ({ key, valueExpression: `variables.${v} != "" ? variables.${v} : null` }));
  }

  /**
   * Conditions a request must meet to be checked at all. The one update
   * skipped is a finalizer removal on a Job being deleted: otherwise,
   * after a demotion lowers its agent's ceiling, the garbage collector
   * could never remove its finalizers. Any other change to a Job being
   * deleted (spec, labels, annotations) is checked like any update
   * (issue #17): a deletionTimestamp is no pass for tampering.
   */
  public static matchConditions(): AdmissionMatchCondition[] {
    const same = (path: string): string => `(has(object.${path}) == has(oldObject.${path})`
      + ` && (!has(object.${path}) || object.${path} == oldObject.${path}))`;
    return [{
      name: 'not-being-deleted',
      expression: '!(request.operation == "UPDATE" && oldObject != null'
        + ' && has(object.metadata) && has(object.metadata.deletionTimestamp)'
        + ' && has(oldObject.metadata) && has(oldObject.metadata.deletionTimestamp)'
        + ` && ${['spec', 'metadata.labels', 'metadata.annotations'].map(same).join(' && ')})`,
    }];
  }

  /** The params key of an agent's ceiling. */
  public static ceilingKey(agentName: string): string {
    return `${AdmissionRules.CEILING_KEY_PREFIX}${agentName}`;
  }

  /** The params key of a phase's rank. */
  public static rankKey(phaseName: string): string {
    return `${AdmissionRules.RANK_KEY_PREFIX}${phaseName}`;
  }

  /**
   * The data of the params ConfigMap: every agent's current ceiling and the
   * rank of every phase of the ladder (lowest = "0"). Keys are sorted.
   */
  public static paramsData(fleet: AgentFleet): { [key: string]: string } {
    const data: { [key: string]: string } = {};
    for (const agent of fleet.agents) {
      data[AdmissionRules.ceilingKey(agent.name)] = fleet.ceilingOf(agent).name;
    }
    fleet.ladder.phases.forEach((phase, i) => {
      data[AdmissionRules.rankKey(phase.name)] = String(i);
    });
    const sorted: { [key: string]: string } = {};
    for (const key of Object.keys(data).sort()) {
      sorted[key] = data[key];
    }
    return sorted;
  }

  /** The message prefix naming a rule: `agent-trust [<id>]: `. */
  public static messagePrefix(id: string): string {
    return messagePrefix(id);
  }

  /** The rule id named in a denial message, or undefined when the message names none. */
  public static ruleIdOf(message: string): string | undefined {
    const m = /^agent-trust \[([a-z0-9-]+)\]: /.exec(message ?? '');
    return m ? m[1] : undefined;
  }

  /** The username Kubernetes gives a ServiceAccount: `system:serviceaccount:<namespace>:<name>`. */
  public static serviceAccountUsername(namespace: string, name: string): string {
    return `system:serviceaccount:${namespace}:${name}`;
  }
  /**
   * Every rule of the Job policy for a fleet, in evaluation order. With
   * `jobCreators`, a last rule (`job-created-by-launcher`) admits a Job
   * CREATE only from those usernames.
   */
  public static forFleet(fleet: AgentFleet, jobCreators?: string[]): AdmissionRule[] {
    const input: RuleInput = { fleet, root: JOB_POD, creators: jobCreators ?? [] };
    const table = [...IDENTITY_RULES, SERVICE_ACCOUNT_RULE, ...JOB_SHAPE_RULES, ...POD_SPEC_RULES,
      ...(jobCreators !== undefined ? [JOB_CREATOR_RULE] : [])];
    return table.map(row => row(input));
  }

  /**
   * The rules on the admitted object's own labels: a known agent, a known
   * phase, the phase within the agent's ceiling. `kind` names the object in
   * messages (`Job`, `Pod`). For the Pod policy.
   * @internal
   */
  public static _identityRules(fleet: AgentFleet, kind: string): AdmissionRule[] {
    const input: RuleInput = { fleet, root: { ...JOB_POD, kind }, creators: [] };
    return IDENTITY_RULES.map(row => row(input));
  }

  /**
   * The pod spec at `root` runs as the ServiceAccount of the object's phase label. For the Pod policy.
   * @internal
   */
  public static _serviceAccountRule(root: PodSpecRoot): AdmissionRule {
    return SERVICE_ACCOUNT_RULE({ root, creators: [] });
  }

  /**
   * The rules on a pod spec, generated over `root` (the Job's pod template
   * or the Pod): limits, registries, no automounted token and the Pod
   * Security `restricted` context. For the Pod policy.
   * @internal
   */
  public static _podSpecRules(fleet: AgentFleet, root: PodSpecRoot): AdmissionRule[] {
    const input: RuleInput = { fleet, root, creators: [] };
    return POD_SPEC_RULES.map(row => row(input));
  }
}

/** What a row of a rule table is generated from. */
interface RuleInput {
  /** The fleet (absent for rules that read no fleet fact). */
  readonly fleet?: AgentFleet;
  /** Where the pod spec sits, and the admitted kind named in messages. */
  readonly root: PodSpecRoot;
  /** Usernames allowed to create Jobs (the creator rule only). */
  readonly creators: string[];
}

/** One rule: its id, expression and messages side by side, generated for a fleet and a pod spec root. */
type RuleRow = (input: RuleInput) => AdmissionRule;

/** The fleet of a row that needs one (every caller that reaches such a row passes it). */
function fleetOf(input: RuleInput): AgentFleet {
  return input.fleet!;
}

/** `ConfigMap <namespace>/agent-trust-ceilings`, as messages name the params. */
function paramsOf(fleet: AgentFleet): string {
  return `ConfigMap ${fleet.namespace}/${AdmissionRules.PARAMS_NAME}`;
}

const AGENT_L = LauncherContract.AGENT_LABEL;
const PHASE_L = LauncherContract.PHASE_LABEL;
const ID_L = LauncherContract.INVESTIGATION_LABEL;

/** Known agent, known phase, phase within the ceiling: the object's own labels against the params. */
const IDENTITY_RULES: RuleRow[] = [
  ({ fleet, root: { kind } }) => rule({
    id: AdmissionRules.AGENT_KNOWN,
    description: `The ${kind} carries the "${AGENT_L}" label and that agent has a ceiling in the params ConfigMap.`,
    expression: 'variables.ceiling != ""',
    message: `the ${kind} must carry label ${AGENT_L} naming an agent that has a `
      + `"${AdmissionRules.CEILING_KEY_PREFIX}<agent>" key in ${paramsOf(fleetOf({ fleet, root: JOB_POD, creators: [] }))}`,
    messageExpression: `variables.agent == "" ? ${say(AdmissionRules.AGENT_KNOWN, lit(`the ${kind} has no ${AGENT_L} label`))}`
      + ` : ${say(AdmissionRules.AGENT_KNOWN, lit('agent '), 'variables.agent', lit(` has no ceiling in ${paramsOf(fleetOf({ fleet, root: JOB_POD, creators: [] }))}`))}`,
  }),
  (input) => {
    const kind = input.root.kind;
    const phases = fleetOf(input).ladder.phases.join(', ');
    return rule({
      id: AdmissionRules.PHASE_KNOWN,
      description: `The ${kind} carries the "${PHASE_L}" label and it names a phase of the ladder.`,
      expression: 'variables.phaseKnown',
      message: `the ${kind} must carry label ${PHASE_L} naming a phase of the ladder (${phases})`,
      messageExpression: `variables.phase == "" ? ${say(AdmissionRules.PHASE_KNOWN, lit(`the ${kind} has no ${PHASE_L} label`))}`
        + ` : ${say(AdmissionRules.PHASE_KNOWN, lit('phase '), 'variables.phase', lit(` is not on the ladder (${phases})`))}`,
    });
  },
  (input) => rule({
    id: AdmissionRules.PHASE_WITHIN_CEILING,
    description: 'The phase is at or below the agent\'s current ceiling (params ConfigMap).',
    // Passes when agent or phase is unknown: agent-known / phase-known deny those.
    // A ceiling without a whole-number rank denies (ceilingRank -1).
    expression: 'variables.ceiling == "" || !variables.phaseKnown'
      + ' || (variables.phaseRank >= 0 && variables.ceilingRank >= 0 && variables.phaseRank <= variables.ceilingRank)',
    message: `the ${input.root.kind}'s ${PHASE_L} is above the agent's ceiling in ${paramsOf(fleetOf(input))}; `
      + 'promote the agent (raise its ceiling) or choose a lower phase',
    messageExpression: say(AdmissionRules.PHASE_WITHIN_CEILING, lit('phase '), 'variables.phase', lit(' is above the ceiling '),
      'variables.ceiling', lit(' of agent '), 'variables.agent', lit(` (${paramsOf(fleetOf(input))})`)),
  }),
];

/** The pod spec runs as the ServiceAccount of the object's phase label. */
const SERVICE_ACCOUNT_RULE: RuleRow = ({ root }) => {
  const pod = root.path;
  return rule({
    id: AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE,
    description: `The pod runs as ServiceAccount "${TrustNames.PHASE_PREFIX}<${PHASE_L}>".`,
    // Passes without a phase (phase-known denies). The deprecated
    // `serviceAccount` alias must not name another account.
    expression: `variables.phase == "" || (${root.guard} && has(${pod}.serviceAccountName)`
      + ` && ${pod}.serviceAccountName == ${lit(TrustNames.PHASE_PREFIX)} + variables.phase`
      + ` && (!has(${pod}.serviceAccount) || ${pod}.serviceAccount == ${pod}.serviceAccountName))`,
    message: `${root.field}.serviceAccountName must be "${TrustNames.PHASE_PREFIX}" + the ${root.kind}'s ${PHASE_L} label`,
    messageExpression: say(AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE, lit(`serviceAccountName must be ${TrustNames.PHASE_PREFIX}`),
      'variables.phase', lit(' for phase '), 'variables.phase',
      `(${root.guard} && has(${pod}.serviceAccountName) ? ', not ' + ${pod}.serviceAccountName : ', and it is unset')`),
  });
};

/** The rules only a Job has: its name, its pod template's labels, one attempt, the deadline. */
const JOB_SHAPE_RULES: RuleRow[] = [
  () => rule({
    id: AdmissionRules.NAME_MATCHES_INVESTIGATION,
    description: `metadata.name is "${TrustNames.JOB_PREFIX}" + the "${ID_L}" label.`,
    expression: `variables.investigationId != "" && has(object.metadata.name)`
      + ` && object.metadata.name == ${lit(TrustNames.JOB_PREFIX)} + variables.investigationId`,
    message: `metadata.name must be "${TrustNames.JOB_PREFIX}" + the Job's ${ID_L} label (no generateName)`,
    messageExpression: `variables.investigationId == "" ? ${say(AdmissionRules.NAME_MATCHES_INVESTIGATION, lit(`the Job has no ${ID_L} label`))}`
      + ` : ${say(AdmissionRules.NAME_MATCHES_INVESTIGATION, lit(`metadata.name must be ${TrustNames.JOB_PREFIX}`), 'variables.investigationId',
        lit(' for investigation '), 'variables.investigationId',
        '(has(object.metadata.name) ? \', not \' + object.metadata.name : \', and it is unset\')')}`,
  }),
  () => rule({
    id: AdmissionRules.POD_LABELS_MATCH_JOB,
    description: `The pod template carries the Job's ${AGENT_L}, ${PHASE_L} and ${ID_L} labels unchanged `
      + '(egress NetworkPolicies select pods by phase).',
    // Each label is checked when the Job has it; a missing one is another rule's denial.
    expression: ([[AGENT_L, 'agent'], [PHASE_L, 'phase'], [ID_L, 'investigationId']] as const)
      .map(([k, v]) => `(variables.${v} == "" || (has(object.spec) && has(object.spec.template)`
        + ` && has(object.spec.template.metadata) && has(${POD_LABELS}) && ${lit(k)} in ${POD_LABELS}`
        + ` && ${POD_LABELS}[${lit(k)}] == variables.${v}))`).join(' && '),
    message: `spec.template.metadata.labels must repeat the Job's ${AGENT_L}, ${PHASE_L} and ${ID_L} labels with the same values`,
  }),
  () => rule({
    id: AdmissionRules.BACKOFF_LIMIT_ZERO,
    description: 'spec.backoffLimit is 0: an investigation is never retried with the same credentials.',
    expression: 'has(object.spec) && has(object.spec.backoffLimit) && object.spec.backoffLimit == 0',
    message: 'spec.backoffLimit must be 0',
  }),
  () => rule({
    id: AdmissionRules.SINGLE_ATTEMPT,
    description: 'One pod, one attempt: restartPolicy Never, completions and parallelism 1, no backoffLimitPerIndex '
      + '(a retry or a parallel pod would reuse the investigation\'s credentials).',
    expression: `has(object.spec) && (!has(object.spec.completions) || object.spec.completions == 1)`
      + ' && (!has(object.spec.parallelism) || object.spec.parallelism == 1) && !has(object.spec.backoffLimitPerIndex)'
      + ` && ${HAS_POD} && has(${POD}.restartPolicy) && ${POD}.restartPolicy == 'Never'`,
    message: 'spec.completions and spec.parallelism must be 1, spec.backoffLimitPerIndex unset and spec.template.spec.restartPolicy Never',
  }),
  (input) => {
    const maxDeadline = fleetOf(input).jobDeadline.toSeconds();
    return rule({
      id: AdmissionRules.DEADLINE_WITHIN_MAXIMUM,
      description: `spec.activeDeadlineSeconds is set and between 1 and ${maxDeadline} (the fleet's job deadline).`,
      expression: 'has(object.spec) && has(object.spec.activeDeadlineSeconds)'
        + ` && object.spec.activeDeadlineSeconds > 0 && object.spec.activeDeadlineSeconds <= ${maxDeadline}`,
      message: `spec.activeDeadlineSeconds must be set, between 1 and ${maxDeadline}`,
    });
  },
];

const SC = 'c.securityContext';

/** The rules on a pod spec (the Job's pod template or the Pod): limits, registries, no automounted token, Pod Security `restricted`. */
const POD_SPEC_RULES: RuleRow[] = [
  ({ root }) => rule({
    id: AdmissionRules.RESOURCE_LIMITS,
    description: 'Every container and init container sets CPU and memory limits.',
    expression: everyContainer("has(c.resources) && has(c.resources.limits) && 'cpu' in c.resources.limits"
      + " && 'memory' in c.resources.limits", root),
    message: 'every container and initContainer must set resources.limits.cpu and resources.limits.memory',
  }),
  (input) => {
    const registries = fleetOf(input).allowedRegistries;
    return rule({
      id: AdmissionRules.IMAGE_REGISTRY_ALLOWED,
      description: `Every image starts with one of ${registries.join(', ')}.`,
      expression: everyContainer(`has(c.image) && ${listLit(registries)}.exists(r, c.image.startsWith(r))`, input.root),
      message: `every container and initContainer image must start with one of ${registries.join(', ')}`,
    });
  },
  ({ root }) => rule({
    id: AdmissionRules.TOKEN_NOT_AUTOMOUNTED,
    description: `${root.field}.automountServiceAccountToken is false (Vault login uses a projected, audience-bound token).`,
    expression: `${root.guard} && has(${root.path}.automountServiceAccountToken) && ${root.path}.automountServiceAccountToken == false`,
    message: `${root.field}.automountServiceAccountToken must be false`,
  }),
  ({ root }) => {
    const psc = `${root.path}.securityContext`;
    const allowed = PodSecurityProfile.SECCOMP_PROFILE_TYPES;
    return rule({
      id: AdmissionRules.SECCOMP_PROFILE,
      // Pod level, so containers a mutating webhook adds (Vault Agent) are covered too.
      description: `The pod sets seccompProfile ${allowed.join(' or ')} and no container overrides it with another type.`,
      expression: `${root.guard} && has(${psc}) && has(${psc}.seccompProfile) && has(${psc}.seccompProfile.type)`
        + ` && ${psc}.seccompProfile.type in ${listLit(allowed)}`
        + ` && ${everyContainer(`!has(${SC}) || !has(${SC}.seccompProfile) || (has(${SC}.seccompProfile.type)`
          + ` && ${SC}.seccompProfile.type in ${listLit(allowed)})`, root)}`,
      message: `${root.field}.securityContext.seccompProfile.type must be ${allowed.join(' or ')}, and no container may set another type`,
    });
  },
  ({ root }) => {
    const psc = `${root.path}.securityContext`;
    return rule({
      id: AdmissionRules.RUN_AS_NON_ROOT,
      description: 'The pod sets runAsNonRoot true, no container sets it false, and nothing sets runAsUser 0.',
      expression: `${root.guard} && has(${psc}) && has(${psc}.runAsNonRoot) && ${psc}.runAsNonRoot == true`
        + ` && (!has(${psc}.runAsUser) || ${psc}.runAsUser != 0)`
        + ` && ${everyContainer(`!has(${SC}) || ((!has(${SC}.runAsNonRoot) || ${SC}.runAsNonRoot == true)`
          + ` && (!has(${SC}.runAsUser) || ${SC}.runAsUser != 0))`, root)}`,
      message: `${root.field}.securityContext.runAsNonRoot must be true, no container may set runAsNonRoot false, and no runAsUser may be 0`,
    });
  },
  ({ root }) => rule({
    id: AdmissionRules.NO_PRIVILEGE_ESCALATION,
    description: 'Every container sets allowPrivilegeEscalation false.',
    expression: everyContainer(`has(${SC}) && has(${SC}.allowPrivilegeEscalation) && ${SC}.allowPrivilegeEscalation == false`, root),
    message: 'every container and initContainer must set securityContext.allowPrivilegeEscalation false',
  }),
  ({ root }) => {
    const addable = PodSecurityProfile.ADDABLE_CAPABILITIES;
    return rule({
      id: AdmissionRules.CAPABILITIES_DROPPED,
      description: `Every container drops ALL capabilities and adds none but ${addable.join(', ')}.`,
      expression: everyContainer(`has(${SC}) && has(${SC}.capabilities) && has(${SC}.capabilities.drop)`
        + ` && 'ALL' in ${SC}.capabilities.drop`
        + ` && (!has(${SC}.capabilities.add) || ${SC}.capabilities.add.all(a, a in ${listLit(addable)}))`, root),
      message: `every container and initContainer must drop ALL capabilities and add none but ${addable.join(', ')}`,
    });
  },
  ({ root }) => rule({
    id: AdmissionRules.NOT_PRIVILEGED,
    description: 'No container is privileged.',
    expression: everyContainer(`!has(${SC}) || !has(${SC}.privileged) || ${SC}.privileged == false`, root),
    message: 'no container or initContainer may set securityContext.privileged true',
  }),
  ({ root }) => {
    const pod = root.path;
    return rule({
      id: AdmissionRules.NO_HOST_NAMESPACES,
      description: 'The pod shares no host namespace (hostNetwork, hostPID, hostIPC).',
      expression: `${root.guard} && ${PodSecurityProfile.HOST_NAMESPACE_FIELDS.map(f => `(!has(${pod}.${f}) || ${pod}.${f} == false)`).join(' && ')}`,
      message: `${root.field} must not set hostNetwork, hostPID or hostIPC`,
    });
  },
  ({ root }) => rule({
    id: AdmissionRules.NO_HOST_PATH_OR_PORT,
    description: 'The pod mounts no hostPath volume and no container binds a host port.',
    expression: `${root.guard} && (!has(${root.path}.volumes) || ${root.path}.volumes.all(v, !has(v.hostPath)))`
      + ` && ${everyContainer('!has(c.ports) || c.ports.all(port, !has(port.hostPort) || port.hostPort == 0)', root)}`,
    message: `${root.field} must not mount hostPath volumes or bind hostPort`,
  }),
];

/** Only the listed usernames may CREATE a Job in the agent namespace. */
const JOB_CREATOR_RULE: RuleRow = ({ creators }) => {
  const id = AdmissionRules.JOB_CREATED_BY_LAUNCHER;
  const user = 'request.userInfo.username';
  return rule({
    id,
    description: `Only ${creators.join(', ')} may create investigation Jobs (a CronJob, another controller or a user `
      + 'with create on jobs is denied); updates are not checked here.',
    expression: `request.operation != "CREATE" || (has(request.userInfo) && has(${user}) && ${user} in ${listLit(creators)})`,
    message: `only the launcher (${creators.join(', ')}) may create investigation Jobs`,
    messageExpression: `${lit(messagePrefix(id))} + (has(request.userInfo) && has(${user}) ? ${user} : "an anonymous request")`
      + ` + ${lit(` may not create investigation Jobs; only ${creators.join(', ')} may`)}`,
  });
};
