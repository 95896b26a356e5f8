import { checkServiceAccounts } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The ServiceAccount check: `SA_MISSING`, `SA_AUTOMOUNT`. */
export const SERVICE_ACCOUNTS_CHECK: VerifyCheck = {
  name: 'ServiceAccount',
  rules: [VerifyRule.SA_MISSING, VerifyRule.SA_AUTOMOUNT],
  needsContracts: true,
  check: checkServiceAccounts,
};
