import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AccessAdmissionRules } from '../model/access-admission-rules';
import { AdmissionGuard, AdmissionGuardOverride } from '../model/admission-guard';
import { AdmissionMatchCondition, AdmissionRule, AdmissionRules } from '../model/admission-rules';
import { AgentFleet } from '../model/agent-fleet';
import { TrustNames } from '../model/trust-names';
import { JobContractAdmissionRules } from '../model/job-contract-admission-rules';
import { LauncherContractDocument } from '../model/launcher-contract';
import { ParamsAdmissionRules } from '../model/params-admission-rules';
import { PodAdmissionRules } from '../model/pod-admission-rules';
import { InvestigationPodShape } from '../model/private/investigation-pod-shape';
import { AgentJobTemplate } from './agent-job-template';
import { LauncherAccess } from './launcher-access';
import { DEFAULT_LAUNCHER_NAME, guardOutput } from './private/k8s-util';
import { FleetChecks } from '../model/private/fleet-checks';
import { ProblemCollector } from '../model/private/problem-collector';

/** API version of the emitted ValidatingAdmissionPolicy and binding. */
export class AdmissionApiVersion {
  /** `admissionregistration.k8s.io/v1`: GA, Kubernetes 1.30 and later. */
  public static readonly V1 = new AdmissionApiVersion('admissionregistration.k8s.io/v1', '1.30');
  /**
   * `admissionregistration.k8s.io/v1beta1`, for 1.28/1.29 clusters; there
   * the `ValidatingAdmissionPolicy` feature gate and the v1beta1 API must be
   * enabled on the API server (both are off by default).
   */
  public static readonly V1BETA1 = new AdmissionApiVersion('admissionregistration.k8s.io/v1beta1', '1.28');

  private constructor(
    /** The `apiVersion` value. */
    public readonly value: string,
    /** Oldest Kubernetes minor version serving it. */
    public readonly minimumKubernetesVersion: string) {}

  public toString(): string {
    return this.value;
  }
}

/** What the API server does when a rule cannot be evaluated or the params ConfigMap is missing. */
export class AdmissionFailurePolicy {
  /** Deny the request: the only setting under which the trust ladder holds. */
  public static readonly FAIL = new AdmissionFailurePolicy('Fail');
  /**
   * Admit the request. Loosens enforcement: a deleted params ConfigMap or a
   * broken expression then admits every Job.
   */
  public static readonly IGNORE = new AdmissionFailurePolicy('Ignore');

  private constructor(
    /** The `failurePolicy` value. */
    public readonly value: string) {}

  public toString(): string {
    return this.value;
  }
}

/** How the binding enforces a failed rule (its `validationActions`). */
export class AdmissionEnforcement {
  /** Deny the request. */
  public static readonly DENY = new AdmissionEnforcement(['Deny']);
  /** Deny the request and record the failure in the audit log. */
  public static readonly DENY_AND_AUDIT = new AdmissionEnforcement(['Deny', 'Audit']);
  /**
   * Dry-run rollout: admit, but return the failure as a warning to the
   * client and record it in the audit log. Enforces nothing.
   */
  public static readonly WARN_AND_AUDIT = new AdmissionEnforcement(['Warn', 'Audit']);

  private constructor(
    /** The `validationActions` values. */
    public readonly actions: string[]) {}

  /** Whether requests that fail a rule are denied. */
  public get denies(): boolean {
    return this.actions.includes('Deny');
  }

  public toString(): string {
    return this.actions.join('+');
  }
}

