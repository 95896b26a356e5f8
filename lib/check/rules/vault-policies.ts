import { checkPolicies } from '../private/vault-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Vault policy check: `VAULT_POLICY_MISSING`, `VAULT_POLICY_UNVERIFIABLE`, `VAULT_POLICY_UNDECLARED`, `VAULT_POLICY_SYSTEM`, `VAULT_POLICY_GLOB`, `VAULT_POLICY_SUDO`, `MONOTONIC_VAULT`. */
export const VAULT_POLICIES_CHECK: VerifyCheck = {
  name: 'Vault policy',
  rules: [VerifyRule.VAULT_POLICY_MISSING, VerifyRule.VAULT_POLICY_UNVERIFIABLE, VerifyRule.VAULT_POLICY_UNDECLARED, VerifyRule.VAULT_POLICY_SYSTEM, VerifyRule.VAULT_POLICY_GLOB, VerifyRule.VAULT_POLICY_SUDO, VerifyRule.MONOTONIC_VAULT],
  needsContracts: false,
  check: checkPolicies,
};
