import { checkNetworkPolicies } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The NetworkPolicy check: `EGRESS_POLICY_MISSING`, `EGRESS_NOT_DENIED`, `EGRESS_METADATA`, `INGRESS_NOT_DENIED`. */
export const NETWORK_POLICIES_CHECK: VerifyCheck = {
  name: 'NetworkPolicy',
  rules: [VerifyRule.EGRESS_POLICY_MISSING, VerifyRule.EGRESS_NOT_DENIED, VerifyRule.EGRESS_METADATA, VerifyRule.INGRESS_NOT_DENIED],
  needsContracts: true,
  check: checkNetworkPolicies,
};
