import { checkFleets } from '../private/fleet-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** Conflicts between fleets in one output or across clusters: `VAULT_NAME_SHARED`, `TARGET_NAMESPACE_SHARED`. */
export const FLEETS_CHECK: VerifyCheck = {
  name: 'fleets',
  rules: [VerifyRule.VAULT_NAME_SHARED, VerifyRule.TARGET_NAMESPACE_SHARED],
  needsContracts: true,
  check: checkFleets,
};
