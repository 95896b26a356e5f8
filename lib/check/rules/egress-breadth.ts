import { checkEgressBreadth } from '../private/egress-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** Egress breadth below the top phase: `EGRESS_INTERNET_WIDE`, `EGRESS_DNS_WIDE`. */
export const EGRESS_BREADTH_CHECK: VerifyCheck = {
  name: 'egress breadth',
  rules: [VerifyRule.EGRESS_INTERNET_WIDE, VerifyRule.EGRESS_DNS_WIDE],
  needsContracts: true,
  check: checkEgressBreadth,
};
