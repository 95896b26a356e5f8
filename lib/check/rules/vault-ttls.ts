import { checkTtls } from '../private/vault-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The TTL check: `TTL_TOO_LONG`. */
export const VAULT_TTLS_CHECK: VerifyCheck = {
  name: 'TTL',
  rules: [VerifyRule.TTL_TOO_LONG],
  needsContracts: true,
  check: checkTtls,
};
