import { checkAdmission } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The admission check: `ADMISSION_MISSING`, `ADMISSION_CEILING`, `ADMISSION_NOT_ENFORCED`. */
export const ADMISSION_CHECK: VerifyCheck = {
  name: 'admission',
  rules: [VerifyRule.ADMISSION_MISSING, VerifyRule.ADMISSION_CEILING, VerifyRule.ADMISSION_NOT_ENFORCED],
  needsContracts: true,
  check: checkAdmission,
};