/** Props of `TrustPhaseAdmission`. */
export interface TrustPhaseAdmissionProps {
  /** The fleet: namespace, agents and their ceilings, ladder, deadline, registries. */
  readonly fleet: AgentFleet;
  /**
   * API version of the policy and binding.
   * @default AdmissionApiVersion.V1
   */
  readonly apiVersion?: AdmissionApiVersion;
  /**
   * Name of the ValidatingAdmissionPolicy and of its binding (both are
   * cluster-scoped, so the default includes the agent namespace).
   * @default - `agent-trust-admission-<fleet.namespace>`
   */
  readonly name?: string;
  /**
   * What happens when a rule cannot be evaluated or the params ConfigMap is
   * missing. `IGNORE` admits such requests.
   * @default AdmissionFailurePolicy.FAIL
   */
  readonly failurePolicy?: AdmissionFailurePolicy;
  /**
   * How a failed rule is enforced. Use `AdmissionEnforcement.WARN_AND_AUDIT`
   * for a dry-run rollout (warnings and audit events, nothing denied), then
   * switch back to the default.
   * @default AdmissionEnforcement.DENY
   */
  readonly enforcement?: AdmissionEnforcement;
  /**
   * The launcher whose ServiceAccount may create investigation Jobs
   * (`system:serviceaccount:<its namespace>:<its name>`).
   * @default - the default launcher ServiceAccount `agent-launcher` in the fleet's namespace
   */
  readonly launcher?: LauncherAccess;
  /**
   * Further usernames allowed to create investigation Jobs besides the
   * launcher's ServiceAccount, e.g. a second launcher's
   * `system:serviceaccount:ops:incident-launcher`. Every Job they create is
   * still checked by every other rule.
   * @default - none: only the launcher
   */
  readonly additionalJobCreators?: string[];
  /**
   * Usernames the Job controller creates Pods as.
   * @default - `system:serviceaccount:kube-system:job-controller` and `system:kube-controller-manager`
   */
  readonly podCreators?: string[];
  /**
   * The agents' Job templates, whose containers and volumes are the only
   * ones an investigation Pod may have. Every agent of the fleet needs one.
   * @default - every AgentJobTemplate of the fleet's namespace in the same App, found at synth
   */
  readonly jobTemplates?: AgentJobTemplate[];
  /**
   * Guards turned off, each with a reason (recorded as an annotation on the
   * Job policy; `agent-trust verify` reports every missing guard).
   * @default - none: the Pod, Job-creator, token-request and exec/attach/port-forward guards are all on
   */
  readonly disabledGuards?: AdmissionGuardOverride[];
  /**
   * Usernames that apply reviewed promotions: the only ones allowed to
   * create, update or delete the ceilings ConfigMap and the agents'
   * launcher-contract ConfigMaps (guard `PARAMS`, policy `<name>-params`).
   * The pipeline that applies this output must run as one of them.
   * @default - `system:serviceaccount:<fleet namespace>:agent-trust-promoter`
   */
  readonly promotionIdentities?: string[];
}

// Internal shapes of the emitted specs (identical in v1 and v1beta1).
interface PolicyValidation {
  readonly expression: string;
  readonly message: string;
  readonly messageExpression?: string;
  readonly reason: string;
}

interface PolicySpec {
  readonly failurePolicy: string;
  readonly paramKind?: { readonly apiVersion: string; readonly kind: string };
  readonly matchConditions: Array<{ readonly name: string; readonly expression: string }>;
  readonly matchConstraints: {
    readonly namespaceSelector: { readonly matchLabels: { [key: string]: string } };
    readonly resourceRules: Array<{
      readonly apiGroups: string[];
      readonly apiVersions: string[];
      readonly operations: string[];
      readonly resources: string[];
      readonly scope: string;
    }>;
  };
  readonly variables: Array<{ readonly name: string; readonly expression: string }>;
  readonly validations: PolicyValidation[];
  readonly auditAnnotations?: Array<{ readonly key: string; readonly valueExpression: string }>;
}

interface BindingSpec {
  readonly policyName: string;
  readonly validationActions: string[];
  readonly paramRef?: { readonly name: string; readonly namespace: string; readonly parameterNotFoundAction: string };
}

type ResourceRule = PolicySpec['matchConstraints']['resourceRules'][number];

