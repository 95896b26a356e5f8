import { AdmissionMatchCondition, AdmissionRule, AdmissionRules } from './admission-rules';
import { AgentFleet } from './agent-fleet';
import { LauncherContract, LauncherContractDocument } from './launcher-contract';
import { TrustNames } from './trust-names';
import { messagePrefix, rule } from './private/admission-rule-table';
import { lit, listLit } from './private/cel-literal';
import { InvestigationPodShape, PodVolumeShape, ProjectedSourceShape } from './private/investigation-pod-shape';
import { PodSpecRoot } from './private/pod-spec-root';

const POD: PodSpecRoot = { path: 'object.spec', guard: 'has(object.spec)', field: 'spec', kind: 'Pod' };
const SPEC = POD.path;
const PHASE_SA = (expr: string): string => `${expr}.startsWith(${lit(TrustNames.PHASE_PREFIX)})`;

/** Whether `obj` (a CEL path to a Pod, non-null) runs as a phase ServiceAccount or carries an investigation label. */
function isInvestigationPod(obj: string): string {
  const labels = `${obj}.metadata.labels`;
  const keys = [LauncherContract.AGENT_LABEL, LauncherContract.PHASE_LABEL, LauncherContract.INVESTIGATION_LABEL];
  return `((has(${obj}.spec) && ((has(${obj}.spec.serviceAccountName) && ${PHASE_SA(`${obj}.spec.serviceAccountName`)})`
    + ` || (has(${obj}.spec.serviceAccount) && ${PHASE_SA(`${obj}.spec.serviceAccount`)})))`
    + ` || (has(${obj}.metadata) && has(${labels}) && ${listLit(keys)}.exists(k, k in ${labels})))`;
}

/** The value of label `key` of `obj`, or "". */
function labelOf(obj: string, key: string): string {
  return `(has(${obj}.metadata) && has(${obj}.metadata.labels) && ${lit(key)} in ${obj}.metadata.labels`
    + ` ? ${obj}.metadata.labels[${lit(key)}] : "")`;
}

/** `field` of the pod spec is equal in object and oldObject (both absent counts as equal). */
function sameField(field: string): string {
  return `(has(object.spec.${field}) == has(oldObject.spec.${field})`
    + ` && (!has(object.spec.${field}) || object.spec.${field} == oldObject.spec.${field}))`;
}

/** A CEL predicate over `s` (one projected source) matching `shape`. */
function sourceMatches(s: string, shape: ProjectedSourceShape): string {
  const parts = [`has(${s}.${shape.kind})`];
  if (shape.kind === 'serviceAccountToken') {
    const t = `${s}.serviceAccountToken`;
    parts.push(shape.audience
      ? `has(${t}.audience) && ${t}.audience == ${lit(shape.audience)}`
      : `(!has(${t}.audience) || ${t}.audience == "")`);
    parts.push(`has(${t}.expirationSeconds) && ${t}.expirationSeconds <= ${shape.maxExpirationSeconds ?? 3600}`);
  }
  if (shape.kind === 'configMap' && shape.configMapName !== undefined) {
    parts.push(`has(${s}.configMap.name) && ${s}.configMap.name == ${lit(shape.configMapName)}`);
  }
  return parts.join(' && ');
}

/** A CEL predicate over `v` (one volume) matching `shape`. */
function volumeMatches(shape: PodVolumeShape): string {
  const parts = [`has(v.name) && v.name == ${lit(shape.name)}`, `has(v.${shape.kind})`];
  if (shape.kind === 'projected') {
    const sources = shape.projectedSources ?? [];
    parts.push(`has(v.projected.sources) && size(v.projected.sources) == ${sources.length}`);
    sources.forEach((src, i) => parts.push(sourceMatches(`v.projected.sources[${i}]`, src)));
  }
  return `(${parts.join(' && ')})`;
}

/**
 * The rules of the Pod policy: every Pod in the agent namespace that runs
 * as an `agent-phase-*` ServiceAccount or carries an investigation label
 * must be the Pod the Job controller made from an admitted investigation
 * Job, and stay that Pod.
 *
 * Why a second pass: the Job policy sees the Job, not the Pod. Anyone who
 * can create a Pod (or a Deployment, ReplicaSet, CronJob) in the namespace
 * could otherwise run any image as a phase ServiceAccount and log in to
 * Vault with its projected token; and a mutating webhook installed later
 * (a mesh sidecar, a secret injector) can add containers, volumes or
 * tokens to the Pod after the Job was admitted.
 *
 * On CREATE the Pod must come from the Job controller (`podCreators`), be
 * controlled by the Job `investigation-<its investigation-id label>`, and
 * pass the Job's rules again on the final Pod: known agent and phase, the
 * phase within the ceiling, the phase's ServiceAccount, the same Pod
 * Security, limits and registry predicates (generated over `spec` instead
 * of `spec.template.spec`), plus the contract's containers and volumes
 * only, and no ephemeral container. On UPDATE (kubelet and controller
 * writes, `pods/ephemeralcontainers`, `pods/resize`) the creator and the
 * ceiling are not re-checked (a demotion must not strand the Job
 * controller's finalizer removal), but the identity labels, containers,
 * init containers and volumes must equal the old Pod's and no ephemeral
 * container may appear. `pods/status` is not matched: it cannot change the
 * spec, and kubelets write it all the time.
 */
