import { checkLeaseTtls } from '../private/vault-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The lease TTL check: `LEASE_OUTLIVES_TOKEN`. */
export const LEASE_TTLS_CHECK: VerifyCheck = {
  name: 'lease TTL',
  rules: [VerifyRule.LEASE_OUTLIVES_TOKEN],
  needsContracts: true,
  check: checkLeaseTtls,
};