/**
 * Enforces the trust ladder at admission, so it holds even when the
 * launcher is buggy or compromised, and keeps every phase identity inside
 * admitted investigations. It emits up to five ValidatingAdmissionPolicies
 * (each with its binding) over the fleet's namespace, and the params
 * ConfigMap `agent-trust-ceilings` holding each agent's current ceiling and
 * the rank of each phase:
 *
 * - `<name>` — batch/v1 Jobs, CREATE and UPDATE. A Job is admitted only if
 *   it names a known agent and phase, the phase is at or below the agent's
 *   ceiling, the pod runs as `agent-phase-<phase>`, the name is
 *   `investigation-<id>`, the pod template repeats the agent/phase/id
 *   labels, backoffLimit is 0, it runs one pod once (restartPolicy Never,
 *   no parallelism), the deadline is set and within `fleet.jobDeadline`,
 *   every container has CPU and memory limits and an image from
 *   `fleet.allowedRegistries`, the token is not automounted, and the pod
 *   keeps the Pod Security `restricted` context (`AdmissionRules.forFleet`);
 *   and (guard `JOB_CREATOR`) a CREATE comes from the launcher's
 *   ServiceAccount or `additionalJobCreators` — not a CronJob, another
 *   controller or a user with `create jobs`. With guard `JOB_CONTRACT`,
 *   the Job must equal its agent's launcher contract but for the
 *   investigation id and the phase (`JobContractAdmissionRules`: the image
 *   from `image.<agent>` in the params, command, env, volumes, security
 *   context, placement, pod metadata, podFailurePolicy, TTL, pod deadline).
 * - `<name>-params` (guard `PARAMS`) — CREATE, UPDATE and DELETE of the
 *   params ConfigMap and the launcher-contract ConfigMaps only from
 *   `promotionIdentities` (`ParamsAdmissionRules`).
 * - `<name>-pods` (guard `POD`) — Pods (and `pods/ephemeralcontainers`,
 *   `pods/resize`) that run as an `agent-phase-*` ServiceAccount or carry
 *   investigation labels, CREATE and UPDATE: created by the Job controller,
 *   controlled by the Job `investigation-<id>`, the same rules again on the
 *   final Pod, the contract's containers and volumes only, no ephemeral
 *   container, nothing that matters changed by an UPDATE
 *   (`PodAdmissionRules`). `pods/status` is not matched, so kubelets are
 *   never blocked.
 * - `<name>-tokens` (guard `TOKEN_REQUEST`) — `serviceaccounts/token` for a
 *   phase ServiceAccount is minted only by a kubelet, bound to an
 *   investigation Pod (`AccessAdmissionRules.tokenRules`).
 * - `<name>-connect` (guard `POD_CONNECT`) — CONNECT on `pods/exec`,
 *   `pods/attach`, `pods/portforward`, `pods/proxy` into Pods named
 *   `investigation-…` is denied (`AccessAdmissionRules.connectRules`).
 *
 * Every denial message starts with `agent-trust [<rule id>]:`. A Job being
 * deleted is not checked (see `AdmissionRules.matchConditions`). Every Job
 * and Pod request's audit event gets `<policy>/agent`,
 * `<policy>/trust-phase` and `<policy>/investigation-id` annotations.
 *
 * Admission checks requests, not running pods: after a demotion, delete
 * the agent's running Jobs above the new ceiling.
 *
 * A promotion is one reviewed change: raise the agent's `ceiling` in code,
 * which changes one value (`ceiling.<agent>`) of the params ConfigMap. Only
 * identities that may approve promotions should be able to write that
 * ConfigMap; the launcher must not.
 *
 * On a live cluster, check it as the launcher
 * (`--as=system:serviceaccount:<ns>:agent-launcher`, so the creator rule
 * does not deny first) with a tampered Job, e.g. one whose `trust-phase`
 * label is above the agent's ceiling:
 * `kubectl create --dry-run=server -f tampered-job.yaml` must fail with
 * `agent-trust [phase-within-ceiling]: …`, while
 * `agent-trust render … | kubectl create --dry-run=server -f -` succeeds.
 * README.md lists the checks of the other guards. Also look at
 * `kubectl get validatingadmissionpolicy -o yaml`: `status.typeChecking`
 * must list no expression warnings.
 */
