import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentFleet, DenylistOverride, KubernetesRule, TrustNames, PermissionSet, RbacDenylist, TrustPhase,
} from '../model';
import { clusterScoped, guardOutput, pathOf } from './private/k8s-util';
import { FleetChecks } from '../model/private/fleet-checks';
import { ProblemCollector } from '../model/private/problem-collector';

const READ_VERBS = ['get', 'list', 'watch'];
const VERB = /^[a-z]+$/;
const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/;
const RESOURCE = /^[a-z0-9][a-z0-9.-]*(\/[a-z0-9][a-z0-9.-]*)?$/;

/** Properties of a `PhaseServiceAccount`. */
export interface PhaseServiceAccountProps {
  /** The fleet: namespace, target namespaces and ladder. */
  readonly fleet: AgentFleet;
  /** The phase; must be a phase of `fleet.ladder`. */
  readonly phase: TrustPhase;
  /**
   * Rules granted on top of the ladder's rules for this phase. Each passes
   * the RBAC denylist like the ladder's own.
   * @default - none
   */
  readonly additionalRules?: KubernetesRule[];
  /**
   * Named exceptions to the RBAC denylist for this phase, each with a
   * reason (printed in promotion reports). This is the only way to grant a
   * denylisted permission such as `secrets` or `pods/exec`; the ladder's
   * own `allowDenied` for the phase applies as well.
   * @default - none: every denylisted permission fails synth
   */
  readonly allowDenied?: DenylistOverride[];
}

/**
 * The identity of one trust phase: ServiceAccount `agent-phase-<phase>` in
 * the agent namespace with token automount off (the Job mounts a projected,
 * audience-bound token instead), the phase's namespaced rules as a Role +
 * RoleBinding `agent-phase-<phase>.<namespace>` in every target namespace
 * (the namespace in the name keeps every object through cdk8s's
 * per-resource output types), and its cluster-scoped read rules
 * (nodes, namespaces) as one ClusterRole + ClusterRoleBinding named
 * `agent-trust-<agent namespace>-agent-phase-<phase>` so two fleets in one
 * cluster never collide. Rules are the ladder's plus `additionalRules`;
 * every one passes the RBAC denylist unless lifted by `allowDenied`.
 * Use `LadderServiceAccounts` to create every phase of a ladder at once.
 */
export class PhaseServiceAccount extends Construct {
  /** Name of the ClusterRole (and binding) of a phase: unique per agent namespace. */
  public static clusterRoleName(fleet: AgentFleet, phase: TrustPhase): string {
    return `agent-trust-${fleet.namespace}-${fleet.bindingOf(phase).serviceAccount}`;
  }

  /** The phase. */
  public readonly phase: TrustPhase;
  /** The ServiceAccount. */
  public readonly serviceAccount: kplus.k8s.KubeServiceAccount;
  /** One Role per target namespace, in `fleet.targetNamespaces` order. */
  public readonly roles: kplus.k8s.KubeRole[];
  /** One RoleBinding per target namespace. */
  public readonly roleBindings: kplus.k8s.KubeRoleBinding[];
  /** The ClusterRole, when the phase has cluster-scoped rules. */
  public readonly clusterRole?: kplus.k8s.KubeClusterRole;
  /** The ClusterRoleBinding, when the phase has cluster-scoped rules. */
  public readonly clusterRoleBinding?: kplus.k8s.KubeClusterRoleBinding;
  /** Every rule the phase holds: the ladder's, then `additionalRules`. */
  public readonly rules: KubernetesRule[];
  /** The ServiceAccount name. */
  public readonly serviceAccountName: string;

  private readonly fleet: AgentFleet;

