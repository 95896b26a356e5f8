import { checkTokenDuties } from '../private/vault-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The token duty check: `TOKEN_RENEWAL`, `TOKEN_REVOKE`. */
export const TOKEN_DUTIES_CHECK: VerifyCheck = {
  name: 'token duty',
  rules: [VerifyRule.TOKEN_RENEWAL, VerifyRule.TOKEN_REVOKE],
  needsContracts: true,
  check: checkTokenDuties,
};