export class TrustPhaseAdmission extends Construct {
  /** Default policy and binding name for a fleet. */
  public static defaultName(fleet: AgentFleet): string {
    return `agent-trust-admission-${fleet.namespace}`;
  }

  /** The ValidatingAdmissionPolicy over Jobs. */
  public readonly policy: ApiObject;
  /** The ValidatingAdmissionPolicyBinding of the Job policy. */
  public readonly binding: ApiObject;
  /** The params ConfigMap (ceilings and ranks). */
  public readonly params: ApiObject;
  /** The Pod policy, unless the `POD` guard is off. */
  public readonly podPolicy?: ApiObject;
  /** The binding of the Pod policy, unless the `POD` guard is off. */
  public readonly podBinding?: ApiObject;
  /** The token-request policy, unless the `TOKEN_REQUEST` guard is off. */
  public readonly tokenPolicy?: ApiObject;
  /** The binding of the token-request policy, unless the `TOKEN_REQUEST` guard is off. */
  public readonly tokenBinding?: ApiObject;
  /** The exec/attach/port-forward policy, unless the `POD_CONNECT` guard is off. */
  public readonly connectPolicy?: ApiObject;
  /** The binding of the exec/attach/port-forward policy, unless the `POD_CONNECT` guard is off. */
  public readonly connectBinding?: ApiObject;
  /** The params policy, unless the `PARAMS` guard is off. */
  public readonly paramsPolicy?: ApiObject;
  /** The binding of the params policy, unless the `PARAMS` guard is off. */
  public readonly paramsBinding?: ApiObject;
  /** Usernames that may write the ceilings and contract ConfigMaps (empty when the `PARAMS` guard is off). */
  public readonly promotionIdentities: string[];
  /** Name of the Job policy and its binding (the other policies append `-pods`, `-tokens`, `-connect`, `-params`). */
  public readonly name: string;
  /** API version emitted. */
  public readonly apiVersion: AdmissionApiVersion;
  /** Failure policy emitted. */
  public readonly failurePolicy: AdmissionFailurePolicy;
  /** Enforcement of the bindings. */
  public readonly enforcement: AdmissionEnforcement;
  /** Data of the params ConfigMap. */
  public readonly paramsData: { [key: string]: string };
  /** Usernames that may create investigation Jobs (empty when the `JOB_CREATOR` guard is off). */
  public readonly jobCreators: string[];
  /** Usernames the Job controller creates Pods as. */
  public readonly podCreators: string[];
  /** The guards turned off, with their reasons. */
  public readonly disabledGuards: AdmissionGuardOverride[];

  private readonly _rules: AdmissionRule[];
  private readonly fleet: AgentFleet;
  private readonly templates?: AgentJobTemplate[];
  /** The shapes read by this synth's validation, reused by the policy it then renders (a contract is costly to build). */
  private shapesAtSynth?: InvestigationPodShape[];
  /** The contracts read by this synth's validation, reused by the Job policy's contract rules. */
  private contractsAtSynth?: LauncherContractDocument[];

