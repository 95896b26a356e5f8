import { checkJobDeadline } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Job deadline check: `JOB_DEADLINE`. */
export const JOB_DEADLINE_CHECK: VerifyCheck = {
  name: 'Job deadline',
  rules: [VerifyRule.JOB_DEADLINE],
  needsContracts: true,
  check: checkJobDeadline,
};