export class PodAdmissionRules {
  /**
   * Usernames the Job controller creates Pods as: its own ServiceAccount
   * (`--use-service-account-credentials`, the kubeadm default) and the
   * controller manager's identity on control planes without per-controller
   * credentials. (A method, not a constant: callers get their own copy.)
   * @internal
   */
  public static _defaultPodCreators(): string[] {
    return [AdmissionRules.serviceAccountUsername('kube-system', 'job-controller'), 'system:kube-controller-manager'];
  }
  /** Init container the Vault Agent injector adds in pre-populate-only mode. */
  public static readonly VAULT_AGENT_INIT_CONTAINER = 'vault-agent-init';
  /** Volumes the Vault Agent injector adds in pre-populate-only mode (memory-backed emptyDirs). */
  public static readonly VAULT_AGENT_VOLUMES: string[] = ['home-init', 'vault-secrets'];

  /** Rule id: a Pod is created by the Job controller. */
  public static readonly CREATED_BY_JOB_CONTROLLER = 'pod-created-by-job-controller';
  /** Rule id: a Pod is controlled by its investigation Job. */
  public static readonly CONTROLLED_BY_INVESTIGATION_JOB = 'pod-controlled-by-investigation-job';
  /** Rule id: the Pod's containers and init containers are the contract's. */
  public static readonly CONTAINERS_MATCH_CONTRACT = 'pod-containers-match-contract';
  /** Rule id: the Pod has no ephemeral container. */
  public static readonly NO_EPHEMERAL_CONTAINERS = 'no-ephemeral-containers';
  /** Rule id: the Pod's volumes are the contract's. */
  public static readonly VOLUMES_MATCH_CONTRACT = 'pod-volumes-match-contract';
  /** Rule id: the Pod runs its one attempt (restartPolicy Never). */
  public static readonly RESTART_NEVER = 'pod-restart-never';
  /** Rule id: an UPDATE keeps the identity labels, containers, init containers and volumes. */
  public static readonly UNCHANGED_ON_UPDATE = 'pod-unchanged-on-update';

  /**
   * The shape of an agent's investigation Pod, from its launcher contract:
   * the Job template's containers, init containers and volumes, plus what
   * the Vault Agent injector adds when the template asks for it.
   */
  private static shapeOf(contract: LauncherContractDocument): InvestigationPodShape {
    const template = contract?.jobTemplate?.spec?.template ?? {};
    const spec = template.spec ?? {};
    const names = (list: any): string[] => (Array.isArray(list) ? list : []).map((c: any) => String(c?.name));
    const injector = template.metadata?.annotations?.['vault.hashicorp.com/agent-inject'] === 'true';
    const volumes: PodVolumeShape[] = (Array.isArray(spec.volumes) ? spec.volumes : []).map((v: any) => {
      const kind = Object.keys(v ?? {}).find(k => k !== 'name') ?? '';
      if (kind !== 'projected') {
        return { name: String(v.name), kind };
      }
      const sources: ProjectedSourceShape[] = (v.projected?.sources ?? []).map((s: any) => {
        const sourceKind = Object.keys(s ?? {})[0] ?? '';
        if (sourceKind === 'serviceAccountToken') {
          return {
            kind: sourceKind,
            audience: s.serviceAccountToken.audience ?? '',
            maxExpirationSeconds: s.serviceAccountToken.expirationSeconds ?? 3600,
          };
        }
        if (sourceKind === 'configMap') {
          return { kind: sourceKind, configMapName: s.configMap.name };
        }
        return { kind: sourceKind };
      });
      return { name: String(v.name), kind, projectedSources: sources };
    });
    if (injector) {
      volumes.push(...PodAdmissionRules.VAULT_AGENT_VOLUMES.map(name => ({ name, kind: 'emptyDir' })));
    }
    return {
      agent: contract.agent,
      containers: names(spec.containers),
      initContainers: [...names(spec.initContainers), ...(injector ? [PodAdmissionRules.VAULT_AGENT_INIT_CONTAINER] : [])],
      volumes,
    };
  }

