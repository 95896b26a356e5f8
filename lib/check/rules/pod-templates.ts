import { checkPodTemplates } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The pod template check: `POD_SECURITY`, `POD_AUTOMOUNT`. */
export const POD_TEMPLATES_CHECK: VerifyCheck = {
  name: 'pod template',
  rules: [VerifyRule.POD_SECURITY, VerifyRule.POD_AUTOMOUNT],
  needsContracts: false,
  check: checkPodTemplates,
};
