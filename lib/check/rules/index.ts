import { ADMISSION_CHECK } from './admission';
import { ADMISSION_GUARDS_CHECK } from './admission-guards';
import { CLUSTERS_CHECK } from './clusters';
import { EGRESS_BREADTH_CHECK } from './egress-breadth';
import { FLEETS_CHECK } from './fleets';
import { HOSTNAME_ENFORCEMENT_CHECK } from './hostname-enforcement';
import { IDENTITIES_ABOVE_CEILING_CHECK } from './identities-above-ceiling';
import { JOB_CONTRACT_GUARD_CHECK } from './job-contract-guard';
import { JOB_DEADLINE_CHECK } from './job-deadline';
import { KUBERNETES_API_ACCESS_CHECK } from './kubernetes-api-access';
import { KUBERNETES_MONOTONIC_CHECK } from './kubernetes-monotonic';
import { LEASE_TTLS_CHECK } from './lease-ttls';
import { MANIFEST_SECRETS_CHECK } from './manifest-secrets';
import { NETWORK_POLICIES_CHECK } from './network-policies';
import { PARAMS_GUARD_CHECK } from './params-guard';
import { PHASE_RBAC_CHECK } from './phase-rbac';
import { POD_TEMPLATES_CHECK } from './pod-templates';
import { RBAC_DENYLIST_CHECK } from './rbac-denylist';
import { SECRET_OBJECTS_CHECK } from './secret-objects';
import { SERVICE_ACCOUNTS_CHECK } from './service-accounts';
import { TARGET_NAMESPACES_CHECK } from './target-namespaces';
import { TERRAFORM_SECRETS_CHECK } from './terraform-secrets';
import { TOKEN_DUTIES_CHECK } from './token-duties';
import { VAULT_POLICIES_CHECK } from './vault-policies';
import { VAULT_ENGINE_RBAC_CHECK } from './vault-engine-rbac';
import { VAULT_ROLES_CHECK } from './vault-roles';
import { VAULT_TTLS_CHECK } from './vault-ttls';
import { VerifyCheck } from './verify-check';

/**
 * Every check the verifier runs, in order. Adding a rule: a `VerifyRule`
 * constant, a file in this folder exporting its `VerifyCheck`, and one line
 * here (see docs/design.md, "a verifier rule").
 */
export const VERIFY_CHECKS: VerifyCheck[] = [
  SERVICE_ACCOUNTS_CHECK,
  VAULT_ROLES_CHECK,
  JOB_DEADLINE_CHECK,
  VAULT_TTLS_CHECK,
  TOKEN_DUTIES_CHECK,
  LEASE_TTLS_CHECK,
  ADMISSION_CHECK,
  ADMISSION_GUARDS_CHECK,
  KUBERNETES_MONOTONIC_CHECK,
  NETWORK_POLICIES_CHECK,
  EGRESS_BREADTH_CHECK,
  HOSTNAME_ENFORCEMENT_CHECK,
  PHASE_RBAC_CHECK,
  KUBERNETES_API_ACCESS_CHECK,
  RBAC_DENYLIST_CHECK,
  IDENTITIES_ABOVE_CEILING_CHECK,
  TARGET_NAMESPACES_CHECK,
  VAULT_ENGINE_RBAC_CHECK,
  PARAMS_GUARD_CHECK,
  JOB_CONTRACT_GUARD_CHECK,
  VAULT_POLICIES_CHECK,
  POD_TEMPLATES_CHECK,
  SECRET_OBJECTS_CHECK,
  TERRAFORM_SECRETS_CHECK,
  MANIFEST_SECRETS_CHECK,
  FLEETS_CHECK,
  CLUSTERS_CHECK,
];