  public constructor(scope: Construct, id: string, props: PhaseServiceAccountProps) {
    super(scope, id);
    guardOutput(this);
    const { fleet, phase } = props;
    const path = pathOf(this);
    FleetChecks.requirePhaseOf(path, fleet, phase);
    const problems = new ProblemCollector();
    const def = fleet.ladder.definition(phase);
    const additional = [...(props.additionalRules ?? [])];
    PhaseServiceAccount.checkRules(problems, path, 'additionalRules', additional);
    RbacDenylist._check(problems, path, 'additionalRules', additional,
      [...(def.allowDenied ?? []), ...(props.allowDenied ?? [])]);
    problems.throwIfAny(path);

    this.fleet = fleet;
    this.phase = phase;
    this.rules = [...def.kubernetesRules, ...additional];
    const binding = fleet.bindingOf(phase);
    this.serviceAccountName = binding.serviceAccount;
    const labels = { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', 'trust-phase': phase.name };

    this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.serviceAccountName, namespace: binding.namespace, labels },
      automountServiceAccountToken: false,
    });
    const subject = { kind: 'ServiceAccount', name: this.serviceAccountName, namespace: binding.namespace };

    const namespaced = this.rules.filter(r => !r.clusterScoped).map(r => PhaseServiceAccount.toPolicyRule(r));
    const cluster = this.rules.filter(r => r.clusterScoped).map(r => PhaseServiceAccount.toPolicyRule(r));
    this.roles = [];
    this.roleBindings = [];
    if (namespaced.length > 0) {
      for (const ns of fleet.targetNamespaces) {
        const roleName = TrustNames.perNamespace(this.serviceAccountName, ns);
        this.roles.push(new kplus.k8s.KubeRole(this, `Role-${ns}`, {
          metadata: { name: roleName, namespace: ns, labels },
          rules: namespaced,
        }));
        this.roleBindings.push(new kplus.k8s.KubeRoleBinding(this, `RoleBinding-${ns}`, {
          metadata: { name: roleName, namespace: ns, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
          subjects: [subject],
        }));
      }
    }
    if (cluster.length > 0) {
      const name = PhaseServiceAccount.clusterRoleName(fleet, phase);
      this.clusterRole = new kplus.k8s.KubeClusterRole(this, 'ClusterRole', {
        metadata: { name, labels },
        rules: cluster,
      });
      clusterScoped(this.clusterRole);
      this.clusterRoleBinding = new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [subject],
      });
      clusterScoped(this.clusterRoleBinding);
    }
  }

  /** The permissions this phase grants, per target namespace and cluster-wide. */
  public permissions(): PermissionSet {
    return PermissionSet.fromRules(this.rules, this.fleet.targetNamespaces);
  }

  private static toPolicyRule(rule: KubernetesRule): kplus.k8s.PolicyRule {
    return {
      apiGroups: [...rule.apiGroups],
      resources: [...rule.resources],
      verbs: [...rule.verbs],
      // Absent rather than undefined: cdk8s would visit and drop the key on every synthesis.
      ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
    };
  }

  /** Shape checks for user rules (the ladder's rules are checked by the fleet). */
  private static checkRules(problems: ProblemCollector, path: string, field: string, rules: KubernetesRule[]): void {
    rules.forEach((rule, i) => {
      const at = `${field}[${i}]`;
      const lists: Array<[string, string[] | undefined, RegExp, string]> = [
        ['apiGroups', rule?.apiGroups, GROUP, 'use "" for the core group or a DNS name such as "apps"'],
        ['resources', rule?.resources, RESOURCE, 'use lowercase plural resources, e.g. "pods" or "pods/log"'],
        ['verbs', rule?.verbs, VERB, 'use lowercase verbs such as "get", "list", "watch", "patch"'],
      ];
      for (const [name, values, pattern, hint] of lists) {
        if (!Array.isArray(values) || values.length === 0) {
          problems.add(path, `${at}.${name}`, values, 'must list at least one entry', hint);
          continue;
        }
        values.forEach((v, j) => {
          // Wildcards are the denylist's business (it names the deny rule); skip them here.
          if (typeof v !== 'string' || (!pattern.test(v) && !v.includes('*'))) {
            problems.add(path, `${at}.${name}[${j}]`, v, `is not a valid RBAC ${name.replace(/s$/, '')}`, hint);
          }
        });
      }
      (rule?.resourceNames ?? []).forEach((n, j) => {
        if (typeof n !== 'string' || n.length === 0 || /[/%]/.test(n)) {
          problems.add(path, `${at}.resourceNames[${j}]`, n, 'is not an object name', 'name an object, e.g. "my-config"');
        }
      });
      if (rule?.clusterScoped) {
        const writes = (rule.verbs ?? []).filter(v => !READ_VERBS.includes(v));
        if (writes.length > 0) {
          problems.add(path, `${at}.verbs`, rule.verbs,
            'a cluster-scoped rule may only read (get, list, watch); writes stay namespaced',
            'drop clusterScoped so the rule becomes a Role in each target namespace, or keep only read verbs');
        }
      }
    });
  }
}
