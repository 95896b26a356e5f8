import { AdmissionGuard } from '../../model/admission-guard';
import { ParamsAdmissionRules } from '../../model/params-admission-rules';
import { VerifyRule } from '../verify-rule';
import { ADMISSION_VERSIONS, covers } from './admission-match';
import { checkGuard } from './guard-invariants';
import { VerifyContext } from './verify-context';

/**
 * Issue #17 item 4: a bound policy admits writes to the ceilings and
 * launcher-contract ConfigMaps only from the promotion identity.
 */
export function checkParamsGuard(ctx: VerifyContext): void {
  for (const namespace of [...new Set(ctx.contracts.map(c => c.namespace))]) {
    const jobPolicies = ctx.manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy' && ADMISSION_VERSIONS.includes(m.apiVersion)
      && covers(m, namespace, { group: 'batch', resource: 'jobs', operation: 'CREATE' }));
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