  /**
   * Only investigation Pods are checked: one that runs as an
   * `agent-phase-*` ServiceAccount or carries an investigation label, now
   * or before the update. Other Pods of the namespace (the launcher's) are
   * not selected.
   */
  public static matchConditions(): AdmissionMatchCondition[] {
    return [{
      name: 'investigation-pod',
      expression: `${isInvestigationPod('object')} || (oldObject != null && ${isInvestigationPod('oldObject')})`,
    }];
  }

  /**
   * The Pod shape of each agent's contract (one per distinct shape): what
   * the Pod policy compares a Pod with.
   * @internal
   */
  public static _shapesOf(contracts: LauncherContractDocument[]): InvestigationPodShape[] {
    const seen = new Set<string>();
    return contracts.map(c => PodAdmissionRules.shapeOf(c)).filter(shape => {
      const key = JSON.stringify(shape);
      return seen.has(key) ? false : (seen.add(key), true);
    });
  }

  /** Every rule of the Pod policy, in evaluation order, for the agents' launcher contracts. */
  public static forFleet(fleet: AgentFleet, contracts: LauncherContractDocument[], podCreators: string[]): AdmissionRule[] {
    return PodAdmissionRules._forShapes(fleet, PodAdmissionRules._shapesOf(contracts), podCreators);
  }

