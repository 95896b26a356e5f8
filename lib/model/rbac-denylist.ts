import { KubernetesRule } from './kubernetes-rule';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';

const WORKLOAD_KINDS = ['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs',
  'replicationcontrollers'];
/**
 * Kinds whose spec holds a pod template (or is a pod): an update or patch
 * can swap the image, the command or the ServiceAccount. Their `/scale`
 * subresources are separate resources and stay allowed.
 */
const TEMPLATE_KINDS = [...WORKLOAD_KINDS, 'podtemplates', 'rollouts'];
const RBAC_KINDS = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'];
const ADMISSION_KINDS = ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations',
  'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** What a deny rule matches: a resource (any group unless `groups`), and verbs (any unless listed). */
interface Match {
  readonly resources: string[];
  readonly verbs?: string[];
}

/**
 * One entry of the RBAC denylist: a permission no agent phase may hold
 * unless the user names this entry in an explicit override with a reason.
 * The list follows Kubernetes' RBAC good practices and what peer
 * investigation agents were criticised for.
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/
 */
export class DenyRule {
  /** `*` in verbs, resources or apiGroups (a `*` verb implies escalate, bind and impersonate). */
  public static readonly WILDCARD = new DenyRule('wildcard', 'wildcards grant every current and future permission', []);
  /** Any verb on `secrets`: list and watch reveal contents too. */
  public static readonly SECRETS = new DenyRule('secrets', 'secrets are read through Vault, never through the Kubernetes API',
    [{ resources: ['secrets'] }]);
  /** `pods/exec`, `pods/attach`, `pods/portforward`, `pods/ephemeralcontainers`: a shell in someone else's pod. */
  public static readonly POD_SHELL = new DenyRule('pod-shell',
    'exec, attach, port-forward and ephemeral containers run commands inside other pods and read their credentials',
    [{ resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/ephemeralcontainers'] }]);
  /** Any verb on `nodes/proxy`: even get runs commands on the kubelet and bypasses audit. */
  public static readonly NODE_PROXY = new DenyRule('node-proxy', 'nodes/proxy reaches the kubelet API, bypassing audit',
    [{ resources: ['nodes/proxy'] }]);
  /** Any verb on `serviceaccounts/token`: minting tokens for other identities. */
  public static readonly TOKEN_REQUEST = new DenyRule('token-request', 'serviceaccounts/token mints credentials of other identities',
    [{ resources: ['serviceaccounts/token'] }]);
  /** Verbs `escalate`, `bind`, `impersonate` on anything. */
  public static readonly PRIVILEGE_VERBS = new DenyRule('privilege-verbs', 'escalate, bind and impersonate let a subject exceed its own permissions',
    []);
  /** `create` on pods or workload kinds: a new pod may run as any ServiceAccount and mount any secret. */
  public static readonly CREATE_WORKLOADS = new DenyRule('create-workloads',
    'creating pods or workloads gives access to every ServiceAccount and Secret of the namespace',
    [{ resources: WORKLOAD_KINDS, verbs: ['create'] }]);
  /**
   * `update` or `patch` on pods or any workload kind (Deployments,
   * StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Argo Rollouts,
   * PodTemplates): patching a pod template runs any image as any
   * ServiceAccount of the namespace. `deployments/scale` and the other
   * `/scale` subresources are not matched.
   */
  public static readonly WORKLOAD_TEMPLATE_WRITE = new DenyRule('workload-template-write',
    'updating or patching a pod or a pod template runs any image as any ServiceAccount of the namespace (use the /scale subresource to scale)',
    [{ resources: TEMPLATE_KINDS, verbs: ['update', 'patch'] }]);
  /** Writes to roles and bindings. */
  public static readonly RBAC_WRITE = new DenyRule('rbac-write', 'writing RBAC objects lets an agent grant itself more',
    [{ resources: RBAC_KINDS, verbs: WRITE_VERBS }]);
  /** Writes to webhook configurations and admission policies: the trust ladder itself is enforced there. */
  public static readonly ADMISSION_WRITE = new DenyRule('admission-write',
    'admission webhooks and policies enforce the trust ladder; changing them removes the enforcement',
    [{ resources: ADMISSION_KINDS, verbs: WRITE_VERBS }]);
  /** Writes to certificate signing requests and their approval. */
  public static readonly CSR_WRITE = new DenyRule('csr-write', 'a signed CSR is a cluster credential',
    [{ resources: ['certificatesigningrequests', 'certificatesigningrequests/approval', 'certificatesigningrequests/status'], verbs: WRITE_VERBS }]);
  /** Patch or update on namespaces: changing Pod Security labels. */
  public static readonly NAMESPACE_WRITE = new DenyRule('namespace-write', 'namespace labels carry the Pod Security level',
    [{ resources: ['namespaces', 'namespaces/status', 'namespaces/finalize'], verbs: ['update', 'patch', 'delete'] }]);
  /** Create on persistentvolumes: a hostPath volume mounts the node. */
  public static readonly PERSISTENT_VOLUME_CREATE = new DenyRule('persistent-volume-create', 'a hostPath PersistentVolume mounts the node filesystem',
    [{ resources: ['persistentvolumes'], verbs: ['create'] }]);

  /** Every deny rule. */
  public static all(): DenyRule[] {
    return [DenyRule.WILDCARD, DenyRule.SECRETS, DenyRule.POD_SHELL, DenyRule.NODE_PROXY, DenyRule.TOKEN_REQUEST,
      DenyRule.PRIVILEGE_VERBS, DenyRule.CREATE_WORKLOADS, DenyRule.WORKLOAD_TEMPLATE_WRITE, DenyRule.RBAC_WRITE, DenyRule.ADMISSION_WRITE,
      DenyRule.CSR_WRITE, DenyRule.NAMESPACE_WRITE, DenyRule.PERSISTENT_VOLUME_CREATE];
  }

  /** A deny rule by id; throws with the list of ids when unknown. */
  public static of(id: string): DenyRule {
    return InputRules.findByName(DenyRule.all(), r => r.id, id, (n, names) => `unknown deny rule ${n}; use one of ${names}`);
  }

  private constructor(
    /** Stable id, used in overrides and reports. */
    public readonly id: string,
    /** Why the permission is dangerous. */
    public readonly reason: string,
    matches: Match[]) {
    // Sets: the denylist runs over every rule of every phase of every fleet at synth.
    this.matches = matches.map(m => ({ resources: new Set(m.resources), verbs: m.verbs ? new Set(m.verbs) : undefined }));
  }

  private readonly matches: { readonly resources: Set<string>; readonly verbs?: Set<string> }[];

  /** The resource/verb pairs of `rule` this entry forbids, as `verb resource` strings. */
  public violations(rule: KubernetesRule): string[] {
    const found: string[] = [];
    if (this === DenyRule.WILDCARD) {
      for (const [field, values] of [['apiGroups', rule.apiGroups], ['resources', rule.resources], ['verbs', rule.verbs]] as const) {
        for (const v of values ?? []) {
          if (v.includes('*')) {
            found.push(`${field} "${v}"`);
          }
        }
      }
      return found;
    }
    if (this === DenyRule.PRIVILEGE_VERBS) {
      return (rule.verbs ?? []).filter(v => ['escalate', 'bind', 'impersonate'].includes(v.toLowerCase()))
        .map(v => `verb "${v}"`);
    }
    for (const match of this.matches) {
      for (const resource of rule.resources ?? []) {
        if (!match.resources.has(resource.toLowerCase())) {
          continue;
        }
        for (const verb of rule.verbs ?? []) {
          if (!match.verbs || match.verbs.has(verb.toLowerCase())) {
            found.push(`${verb} ${resource}`);
          }
        }
      }
    }
    return found;
  }

  public toString(): string {
    return this.id;
  }
}

/** A named, explained exception to one deny rule. */
export interface DenylistOverride {
  /** The deny rule that is lifted. */
  readonly rule: DenyRule;
  /** Why it is acceptable here; shown in reports and required to be non-empty. */
  readonly reason: string;
}

/** Checks RBAC rules against the denylist. */
export class RbacDenylist {
  /**
   * Record a problem for every denied permission in `rules` that no
   * override lifts, and for every override without a reason.
   * @internal
   */
  public static _check(problems: ProblemCollector, path: string, field: string, rules: KubernetesRule[],
    overrides?: DenylistOverride[], memo?: Map<KubernetesRule, Array<[DenyRule, string[]]>>): void {
    const lifted = new Set<DenyRule>();
    (overrides ?? []).forEach((o, i) => {
      if (!o.reason || o.reason.trim().length < 10) {
        problems.add(path, `allowDenied[${i}].reason`, o.reason,
          `an override of deny rule "${o.rule.id}" needs a reason of at least 10 characters`,
          'say why this agent needs the permission; the reason is printed in the promotion report');
      } else {
        lifted.add(o.rule);
      }
    });
    rules.forEach((rule, i) => {
      // A ladder's phases repeat the rules of the phases below: `memo` (one validation's) judges each rule object once.
      let found = memo?.get(rule);
      if (found === undefined) {
        found = RbacDenylist.hitsOf(rule);
        memo?.set(rule, found);
      }
      for (const [deny, hits] of found) {
        if (!lifted.has(deny)) {
          problems.add(path, `${field}[${i}]`, RbacDenylist.describe(rule),
            `grants ${hits.join(', ')}, forbidden by deny rule "${deny.id}" (${deny.reason})`,
            `remove it, or add { rule: DenyRule.${RbacDenylist.constantName(deny)}, reason: '…' } to allowDenied`);
        }
      }
    });
  }

  /** The denied permissions of one rule ignoring overrides, as `rule-id: verb resource`. */
  public static violationsOf(rule: KubernetesRule): string[] {
    return RbacDenylist.hitsOf(rule).flatMap(([d, hits]) => hits.map(v => `${d.id}: ${v}`));
  }

  /** The deny rules `rule` violates, each with its denied permissions, in denylist order. */
  private static hitsOf(rule: KubernetesRule): Array<[DenyRule, string[]]> {
    return DenyRule.all().map(deny => [deny, deny.violations(rule)] as [DenyRule, string[]]).filter(([, hits]) => hits.length > 0);
  }

  /** A compact text form of a rule for messages. */
  public static describe(rule: KubernetesRule): string {
    const groups = (rule.apiGroups ?? []).map(g => (g === '' ? 'core' : g)).join(',');
    const names = rule.resourceNames?.length ? ` names=${rule.resourceNames.join(',')}` : '';
    return `${(rule.verbs ?? []).join(',')} ${groups}/${(rule.resources ?? []).join(',')}${names}${rule.clusterScoped ? ' (cluster)' : ''}`;
  }

  private static constantName(rule: DenyRule): string {
    return rule.id.toUpperCase().replace(/-/g, '_');
  }
}
