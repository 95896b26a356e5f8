import { checkVaultRoles } from '../private/vault-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Vault role check: `VAULT_ROLE_MISSING`, `SA_VAULT_BINDING`, `VAULT_AUTH_MOUNT`, `TOKEN_AUDIENCE`, `TOKEN_DEFAULT_POLICY`, `TOKEN_POLICIES`, `TOKEN_TTL_BOUND`, `TTL_TOO_SHORT`. */
export const VAULT_ROLES_CHECK: VerifyCheck = {
  name: 'Vault role',
  rules: [VerifyRule.VAULT_ROLE_MISSING, VerifyRule.SA_VAULT_BINDING, VerifyRule.VAULT_AUTH_MOUNT, VerifyRule.TOKEN_AUDIENCE, VerifyRule.TOKEN_DEFAULT_POLICY, VerifyRule.TOKEN_POLICIES, VerifyRule.TOKEN_TTL_BOUND, VerifyRule.TTL_TOO_SHORT],
  needsContracts: true,
  check: checkVaultRoles,
};
