import { AdmissionGuard } from '../../model/admission-guard';
import { AdmissionRules } from '../../model/admission-rules';
import { JobContractAdmissionRules } from '../../model/job-contract-admission-rules';
import { ParamsAdmissionRules } from '../../model/params-admission-rules';
import { VerifyRule } from '../verify-rule';
import { ADMISSION_VERSIONS, covers } from './admission-match';
import { checkGuard } from './guard-invariants';
import { objectName, show, VerifyContext } from './verify-context';

/** The bound-or-not ValidatingAdmissionPolicies that check Job CREATEs in `namespace`. */
function jobPoliciesIn(ctx: VerifyContext, namespace: string): any[] {
  return ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy' && ADMISSION_VERSIONS.includes(m.apiVersion)
    && covers(m, namespace, { group: 'batch', resource: 'jobs', operation: 'CREATE' }));
}

/**
 * Issue #17 item 4: a bound policy admits writes to the ceilings and
 * launcher-contract ConfigMaps only from the promotion identity.
 */
export function checkParamsGuard(ctx: VerifyContext): void {
  for (const namespace of [...new Set(ctx.contracts.map(c => c.namespace))]) {
    const jobPolicies = jobPoliciesIn(ctx, namespace);
    if (jobPolicies.length === 0) {
      continue; // admission-missing already says so
    }
    const off = jobPolicies.map(p => p.metadata?.annotations?.[AdmissionGuard.annotationKey(AdmissionGuard.PARAMS)])
      .find(r => typeof r === 'string');
    checkGuard(ctx, namespace, VerifyRule.PARAMS_GUARD_MISSING,
      (['UPDATE', 'DELETE', 'CREATE'] as const).map(operation => ({ group: '', resource: 'configmaps', operation })),
      [ParamsAdmissionRules.WRITTEN_BY_PROMOTION_IDENTITY],
      'anyone with edit in the agent namespace can raise a ceiling, swap an agent\'s image or rewrite a launcher contract',
      off);
  }
}

/**
 * Issue #17 item 1: the Job policy compares each Job with its agent's
 * launcher contract (the image and the command rules at least).
 */
export function checkJobContractGuard(ctx: VerifyContext): void {
  const required = [JobContractAdmissionRules.IMAGE_MATCHES_AGENT, JobContractAdmissionRules.COMMAND_FROM_CONTRACT,
    JobContractAdmissionRules.VOLUMES_MATCH_CONTRACT, JobContractAdmissionRules.ENV_FROM_CONTRACT];
  for (const namespace of [...new Set(ctx.contracts.map(c => c.namespace))]) {
    const jobPolicies = jobPoliciesIn(ctx, namespace);
    if (jobPolicies.length === 0) {
      continue; // admission-missing already says so
    }
    const ids = (p: any): string[] => (p?.spec?.validations ?? []).map((v: any) => AdmissionRules.ruleIdOf(String(v?.message ?? '')));
    if (jobPolicies.some(p => required.every(id => ids(p).includes(id)))) {
      continue;
    }
    const off = jobPolicies.map(p => p.metadata?.annotations?.[AdmissionGuard.annotationKey(AdmissionGuard.JOB_CONTRACT)])
      .find(r => typeof r === 'string');
    ctx.report(VerifyRule.JOB_CONTRACT_GUARD_MISSING, objectName(jobPolicies[0]),
      `lacks the rule(s) ${required.filter(id => !jobPolicies.some(p => ids(p).includes(id))).join(', ')}`
      + `${off !== undefined ? ` (turned off on purpose: ${show(off)})` : ''}: a launcher can run another agent's image, `
      + 'a command override, a Secret volume or env under an agent\'s label and phase',
      'emit them: TrustPhaseAdmission does by default (turning them off takes disabledGuards with a reason)');
  }
}
