import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AdmissionRule, AdmissionRules } from '../model/admission-rules';
import { AgentFleet } from '../model/agent-fleet';
import { Names } from '../model/names';
import { ProblemCollector } from '../model/validation';
import { guardOutput } from './private/k8s-util';

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
  readonly paramKind: { readonly apiVersion: string; readonly kind: string };
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
  readonly auditAnnotations: Array<{ readonly key: string; readonly valueExpression: string }>;
}

interface BindingSpec {
  readonly policyName: string;
  readonly validationActions: string[];
  readonly paramRef: { readonly name: string; readonly namespace: string; readonly parameterNotFoundAction: string };
}

/**
 * Enforces the trust ladder at admission, so it holds even when the
 * launcher is buggy or compromised: a ValidatingAdmissionPolicy over
 * batch/v1 Jobs in the fleet's namespace, its binding, and the params
 * ConfigMap `agent-trust-ceilings` holding each agent's current ceiling and
 * the rank of each phase.
 *
 * A Job (CREATE or UPDATE) is admitted only if it names a known agent and
 * phase, the phase is at or below the agent's ceiling, the pod runs as
 * `agent-phase-<phase>`, the name is `investigation-<id>`, the pod template
 * repeats the agent/phase/id labels, backoffLimit is 0, it runs one pod
 * once (restartPolicy Never, no parallelism), the deadline is set
 * and within `fleet.jobDeadline`, every container has CPU and memory limits
 * and an image from `fleet.allowedRegistries`, the token is not automounted,
 * and the pod keeps the Pod Security `restricted` context. The rules are
 * `AdmissionRules.forFleet(fleet)`; every denial message starts with
 * `agent-trust [<rule id>]:`. A Job being deleted is not checked (see
 * `AdmissionRules.matchConditions`). Every Job request's audit event gets
 * `<name>/agent`, `<name>/trust-phase` and `<name>/investigation-id`
 * annotations.
 *
 * Admission checks requests, not running pods: after a demotion, delete
 * the agent's running Jobs above the new ceiling.
 *
 * A promotion is one reviewed change: raise the agent's `ceiling` in code,
 * which changes one value (`ceiling.<agent>`) of the params ConfigMap. Only
 * identities that may approve promotions should be able to write that
 * ConfigMap; the launcher must not.
 *
 * On a live cluster, check it with a tampered Job, e.g. one whose
 * `trust-phase` label is above the agent's ceiling:
 * `kubectl apply --dry-run=server -f tampered-job.yaml` must fail with
 * `agent-trust [phase-within-ceiling]: …`, while
 * `agent-trust render … | kubectl create --dry-run=server -f -` succeeds.
 * Also look at `kubectl get validatingadmissionpolicy <name> -o yaml`:
 * `status.typeChecking` must list no expression warnings.
 */
export class TrustPhaseAdmission extends Construct {
  /** Default policy and binding name for a fleet. */
  public static defaultName(fleet: AgentFleet): string {
    return `agent-trust-admission-${fleet.namespace}`;
  }

  /** The ValidatingAdmissionPolicy. */
  public readonly policy: ApiObject;
  /** The ValidatingAdmissionPolicyBinding. */
  public readonly binding: ApiObject;
  /** The params ConfigMap (ceilings and ranks). */
  public readonly params: ApiObject;
  /** Name of the policy and the binding. */
  public readonly name: string;
  /** API version emitted. */
  public readonly apiVersion: AdmissionApiVersion;
  /** Failure policy emitted. */
  public readonly failurePolicy: AdmissionFailurePolicy;
  /** Enforcement of the binding. */
  public readonly enforcement: AdmissionEnforcement;
  /** Data of the params ConfigMap. */
  public readonly paramsData: { [key: string]: string };

  private readonly _rules: AdmissionRule[];

  public constructor(scope: Construct, id: string, props: TrustPhaseAdmissionProps) {
    super(scope, id);
    guardOutput(this);
    const problems = new ProblemCollector();
    const fleet = props?.fleet;
    if (!(fleet instanceof AgentFleet)) {
      problems.add(this.node.path, 'fleet', fleet, 'is not an AgentFleet', 'pass the fleet declaration: new AgentFleet({ … })');
    }
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
    if (props?.name !== undefined && !Names.isDnsSubdomain(props.name)) {
      problems.add(this.node.path, 'name', props.name, 'is not a DNS subdomain (RFC 1123, ≤ 253 characters)',
        'use lowercase letters, digits, "-" and ".", e.g. "agent-trust-admission-agents"');
    }
    problems.throwIfAny(this.node.path);
    const theFleet = fleet as AgentFleet;

    this._rules = AdmissionRules.forFleet(theFleet);
    this.paramsData = AdmissionRules.paramsData(theFleet);

    const spec: PolicySpec = {
      failurePolicy: this.failurePolicy.value,
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': theFleet.namespace } },
        resourceRules: [{
          apiGroups: ['batch'],
          apiVersions: ['v1'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['jobs'],
          scope: 'Namespaced',
        }],
      },
      matchConditions: AdmissionRules.matchConditions().map(c => ({ name: c.name, expression: c.expression })),
      variables: AdmissionRules.variables().map(v => ({ name: v.name, expression: v.expression })),
      validations: this._rules.map(r => ({
        expression: r.expression,
        message: r.message,
        ...(r.messageExpression !== undefined ? { messageExpression: r.messageExpression } : {}),
        reason: r.reason.value,
      })),
      auditAnnotations: AdmissionRules.auditAnnotations().map(a => ({ key: a.key, valueExpression: a.valueExpression })),
    };
    // One code path for both versions: the v1 and v1beta1 schemas are the
    // same, and cdk8s-plus-28 ships no v1 class. Tests validate both with
    // kubernetes-models.
    this.policy = new ApiObject(this, 'Resource', {
      apiVersion: this.apiVersion.value,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: this.name },
      spec,
    });
    const bindingSpec: BindingSpec = {
      policyName: this.name,
      validationActions: [...this.enforcement.actions],
      // A missing ConfigMap must deny, not admit.
      paramRef: { name: AdmissionRules.PARAMS_NAME, namespace: theFleet.namespace, parameterNotFoundAction: 'Deny' },
    };
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: this.apiVersion.value,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: this.name },
      spec: bindingSpec,
    });
    // Policy and binding are cluster-scoped: drop the namespace a Chart
    // with `namespace` would stamp on them.
    if (Chart.of(this).namespace) {
      this.policy.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      this.binding.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
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

  /** The rules of the policy, in order (a copy). */
  public get rules(): AdmissionRule[] {
    return [...this._rules];
  }
}
