/**
 * Admission as the API server runs it, for one ValidatingAdmissionPolicy:
 * first the match (matchConstraints.resourceRules with subresources and
 * operations, excludeResourceRules, namespaceSelector), then the
 * matchConditions, then the validations — each step with the request the
 * API server builds (operation, resource, subResource, name, namespace,
 * userInfo, object, oldObject). A request the policy does not select is
 * admitted by not matching, as on a cluster.
 */
import { AdmissionRules } from '../../lib/model';
import { CelHarness } from './cel-harness';

/** The parts of an admission request a test sets. */
export interface AdmissionReviewRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** API group ("" for core), version, resource (plural). */
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
  /** e.g. `ephemeralcontainers`, `status`, `token`, `exec`; "" for the resource itself. */
  readonly subResource?: string;
  readonly namespace: string;
  /** The object's name (for a subresource: the parent's, e.g. the ServiceAccount of a TokenRequest). */
  readonly name?: string;
  readonly userInfo: { readonly username: string; readonly groups?: string[] };
  /** The object (a Pod, a TokenRequest, a PodExecOptions, …); null for DELETE. */
  readonly object?: any;
  /** The object before an UPDATE; null otherwise. */
  readonly oldObject?: any;
}

/** The outcome of one review. */
export interface AdmissionReviewResult {
  /** Whether resource rules, namespace selector and match conditions select the request. */
  readonly selected: boolean;
  /** Ids of the rules that deny it (empty: admitted). */
  readonly denied: string[];
  /** The denial messages, as the client sees them. */
  readonly messages: string[];
}

interface ResourceRule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  scope?: string;
}

function ruleMatches(rule: ResourceRule, req: AdmissionReviewRequest): boolean {
  const any = (list: string[] | undefined, value: string): boolean => (list ?? []).some(x => x === '*' || x === value);
  const sub = req.subResource ?? '';
  const resources = (rule.resources ?? []).some(r => {
    const [res, s] = r.split('/');
    const resOk = res === '*' || res === req.resource.resource;
    if (s === undefined) {
      return resOk && sub === ''; // 'pods' and '*' match no subresource
    }
    return resOk && (s === '*' || s === sub);
  });
  const scope = rule.scope ?? '*';
  return any(rule.apiGroups, req.resource.group) && any(rule.apiVersions, req.resource.version)
    && any(rule.operations, req.operation) && resources && (scope === '*' || scope === 'Namespaced');
}

function selectorMatches(selector: any, labels: { [k: string]: string }): boolean {
  if (!selector) {
    return true;
  }
  const ml = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const me = (selector.matchExpressions ?? []).every((e: any) => {
    switch (e.operator) {
      case 'In': return e.values.includes(labels[e.key]);
      case 'NotIn': return !e.values.includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return ml && me;
}

/** One policy (as synthesized) with its params, reviewing requests. */
export class PolicyUnderTest {
  public readonly harness: CelHarness;

  public constructor(public readonly policy: any, public readonly params?: any) {
    this.harness = new CelHarness(policy.spec.validations, policy.spec.matchConditions ?? [], policy.spec.variables ?? []);
  }

  /** Whether the resource rules and the namespace selector select the request (match conditions aside). */
  public matchesRules(req: AdmissionReviewRequest): boolean {
    const mc = this.policy.spec.matchConstraints ?? {};
    // Namespaces carry kubernetes.io/metadata.name (set by the API server).
    const nsLabels = { 'kubernetes.io/metadata.name': req.namespace };
    return (mc.resourceRules ?? []).some((r: ResourceRule) => ruleMatches(r, req))
      && !(mc.excludeResourceRules ?? []).some((r: ResourceRule) => ruleMatches(r, req))
      && selectorMatches(mc.namespaceSelector, nsLabels);
  }

  /** The `request` variable the API server binds. */
  public static requestOf(req: AdmissionReviewRequest): any {
    return {
      operation: req.operation,
      resource: req.resource,
      subResource: req.subResource ?? '',
      name: req.name ?? req.object?.metadata?.name ?? '',
      namespace: req.namespace,
      userInfo: { username: req.userInfo.username, groups: req.userInfo.groups ?? ['system:authenticated'] },
      dryRun: false,
    };
  }

  /** Review one request: selected? then which rules deny (never by an evaluation error). */
  public review(req: AdmissionReviewRequest): AdmissionReviewResult {
    if (!this.matchesRules(req)) {
      return { selected: false, denied: [], messages: [] };
    }
    const input = { object: req.object ?? null, oldObject: req.oldObject ?? null, params: this.params, request: PolicyUnderTest.requestOf(req) };
    const applies = this.harness.applies(input);
    if (applies instanceof Error) {
      throw new Error(`a match condition failed to evaluate: ${applies.message}`);
    }
    if (!applies) {
      return { selected: false, denied: [], messages: [] };
    }
    const denials = this.harness.evaluate(input).filter(o => !o.allowed);
    const broken = denials.filter(d => d.error !== undefined || d.messageError !== undefined);
    if (broken.length > 0) {
      throw new Error(`a rule or its message failed to evaluate: ${broken.map(d => d.error ?? d.messageError).join('; ')}`);
    }
    return {
      selected: true,
      denied: denials.map(d => AdmissionRules.ruleIdOf(d.message!) ?? `unnamed: ${d.message}`),
      messages: denials.map(d => d.message!),
    };
  }
}
