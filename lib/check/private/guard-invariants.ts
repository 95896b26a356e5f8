import { AccessAdmissionRules } from '../../model/access-admission-rules';
import { AdmissionGuard } from '../../model/admission-guard';
import { AdmissionRules } from '../../model/admission-rules';
import { PodAdmissionRules } from '../../model/pod-admission-rules';
import { VerifyRule } from '../verify-rule';
import { ADMISSION_VERSIONS, covers, Covered } from './admission-match';
import { objectName, show, VerifyContext } from './verify-context';

/** The Pod rules without which a phase identity is reachable outside an investigation. */
const REQUIRED_POD_RULES = [PodAdmissionRules.CREATED_BY_JOB_CONTROLLER, PodAdmissionRules.CONTROLLED_BY_INVESTIGATION_JOB,
  AdmissionRules.SERVICE_ACCOUNT_MATCHES_PHASE, PodAdmissionRules.CONTAINERS_MATCH_CONTRACT, PodAdmissionRules.VOLUMES_MATCH_CONTRACT,
  PodAdmissionRules.NO_EPHEMERAL_CONTAINERS];

function ruleIds(policy: any): string[] {
  return (policy?.spec?.validations ?? []).map((v: any) => AdmissionRules.ruleIdOf(String(v?.message ?? ''))).filter((x: unknown) => x);
}

/**
 * The policies bound with Deny that cover every one of `what` in `namespace`;
 * reports when none covers the first (the guard is missing), when some
 * request kind is left out, or when the guard's rules are missing.
 */
export function checkGuard(ctx: VerifyContext, namespace: string, rule: VerifyRule, what: Covered[],
  required: string[], risk: string, off: string | undefined): void {
  const where = `Namespace ${namespace}`;
  const why = off !== undefined ? ` (turned off on purpose: ${show(off)})` : '';
  const fix = 'emit it: TrustPhaseAdmission does by default (turning it off takes disabledGuards with a reason)';
  const policies = ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy' && ADMISSION_VERSIONS.includes(m.apiVersion)
    && covers(m, namespace, what[0]) && required.every(id => ruleIds(m).includes(id))
    && ctx.manifests.some(b => b.kind === 'ValidatingAdmissionPolicyBinding' && ADMISSION_VERSIONS.includes(b.apiVersion)
      && b.spec?.policyName === m.metadata?.name));
  if (policies.length === 0) {
    const partial = ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy' && covers(m, namespace, what[0]));
    const detail = partial.length === 0
      ? `no bound ValidatingAdmissionPolicy checks ${what[0].operation} ${what[0].resource} in namespace "${namespace}"`
      : `${partial.map(objectName).join(', ')} ${partial.length === 1 ? 'lacks' : 'lack'} a binding or the rule(s) ${required.join(', ')}`;
    ctx.report(rule, partial.length === 0 ? where : objectName(partial[0]), `${detail}${why}: ${risk}`, fix);
    return;
  }
  for (const policy of policies) {
    const bindings = ctx.manifests.filter(b => b.kind === 'ValidatingAdmissionPolicyBinding' && b.spec?.policyName === policy.metadata?.name);
    if (!bindings.some(b => (b.spec?.validationActions ?? []).includes('Deny'))) {
      ctx.report(VerifyRule.ADMISSION_NOT_ENFORCED, objectName(bindings[0]),
        `validationActions is ${show(bindings[0].spec?.validationActions)}: violations are not denied`,
        'use AdmissionEnforcement.DENY (the default) once the rules are proven');
    }
    if (policy.spec?.failurePolicy === 'Ignore') {
      ctx.report(VerifyRule.ADMISSION_NOT_ENFORCED, objectName(policy), 'failurePolicy is "Ignore": a rule error admits the request',
        'use AdmissionFailurePolicy.FAIL (the default)');
    }
  }
  for (const w of what.slice(1)) {
    if (!policies.some(p => covers(p, namespace, w))) {
      ctx.report(rule, objectName(policies[0]), `does not match ${w.operation} ${w.resource}${why}: ${risk}`,
        `add ${w.resource} (${w.operation}) to matchConstraints.resourceRules`);
    }
  }
}

/**
 * The guards that keep a phase identity inside admitted investigations:
 * the Pod policy (incl. pods/ephemeralcontainers), the Job creator rule, the
 * token-request policy and the exec/attach/port-forward policy. A guard
 * turned off in code shows up here as missing, with the recorded reason.
 */
export function checkAdmissionGuards(ctx: VerifyContext): void {
  for (const namespace of [...new Set(ctx.contracts.map(c => c.namespace))]) {
    const jobPolicies = ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy' && ADMISSION_VERSIONS.includes(m.apiVersion)
      && covers(m, namespace, { group: 'batch', resource: 'jobs', operation: 'CREATE' }));
    if (jobPolicies.length === 0) {
      continue; // admission-missing already says so
    }
    const reasonOf = (g: AdmissionGuard): string | undefined => jobPolicies
      .map(p => p.metadata?.annotations?.[AdmissionGuard.annotationKey(g)]).find(r => typeof r === 'string');

    const creatorOff = reasonOf(AdmissionGuard.JOB_CREATOR);
    if (!jobPolicies.some(p => ruleIds(p).includes(AdmissionRules.JOB_CREATED_BY_LAUNCHER))) {
      ctx.report(VerifyRule.CREATOR_GUARD_MISSING, objectName(jobPolicies[0]),
        `lacks the validation ${AdmissionRules.JOB_CREATED_BY_LAUNCHER}${creatorOff !== undefined ? ` (turned off on purpose: ${show(creatorOff)})` : ''}: `
        + 'any identity with create on jobs (a user, a CronJob, another controller) can start an investigation',
        'emit it: TrustPhaseAdmission does by default (turning it off takes disabledGuards with a reason)');
    }
    checkGuard(ctx, namespace, VerifyRule.POD_GUARD_MISSING, [
      { group: '', resource: 'pods', operation: 'CREATE' },
      { group: '', resource: 'pods', operation: 'UPDATE' },
      { group: '', resource: 'pods/ephemeralcontainers', operation: 'UPDATE' },
    ], REQUIRED_POD_RULES,
    'anyone who can create or change a Pod there can run any image as an agent-phase-* ServiceAccount and log in to Vault',
    reasonOf(AdmissionGuard.POD));
    checkGuard(ctx, namespace, VerifyRule.TOKEN_GUARD_MISSING, [
      { group: '', resource: 'serviceaccounts/token', operation: 'CREATE' },
    ], [AccessAdmissionRules.TOKEN_BOUND_BY_KUBELET],
    'kubectl create token agent-phase-<phase> mints a Vault login for whoever may create serviceaccounts/token',
    reasonOf(AdmissionGuard.TOKEN_REQUEST));
    checkGuard(ctx, namespace, VerifyRule.CONNECT_GUARD_MISSING,
      AccessAdmissionRules.CONNECT_SUBRESOURCES.map(resource => ({ group: '', resource, operation: 'CONNECT' })),
      [AccessAdmissionRules.NO_CONNECT],
      'whoever may exec, attach, port-forward or proxy into an investigation Pod uses its phase\'s token and credentials',
      reasonOf(AdmissionGuard.POD_CONNECT));
  }
}
