import { checkParamsGuard } from '../private/params-guard-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The ceilings and contract ConfigMaps are guarded by the params policy: `PARAMS_GUARD_MISSING`. */
export const PARAMS_GUARD_CHECK: VerifyCheck = {
  name: 'params guard',
  rules: [VerifyRule.PARAMS_GUARD_MISSING],
  needsContracts: true,
  check: checkParamsGuard,
};
