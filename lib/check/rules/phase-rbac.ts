import { checkPhaseRbac } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The phase RBAC check: `PHASE_RBAC_MISSING`. */
export const PHASE_RBAC_CHECK: VerifyCheck = {
  name: 'phase RBAC',
  rules: [VerifyRule.PHASE_RBAC_MISSING],
  needsContracts: true,
  check: checkPhaseRbac,
};
