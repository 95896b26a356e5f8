import { checkManifestSecrets } from '../private/secret-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The manifest secret check: `SECRET_PATTERN`. */
export const MANIFEST_SECRETS_CHECK: VerifyCheck = {
  name: 'manifest secret',
  rules: [VerifyRule.SECRET_PATTERN],
  needsContracts: false,
  check: checkManifestSecrets,
};
