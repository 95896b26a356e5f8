import { checkSecretObjects } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Secret object check: `K8S_SECRET`. */
export const SECRET_OBJECTS_CHECK: VerifyCheck = {
  name: 'Secret object',
  rules: [VerifyRule.K8S_SECRET],
  needsContracts: false,
  check: checkSecretObjects,
};
