import { checkHostnameEnforcement } from '../private/egress-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The proxy allowlist or Cilium toFQDNs allow exactly the contract's hostnames: `EGRESS_HOSTNAMES_UNENFORCED`. */
export const HOSTNAME_ENFORCEMENT_CHECK: VerifyCheck = {
  name: 'hostname enforcement',
  rules: [VerifyRule.EGRESS_HOSTNAMES_UNENFORCED],
  needsContracts: true,
  check: checkHostnameEnforcement,
};
