import { checkAdmissionGuards } from '../private/guard-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The admission guard check: `POD_GUARD_MISSING`, `CREATOR_GUARD_MISSING`, `TOKEN_GUARD_MISSING`, `CONNECT_GUARD_MISSING`. */
export const ADMISSION_GUARDS_CHECK: VerifyCheck = {
  name: 'admission guard',
  rules: [VerifyRule.POD_GUARD_MISSING, VerifyRule.CREATOR_GUARD_MISSING, VerifyRule.TOKEN_GUARD_MISSING, VerifyRule.CONNECT_GUARD_MISSING],
  needsContracts: true,
  check: checkAdmissionGuards,
};
