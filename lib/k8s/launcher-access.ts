import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AdmissionRules, AgentFleet, KubernetesRule, LauncherContract, TrustNames } from '../model';
import { DEFAULT_LAUNCHER_NAME, guardOutput, pathOf } from './private/k8s-util';
import { ProblemCollector } from '../model/private/problem-collector';

/** Properties of `LauncherAccess`. */
export interface LauncherAccessProps {
  /** The fleet: agent namespace and agents (one contract ConfigMap each). */
  readonly fleet: AgentFleet;
  /**
   * Name of the launcher's ServiceAccount.
   * @default "agent-launcher"
   */
  readonly serviceAccountName?: string;
  /**
   * Namespace the launcher runs in (its ServiceAccount lives there; the
   * Role is always in the agent namespace). Running it outside the agent
   * namespace keeps it clear of the agents' pod quota and default-deny
   * network policy.
   * @default - the agent namespace
   */
  readonly serviceAccountNamespace?: string;
  /**
   * Also grant `delete` on Jobs, for a launcher that cancels investigations.
   * Off by default: finished Jobs go by their TTL, and a `delete` with
   * `propagationPolicy: Orphan` would leave the Pod running (its own
   * `activeDeadlineSeconds` still ends it).
   * @default false
   */
  readonly allowJobDeletion?: boolean;
}

/**
 * What the runtime launcher may do, and nothing more: in the agent
 * namespace only, create/get/list/watch Jobs (delete only with
 * `allowJobDeletion`), and read the agents'
 * launcher-contract ConfigMaps. No pods, no secrets, no other namespace,
 * token automount off.
 *
 * ConfigMaps are restricted by `resourceNames` for `get`, `list` and
 * `watch` alike. RBAC cannot filter a plain list by name, but it does
 * authorize a list/watch that carries the field selector
 * `metadata.name=<contract ConfigMap>`; the launcher must watch each
 * contract that way (one informer per ConfigMap). A plain
 * `list configmaps` is refused, so the launcher cannot read any other
 * ConfigMap of the namespace (such as the admission policy's params).
 *
 * Creating Jobs is what the RBAC denylist forbids agents (a Job may run as
 * any ServiceAccount of the namespace); for the launcher it is the point,
 * and the admission policy checks every Job it creates — and admits a Job
 * CREATE only from this ServiceAccount (`username`).
 */
export class LauncherAccess extends Construct {

  /** The launcher's ServiceAccount. */
  public readonly serviceAccount: kplus.k8s.KubeServiceAccount;
  /** The Role in the agent namespace. */
  public readonly role: kplus.k8s.KubeRole;
  /** The RoleBinding in the agent namespace. */
  public readonly roleBinding: kplus.k8s.KubeRoleBinding;
  /** The rules of the Role. */
  public readonly rules: KubernetesRule[];
  /** The ServiceAccount name. */
  public readonly serviceAccountName: string;
  /** The namespace of the ServiceAccount. */
  public readonly serviceAccountNamespace: string;
  /**
   * The username the launcher authenticates as
   * (`system:serviceaccount:<namespace>:<name>`): the identity the Job
   * policy lets create investigation Jobs.
   */
  public readonly username: string;

  public constructor(scope: Construct, id: string, props: LauncherAccessProps) {
    super(scope, id);
    guardOutput(this);
    const fleet = props.fleet;
    const path = pathOf(this);
    this.serviceAccountName = props.serviceAccountName ?? DEFAULT_LAUNCHER_NAME;
    const saNamespace = props.serviceAccountNamespace ?? fleet.namespace;
    const problems = new ProblemCollector();
    TrustNames._checkDnsLabel(problems, path, 'serviceAccountName', this.serviceAccountName);
    TrustNames._checkDnsLabel(problems, path, 'serviceAccountNamespace', saNamespace);
    if (this.serviceAccountName.startsWith(TrustNames.PHASE_PREFIX)) {
      problems.add(path, 'serviceAccountName', this.serviceAccountName,
        `starts with "${TrustNames.PHASE_PREFIX}", the prefix of the agents' phase ServiceAccounts`,
        'use a name outside that prefix, e.g. "agent-launcher"');
    }
    if (fleet.targetNamespaces.includes(saNamespace)) {
      problems.add(path, 'serviceAccountNamespace', saNamespace, 'is a target namespace the agents act on',
        'run the launcher in the agent namespace or a namespace of its own');
    }
    problems.throwIfAny(path);
    this.serviceAccountNamespace = saNamespace;
    this.username = AdmissionRules.serviceAccountUsername(saNamespace, this.serviceAccountName);

    const labels = { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', 'app.kubernetes.io/component': 'launcher' };
    const contracts = fleet.agents.map(a => LauncherContract.configMapName(a.name)).sort();
    this.rules = [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch', ...(props.allowJobDeletion ? ['delete'] : [])] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'], resourceNames: contracts },
    ];

    this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.serviceAccountName, namespace: saNamespace, labels },
      automountServiceAccountToken: false,
    });
    this.role = new kplus.k8s.KubeRole(this, 'Role', {
      metadata: { name: this.serviceAccountName, namespace: fleet.namespace, labels },
      rules: this.rules.map(r => ({
        apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs],
        resourceNames: r.resourceNames ? [...r.resourceNames] : undefined,
      })),
    });
    this.roleBinding = new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.serviceAccountName, namespace: fleet.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.serviceAccountName },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: saNamespace }],
    });
  }
}