  public constructor(scope: Construct, id: string, props: TrustPhaseAdmissionProps) {
    super(scope, id);
    guardOutput(this);
    const problems = new ProblemCollector();
    const fleet = props?.fleet;
    FleetChecks.isFleet(problems, this.node.path, fleet);
    this.apiVersion = props?.apiVersion ?? AdmissionApiVersion.V1;
    if (!(this.apiVersion instanceof AdmissionApiVersion)) {
      problems.add(this.node.path, 'apiVersion', this.apiVersion, 'is not an AdmissionApiVersion',
        'use AdmissionApiVersion.V1 (Kubernetes ≥ 1.30) or AdmissionApiVersion.V1BETA1 (1.28/1.29)');
    }
    this.failurePolicy = props?.failurePolicy ?? AdmissionFailurePolicy.FAIL;
    if (!(this.failurePolicy instanceof AdmissionFailurePolicy)) {
      problems.add(this.node.path, 'failurePolicy', this.failurePolicy, 'is not an AdmissionFailurePolicy',
        'use AdmissionFailurePolicy.FAIL (default) or AdmissionFailurePolicy.IGNORE');
    }
    this.enforcement = props?.enforcement ?? AdmissionEnforcement.DENY;
    if (!(this.enforcement instanceof AdmissionEnforcement)) {
      problems.add(this.node.path, 'enforcement', this.enforcement, 'is not an AdmissionEnforcement',
        'use AdmissionEnforcement.DENY (default), DENY_AND_AUDIT or WARN_AND_AUDIT');
    }
    this.name = props?.name ?? (fleet instanceof AgentFleet ? TrustPhaseAdmission.defaultName(fleet) : '');
    if (props?.name !== undefined && !TrustNames.isDnsSubdomain(props.name)) {
      problems.add(this.node.path, 'name', props.name, 'is not a DNS subdomain (RFC 1123, ≤ 245 characters)',
        'use lowercase letters, digits, "-" and ".", e.g. "agent-trust-admission-agents"');
    } else if (props?.name !== undefined && props.name.length > 245) {
      problems.add(this.node.path, 'name', props.name, 'leaves no room for the "-connect" suffix of the exec policy (≤ 245 characters)',
        'shorten it');
    }
    this.disabledGuards = TrustPhaseAdmission.checkOverrides(problems, this.node.path, props?.disabledGuards);
    const off = (g: AdmissionGuard): boolean => this.disabledGuards.some(o => o.guard === g);
    const launcherUser = props?.launcher !== undefined
      ? props.launcher.username
      : (fleet instanceof AgentFleet ? AdmissionRules.serviceAccountUsername(fleet.namespace, DEFAULT_LAUNCHER_NAME) : '');
    const extra = [...(props?.additionalJobCreators ?? [])];
    TrustPhaseAdmission.checkUsernames(problems, this.node.path, 'additionalJobCreators', extra, false);
    this.podCreators = [...(props?.podCreators ?? PodAdmissionRules._defaultPodCreators())];
    TrustPhaseAdmission.checkUsernames(problems, this.node.path, 'podCreators', this.podCreators, true);
    if (off(AdmissionGuard.JOB_CREATOR) && extra.length > 0) {
      problems.add(this.node.path, 'additionalJobCreators', extra, 'has no effect: the job-creator guard is turned off',
        'drop additionalJobCreators, or turn the guard back on');
    }
    const promoters = [...(props?.promotionIdentities ?? (fleet instanceof AgentFleet ? ParamsAdmissionRules.defaultPromoters(fleet) : []))];
    if (props?.promotionIdentities !== undefined || fleet instanceof AgentFleet) {
      TrustPhaseAdmission.checkUsernames(problems, this.node.path, 'promotionIdentities', promoters, true);
    }
    if (off(AdmissionGuard.PARAMS) && props?.promotionIdentities !== undefined) {
      problems.add(this.node.path, 'promotionIdentities', promoters, 'has no effect: the params guard is turned off',
        'drop promotionIdentities, or turn the guard back on');
    }
    if (props?.jobTemplates !== undefined && off(AdmissionGuard.POD)) {
      problems.add(this.node.path, 'jobTemplates', `${props.jobTemplates.length} template(s)`, 'has no effect: the pod guard is turned off',
        'drop jobTemplates, or turn the guard back on');
    }
    problems.throwIfAny(this.node.path);
    const theFleet = fleet as AgentFleet;
    this.fleet = theFleet;
    this.templates = props?.jobTemplates ? [...props.jobTemplates] : undefined;
    this.jobCreators = off(AdmissionGuard.JOB_CREATOR) ? [] : [...new Set([launcherUser, ...extra])];
    this.promotionIdentities = off(AdmissionGuard.PARAMS) ? [] : promoters;

    this._rules = AdmissionRules.forFleet(theFleet, off(AdmissionGuard.JOB_CREATOR) ? undefined : this.jobCreators);
    this.paramsData = TrustPhaseAdmission.sorted({ ...AdmissionRules.paramsData(theFleet), ...JobContractAdmissionRules.paramsData(theFleet) });
    const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': theFleet.namespace } };
    const paramKind = { apiVersion: 'v1', kind: 'ConfigMap' };
    const variables = AdmissionRules.variables().map(v => ({ name: v.name, expression: v.expression }));
    const auditAnnotations = AdmissionRules.auditAnnotations().map(a => ({ key: a.key, valueExpression: a.valueExpression }));

    const spec: PolicySpec = {
      failurePolicy: this.failurePolicy.value,
      paramKind,
      matchConstraints: {
        namespaceSelector,
        resourceRules: [{
          apiGroups: ['batch'],
          apiVersions: ['v1'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['jobs'],
          scope: 'Namespaced',
        }],
      },
      matchConditions: TrustPhaseAdmission.conditions(AdmissionRules.matchConditions()),
      variables,
      // The contract rules read the Job templates at synth, like the Pod policy.
      validations: Lazy.any({ produce: () => TrustPhaseAdmission.validations([...this._rules, ...this.contractRules(this.contractsAtSynth)]) }),
      auditAnnotations,
    };
    const annotations: { [key: string]: string } = {};
    for (const o of this.disabledGuards) {
      annotations[AdmissionGuard.annotationKey(o.guard)] = o.reason;
    }
    // One code path for both versions: the v1 and v1beta1 schemas are the
    // same, and cdk8s-plus-28 ships no v1 class. Tests validate both with
    // kubernetes-models.
    [this.policy, this.binding] = this.emit('Resource', 'Binding', this.name, spec, true, annotations);

    if (!off(AdmissionGuard.POD)) {
      const podRule = (resource: string, operations: string[]): ResourceRule =>
        ({ apiGroups: [''], apiVersions: ['v1'], operations, resources: [resource], scope: 'Namespaced' });
      const podSpec = {
        failurePolicy: this.failurePolicy.value,
        paramKind,
        matchConstraints: {
          namespaceSelector,
          // Not pods/status: it cannot change the spec, and kubelets write it constantly.
          resourceRules: [podRule('pods', ['CREATE', 'UPDATE']), podRule('pods/ephemeralcontainers', ['UPDATE']),
            podRule('pods/resize', ['UPDATE'])],
        },
        matchConditions: TrustPhaseAdmission.conditions(PodAdmissionRules.matchConditions()),
        variables,
        // The template shapes are read at synth, so templates added after this construct count.
        validations: Lazy.any({ produce: () => TrustPhaseAdmission.validations(
          PodAdmissionRules._forShapes(theFleet, this.shapesAtSynth ?? PodAdmissionRules._shapesOf(this.contracts), this.podCreators)) }),
        auditAnnotations,
      };
      [this.podPolicy, this.podBinding] = this.emit('Pods', 'PodsBinding', `${this.name}-pods`, podSpec, true);
      this.node.addValidation({ validate: () => this.missingTemplates() });
    }
    if (!off(AdmissionGuard.TOKEN_REQUEST)) {
      [this.tokenPolicy, this.tokenBinding] = this.emit('Tokens', 'TokensBinding', `${this.name}-tokens`, {
        failurePolicy: this.failurePolicy.value,
        matchConstraints: {
          namespaceSelector,
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['serviceaccounts/token'], scope: 'Namespaced' }],
        },
        matchConditions: TrustPhaseAdmission.conditions(AccessAdmissionRules.tokenMatchConditions()),
        variables: [],
        validations: TrustPhaseAdmission.validations(AccessAdmissionRules.tokenRules()),
      }, false);
    }
    if (!off(AdmissionGuard.POD_CONNECT)) {
      [this.connectPolicy, this.connectBinding] = this.emit('Connect', 'ConnectBinding', `${this.name}-connect`, {
        failurePolicy: this.failurePolicy.value,
        matchConstraints: {
          namespaceSelector,
          resourceRules: [{
            apiGroups: [''], apiVersions: ['v1'], operations: ['CONNECT'],
            resources: [...AccessAdmissionRules.CONNECT_SUBRESOURCES], scope: 'Namespaced',
          }],
        },
        matchConditions: [],
        variables: [],
        validations: TrustPhaseAdmission.validations(AccessAdmissionRules.connectRules()),
      }, false);
    }

