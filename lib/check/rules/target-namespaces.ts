import { checkTargetNamespaces } from '../private/target-namespace-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** No target namespace is a system, Vault or shared-infrastructure namespace: `TARGET_NAMESPACE_PROTECTED`. */
export const TARGET_NAMESPACES_CHECK: VerifyCheck = {
  name: 'target namespace',
  rules: [VerifyRule.TARGET_NAMESPACE_PROTECTED],
  needsContracts: true,
  check: checkTargetNamespaces,
};