  /**
   * `forFleet` over shapes already computed (a synth reuses the shapes its validation read).
   * @internal
   */
  public static _forShapes(fleet: AgentFleet, shapes: InvestigationPodShape[], podCreators: string[]): AdmissionRule[] {
    const p = messagePrefix;
    const idL = LauncherContract.INVESTIGATION_LABEL;
    const create = 'request.operation == "CREATE"';
    const user = 'request.userInfo.username';
    const owners = 'object.metadata.ownerReferences';
    const controller = 'has(r.controller) && r.controller == true';
    const [agentKnown, phaseKnown, ceiling] = AdmissionRules._identityRules(fleet, 'Pod');
    const agents = [...new Set(shapes.map(s => s.agent))];
    // An agent with several templates may use any of them; an unknown agent
    // passes here (agent-known denies it).
    // A flat disjunction, not nested ternaries: CEL balances ||-chains, so
    // the nesting depth stays small however many agents the fleet has.
    const byAgent = (pred: (s: InvestigationPodShape) => string): string => `(${[
      ...agents.map(agent => `(variables.agent == ${lit(agent)} && (${shapes.filter(s => s.agent === agent).map(pred).join(' || ')}))`),
      `!(variables.agent in ${listLit(agents)})`,
    ].join(' || ')})`;
    const known = shapes.map(s => `${s.agent}: ${s.containers.join(', ')}`).join('; ');

    return [
      rule({
        id: PodAdmissionRules.CREATED_BY_JOB_CONTROLLER,
        description: `A Pod CREATE comes from the Job controller (${podCreators.join(', ')}): no bare Pod, no Pod of another `
          + 'controller (ReplicaSet, StatefulSet, DaemonSet) runs as a phase ServiceAccount.',
        expression: `!(${create}) || (has(request.userInfo) && has(${user}) && ${user} in ${listLit(podCreators)})`,
        message: `only the Job controller (${podCreators.join(', ')}) may create `
          + 'Pods that run as a phase ServiceAccount or carry investigation labels',
        messageExpression: `${lit(p(PodAdmissionRules.CREATED_BY_JOB_CONTROLLER))}`
          + ` + (has(request.userInfo) && has(${user}) ? ${user} : "an anonymous request")`
          + ` + ${lit(` may not create an investigation Pod; only the Job controller (${podCreators.join(', ')}) may`)}`,
      }),
      rule({
        id: PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB,
        description: `The Pod's one controller is the batch/v1 Job "${TrustNames.JOB_PREFIX}" + its ${idL} label.`,
        expression: `variables.investigationId != "" && has(object.metadata.ownerReferences)`
          + ` && ${owners}.exists_one(r, ${controller})`
          + ` && ${owners}.exists(r, ${controller} && has(r.kind) && r.kind == "Job" && has(r.apiVersion) && r.apiVersion == "batch/v1"`
          + ` && has(r.name) && r.name == ${lit(TrustNames.JOB_PREFIX)} + variables.investigationId)`,
        message: `metadata.ownerReferences must name, as the one controller, `
          + `the batch/v1 Job "${TrustNames.JOB_PREFIX}" + the Pod's ${idL} label`,
        messageExpression: `variables.investigationId == "" ? ${lit(p(PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB) + `the Pod has no ${idL} label`)}`
          + ` : ${lit(p(PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB) + `the Pod's controller must be the batch/v1 Job ${TrustNames.JOB_PREFIX}`)}`
          + ' + variables.investigationId',
      }),
      // Agent, phase and ceiling are CREATE checks: after a demotion (or an
      // agent's removal) the Job controller must still be able to remove the
      // finalizer of a running Pod, whose labels cannot change
      // (pod-unchanged-on-update).
      ...[agentKnown, phaseKnown, ceiling].map(r => ({ ...r, expression: `!(${create}) || (${r.expression})` })),
      AdmissionRules._serviceAccountRule(POD),
      rule({
        id: PodAdmissionRules.RESTART_NEVER,
        description: 'spec.restartPolicy is Never (one attempt, as the Job asked).',
        expression: `${POD.guard} && has(${SPEC}.restartPolicy) && ${SPEC}.restartPolicy == "Never"`,
        message: `spec.restartPolicy must be Never`,
      }),
      rule({
        id: PodAdmissionRules.CONTAINERS_MATCH_CONTRACT,
        description: `The Pod's containers are exactly its agent's template's, and its init containers among the template's (${known}).`,
        expression: `${POD.guard} && has(${SPEC}.containers) && ${byAgent(s => `(size(${SPEC}.containers) == ${s.containers.length}`
          + ` && ${SPEC}.containers.all(c, has(c.name) && c.name in ${listLit(s.containers)})`
          + ` && (!has(${SPEC}.initContainers) || ${SPEC}.initContainers.all(c, has(c.name) && c.name in ${listLit(s.initContainers)})))`)}`,
        message: `spec.containers and spec.initContainers must be the agent's `
          + 'Job template\'s (no added container or init container)',
        messageExpression: `${lit(p(PodAdmissionRules.CONTAINERS_MATCH_CONTRACT) + 'containers ')}`
          + ` + (${POD.guard} && has(${SPEC}.containers) ? ${SPEC}.containers.map(c, has(c.name) ? c.name : "?").join(", ") : "(none)")`
          + ` + (${POD.guard} && has(${SPEC}.initContainers) ? ${lit(', init containers ')} + ${SPEC}.initContainers.map(c, has(c.name) ? c.name : "?").join(", ") : "")`
          + ` + ${lit(' are not the Job template\'s of agent ')} + variables.agent`,
      }),
      rule({
        id: PodAdmissionRules.NO_EPHEMERAL_CONTAINERS,
        description: 'The Pod has no ephemeral container (kubectl debug would run a shell with the phase\'s token).',
        expression: `!${POD.guard} || !has(${SPEC}.ephemeralContainers) || size(${SPEC}.ephemeralContainers) == 0`,
        message: `investigation Pods take no ephemeral containers (pods/ephemeralcontainers)`,
      }),
      rule({
        id: PodAdmissionRules.VOLUMES_MATCH_CONTRACT,
        description: 'Every volume is one of the agent\'s Job template\'s, of the same type (no secret, hostPath, PVC or extra '
          + 'token), and projected tokens keep their audience and at most their lifetime.',
        expression: `!${POD.guard} || !has(${SPEC}.volumes) || ${byAgent(s => `${SPEC}.volumes.all(v, ${s.volumes.length === 0 ? 'false'
          : s.volumes.map(volumeMatches).join(' || ')})`)}`,
        message: `spec.volumes must be the agent's Job template's, same names, `
          + 'types, token audiences and lifetimes (no secret, hostPath, persistentVolumeClaim or added token)',
        messageExpression: `${lit(p(PodAdmissionRules.VOLUMES_MATCH_CONTRACT) + 'volumes ')}`
          + ` + (${POD.guard} && has(${SPEC}.volumes) ? ${SPEC}.volumes.map(v, has(v.name) ? v.name : "?").join(", ") : "") + ${lit(' are not all the Job template\'s of agent ')} + variables.agent`,
      }),
      rule({
        id: PodAdmissionRules.UNCHANGED_ON_UPDATE,
        description: 'An UPDATE keeps the agent, phase and investigation labels, the containers (images included), init '
          + 'containers and volumes of the Pod.',
        expression: `request.operation != "UPDATE" || oldObject == null || (`
          + [LauncherContract.AGENT_LABEL, LauncherContract.PHASE_LABEL, idL]
            .map(k => `${labelOf('object', k)} == ${labelOf('oldObject', k)}`).join(' && ')
          + ` && has(object.spec) && has(oldObject.spec) && ${['containers', 'initContainers', 'volumes'].map(sameField).join(' && ')})`,
        message: `an investigation Pod's ${LauncherContract.AGENT_LABEL}, `
          + `${LauncherContract.PHASE_LABEL} and ${idL} labels, containers, initContainers and volumes cannot change`,
      }),
      ...AdmissionRules._podSpecRules(fleet, POD),
    ];
  }
}
