import { LauncherContractDocument } from '../../model/launcher-contract';
import { TrustNames } from '../../model/trust-names';
import { objectName, VerifyContext } from '../private/verify-context';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

const PURPOSE = 'agent-trust.io/purpose';
const ENGINE_PURPOSE = 'vault-kubernetes-engine';
const LEVEL = 'agent-trust.io/level';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_KINDS = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'];
const RBAC_WRITES = ['create', 'delete', 'deletecollection', 'update', 'patch', 'escalate', 'bind'];

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Vault's namespace, from a contract's `VAULT_ADDR` (`https://<service>.<namespace>.svc…`). */
function vaultNamespaceOf(contract: LauncherContractDocument): string | undefined {
  const containers: any[] = contract.jobTemplate?.spec?.template?.spec?.containers ?? [];
  const address = String(containers.flatMap(c => (Array.isArray(c?.env) ? c.env : [])).find(e => e?.name === 'VAULT_ADDR')?.value ?? '');
  return /^https?:\/\/[^/.:]+\.([a-z0-9-]+)\.svc(\.|:|\/|$)/.exec(address)?.[1];
}

/**
 * Issue #17: Vault's Kubernetes secrets engine requests tokens for the
 * pre-created level ServiceAccounts only. Vault's identity is every
 * ServiceAccount subject of a binding the library labels for the engine
 * (not the level bindings) and every ServiceAccount of Vault's namespace;
 * each rule bound to it must not create tokens without `resourceNames`,
 * cluster-wide, or for a phase ServiceAccount or one absent from the
 * output, and must not write RBAC.
 */
function checkVaultEngineRbac(ctx: VerifyContext): void {
  const manifests = ctx.manifests.filter(m => m && typeof m === 'object');
  const vaultNamespaces = new Set(ctx.contracts.map(vaultNamespaceOf).filter((n): n is string => !!n));
  const bindings = manifests.filter(m => m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding');
  const subjectsOf = (b: any): any[] => (Array.isArray(b.subjects) ? b.subjects : [])
    .filter((s: any) => s && typeof s === 'object' && s.kind === 'ServiceAccount' && typeof s.name === 'string');
  const vaultIds = new Set<string>();
  for (const b of bindings) {
    const labels = b.metadata?.labels ?? {};
    const engine = labels[PURPOSE] === ENGINE_PURPOSE && labels[LEVEL] === undefined;
    for (const s of subjectsOf(b)) {
      const ns = s.namespace ?? b.metadata?.namespace;
      if (engine || vaultNamespaces.has(ns)) {
        vaultIds.add(`${ns}/${s.name}`);
      }
    }
  }
  const serviceAccounts = new Set(manifests.filter(m => m.kind === 'ServiceAccount')
    .map(m => `${m.metadata?.namespace}/${m.metadata?.name}`));
  const roleOf = (b: any): any => manifests.find(m => (b.roleRef?.kind === 'ClusterRole'
    ? m.kind === 'ClusterRole' && m.metadata?.name === b.roleRef?.name
    : b.kind === 'RoleBinding' && b.roleRef?.kind === 'Role' && m.kind === 'Role'
      && m.metadata?.name === b.roleRef?.name && m.metadata?.namespace === b.metadata?.namespace));
  const reported = new Set<string>();
  const report = (role: any, b: any, message: string, fix: string): void => {
    const key = `${objectName(role)}|${message}`;
    if (!reported.has(key)) {
      reported.add(key);
      ctx.report(VerifyRule.VAULT_ENGINE_RBAC, objectName(role), `${message} (bound to Vault's identity by ${objectName(b)})`, fix);
    }
  };
  for (const b of bindings) {
    const ids = subjectsOf(b).map(s => `${s.namespace ?? b.metadata?.namespace}/${s.name}`).filter(id => vaultIds.has(id));
    const role = ids.length > 0 ? roleOf(b) : undefined;
    if (!role) {
      continue;
    }
    const scope: string | undefined = b.kind === 'ClusterRoleBinding' ? undefined : b.metadata?.namespace;
    for (const rule of Array.isArray(role.rules) ? role.rules : []) {
      const groups = strings(rule?.apiGroups);
      const resources = strings(rule?.resources);
      const verbs = strings(rule?.verbs);
      const names = strings(rule?.resourceNames);
      const tokens = (groups.includes('') || groups.includes('*'))
        && resources.some(r => r === 'serviceaccounts/token' || r === '*' || r === '*/token' || r === 'serviceaccounts/*')
        && verbs.some(v => v === 'create' || v === '*');
      if (tokens) {
        if (scope === undefined) {
          report(role, b, 'lets Vault create serviceaccounts/token in every namespace (a ClusterRoleBinding)',
            'bind Vault with a RoleBinding in each target namespace only (VaultKubernetesEngineAccess)');
        } else if (names.length === 0) {
          report(role, b, `lets Vault create serviceaccounts/token for any ServiceAccount in "${scope}" (no resourceNames)`,
            'name exactly the level ServiceAccounts in resourceNames (VaultKubernetesEngineAccess renders them)');
        } else {
          const bad = names.filter(n => n.startsWith(TrustNames.PHASE_PREFIX) || !serviceAccounts.has(`${scope}/${n}`));
          if (bad.length > 0) {
            report(role, b, `lets Vault create tokens for ${bad.map(n => JSON.stringify(n)).join(', ')} in "${scope}", `
              + 'a phase ServiceAccount or one the output does not create',
            'list only the level ServiceAccounts VaultKubernetesEngineAccess renders in that namespace');
          }
        }
      }
      const rbacWrite = (groups.includes(RBAC_GROUP) || groups.includes('*'))
        && resources.some(r => RBAC_KINDS.includes(r) || r === '*')
        && verbs.some(v => RBAC_WRITES.includes(v) || v === '*');
      if (rbacWrite) {
        const what = verbs.filter(v => RBAC_WRITES.includes(v) || v === '*').join('/');
        report(role, b, `lets Vault ${what} ${resources.filter(r => RBAC_KINDS.includes(r) || r === '*').join(', ')}${scope ? ` in "${scope}"` : ' cluster-wide'}`,
          'remove the rule: Vault requests tokens for pre-created ServiceAccounts (service_account_name) and writes no RBAC');
      }
    }
  }
}

/** Vault's own RBAC for the Kubernetes secrets engine: `VAULT_ENGINE_RBAC`. */
export const VAULT_ENGINE_RBAC_CHECK: VerifyCheck = {
  name: 'Vault engine RBAC',
  rules: [VerifyRule.VAULT_ENGINE_RBAC],
  needsContracts: false,
  check: checkVaultEngineRbac,
};
