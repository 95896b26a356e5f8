import { checkJobContractGuard } from '../private/params-guard-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Job policy compares each Job with its agent's contract: `JOB_CONTRACT_GUARD_MISSING`. */
export const JOB_CONTRACT_GUARD_CHECK: VerifyCheck = {
  name: 'Job contract guard',
  rules: [VerifyRule.JOB_CONTRACT_GUARD_MISSING],
  needsContracts: true,
  check: checkJobContractGuard,
};
