import { checkKubernetesMonotonic } from '../private/k8s-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Kubernetes monotonicity check: `MONOTONIC_K8S`. */
export const KUBERNETES_MONOTONIC_CHECK: VerifyCheck = {
  name: 'Kubernetes monotonicity',
  rules: [VerifyRule.MONOTONIC_K8S],
  needsContracts: true,
  check: checkKubernetesMonotonic,
};