    if (!off(AdmissionGuard.PARAMS)) {
      [this.paramsPolicy, this.paramsBinding] = this.emit('ParamsGuard', 'ParamsGuardBinding', `${this.name}-params`, {
        failurePolicy: this.failurePolicy.value,
        matchConstraints: {
          namespaceSelector,
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['configmaps'], scope: 'Namespaced' }],
        },
        matchConditions: TrustPhaseAdmission.conditions(ParamsAdmissionRules.matchConditions(theFleet)),
        variables: [],
        validations: TrustPhaseAdmission.validations(ParamsAdmissionRules.rules(this.promotionIdentities)),
      }, false);
    }

    this.params = new kplus.k8s.KubeConfigMap(this, 'Params', {
      metadata: {
        name: AdmissionRules.PARAMS_NAME,
        namespace: theFleet.namespace,
        annotations: {
          'agent-trust.io/purpose': 'trust ceilings read by ValidatingAdmissionPolicy ' + this.name
            + '; a ceiling change is a promotion and must be reviewed',
        },
      },
      data: { ...this.paramsData },
    });
  }

  /** The rules of the Job policy, in order (a copy), including those comparing the Job with its agent's contract. */
  public get rules(): AdmissionRule[] {
    return [...this._rules, ...this.contractRules()];
  }

  /** The launcher contract of every agent's Job template (explicit, or found in the App). */
  public get contracts(): LauncherContractDocument[] {
    return this.jobTemplates().map(t => t.contract);
  }

  private contractRules(contracts?: LauncherContractDocument[]): AdmissionRule[] {
    return this.disabledGuards.some(o => o.guard === AdmissionGuard.JOB_CONTRACT)
      ? [] : JobContractAdmissionRules.forFleet(this.fleet, contracts ?? this.contracts);
  }

  private jobTemplates(): AgentJobTemplate[] {
    return this.templates ?? this.node.root.node.findAll()
      .filter((c): c is AgentJobTemplate => c instanceof AgentJobTemplate)
      .filter(t => t.contract.namespace === this.fleet.namespace);
  }

  /** The rules of the Pod policy, in order (empty when the `POD` guard is off). */
  public get podRules(): AdmissionRule[] {
    return this.podPolicy ? PodAdmissionRules.forFleet(this.fleet, this.contracts, this.podCreators) : [];
  }

  /** Every agent needs a template, or its Pods would all be denied. Runs first in every synth. */
  private missingTemplates(): string[] {
    this.contractsAtSynth = this.contractsAtSynth ?? this.contracts;
    this.shapesAtSynth = PodAdmissionRules._shapesOf(this.contractsAtSynth);
    const have = new Set(this.shapesAtSynth.map(s => s.agent));
    return this.fleet.agents.filter(a => !have.has(a.name)).map(a => ProblemCollector.format({
      path: this.node.path, field: 'jobTemplates', value: JSON.stringify(a.name),
      message: `agent "${a.name}" has no AgentJobTemplate, so the Pod policy would deny every Pod of its investigations`,
      hint: `add new AgentJobTemplate(…, { fleet, agent: '${a.name}' }) to the App, pass jobTemplates, or turn the pod guard off `
        + 'with disabledGuards: [{ guard: AdmissionGuard.POD, reason }]',
    }));
  }

  /** Emit one policy and its binding (cluster-scoped, so without a namespace). */
  private emit(id: string, bindingId: string, name: string, spec: any, withParams: boolean,
    annotations: { [key: string]: string } = {}): [ApiObject, ApiObject] {
    // Empty lists are left out (the token and exec policies read no variables).
    const tidy = Object.fromEntries(Object.entries(spec).filter(([, v]) => !(Array.isArray(v) && v.length === 0)));
    const policy = new ApiObject(this, id, {
      apiVersion: this.apiVersion.value,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: tidy,
    });
    const bindingSpec: BindingSpec = {
      policyName: name,
      validationActions: [...this.enforcement.actions],
      // A missing ConfigMap must deny, not admit.
      ...(withParams
        ? { paramRef: { name: AdmissionRules.PARAMS_NAME, namespace: this.fleet.namespace, parameterNotFoundAction: 'Deny' } }
        : {}),
    };
    const binding = new ApiObject(this, bindingId, {
      apiVersion: this.apiVersion.value,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: bindingSpec,
    });
    // Policy and binding are cluster-scoped: drop the namespace a Chart
    // with `namespace` would stamp on them.
    if (Chart.of(this).namespace) {
      policy.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      binding.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    return [policy, binding];
  }

  private static sorted(data: { [key: string]: string }): { [key: string]: string } {
    return Object.fromEntries(Object.keys(data).sort().map(k => [k, data[k]]));
  }

  private static validations(rules: AdmissionRule[]): PolicyValidation[] {
    return rules.map(r => ({
      expression: r.expression,
      message: r.message,
      ...(r.messageExpression !== undefined ? { messageExpression: r.messageExpression } : {}),
      reason: r.reason.value,
    }));
  }

  private static conditions(conditions: AdmissionMatchCondition[]): Array<{ name: string; expression: string }> {
    return conditions.map(c => ({ name: c.name, expression: c.expression }));
  }

  private static checkOverrides(problems: ProblemCollector, path: string, overrides: AdmissionGuardOverride[] | undefined):
  AdmissionGuardOverride[] {
    const out: AdmissionGuardOverride[] = [];
    (overrides ?? []).forEach((o, i) => {
      if (!(o?.guard instanceof AdmissionGuard)) {
        problems.add(path, `disabledGuards[${i}].guard`, o?.guard, 'is not an AdmissionGuard',
          `use one of ${AdmissionGuard.all().map(g => `AdmissionGuard.${g.id.toUpperCase().replace(/-/g, '_')}`).join(', ')}`);
      } else if (typeof o.reason !== 'string' || o.reason.trim().length === 0) {
        problems.add(path, `disabledGuards[${i}].reason`, o.reason, `is empty: turning off the ${o.guard.id} guard needs a reason`,
          'say why the guard is not needed here (a reviewer reads it; verify reports the missing guard)');
      } else if (out.some(x => x.guard === o.guard)) {
        problems.add(path, `disabledGuards[${i}].guard`, o.guard.id, 'is listed twice', 'list each guard once');
      } else {
        out.push({ guard: o.guard, reason: o.reason.trim() });
      }
    });
    return out;
  }

  private static checkUsernames(problems: ProblemCollector, path: string, field: string, names: string[], nonEmpty: boolean): void {
    if (nonEmpty && names.length === 0) {
      problems.add(path, field, names, 'is empty: no Pod could ever be created', 'keep the default, or name the Job controller\'s username');
    }
    names.forEach((n, i) => {
      if (typeof n !== 'string' || n.length === 0 || /\s|\*/.test(n)) {
        problems.add(path, `${field}[${i}]`, n, 'is not a Kubernetes username (non-empty, no spaces, no wildcard)',
          'use e.g. "system:serviceaccount:<namespace>:<name>"');
      } else if (names.indexOf(n) !== i) {
        problems.add(path, `${field}[${i}]`, n, 'is listed twice', 'list each username once');
      }
    });
  }
}
