import { checkRbacDenylist } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The RBAC denylist check: `RBAC_DENYLIST`. */
export const RBAC_DENYLIST_CHECK: VerifyCheck = {
  name: 'RBAC denylist',
  rules: [VerifyRule.RBAC_DENYLIST],
  needsContracts: true,
  check: checkRbacDenylist,
};
