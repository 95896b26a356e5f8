import { checkTerraformSecrets } from '../private/secret-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The Terraform secret check: `TF_SECRET_LITERAL`, `TF_VARIABLE`. */
export const TERRAFORM_SECRETS_CHECK: VerifyCheck = {
  name: 'Terraform secret',
  rules: [VerifyRule.TF_SECRET_LITERAL, VerifyRule.TF_VARIABLE],
  needsContracts: false,
  check: checkTerraformSecrets,
};
