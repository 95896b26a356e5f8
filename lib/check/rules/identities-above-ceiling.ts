import { LauncherContractDocument } from '../../model/launcher-contract';
import { phasePolicies } from '../private/k8s-invariants';
import { ManifestIndex } from '../private/manifest-index';
import { JWT_ROLE, K8S_ROLE, VaultRoleIndex } from '../private/vault-role-index';
import { VerifyContext } from '../private/verify-context';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/**
 * What of a phase's identity is in the output: its ServiceAccount, the
 * namespaces its RoleBindings are in, its NetworkPolicies, its Vault role.
 */
function identitiesOf(ctx: VerifyContext, index: ManifestIndex, roles: VaultRoleIndex,
  c: LauncherContractDocument, phase: LauncherContractDocument['phases'][number]): string[] {
  const out: string[] = [];
  if (index.find('ServiceAccount', c.namespace, phase.serviceAccount)) {
    out.push(`ServiceAccount ${c.namespace}/${phase.serviceAccount}`);
  }
  const bound = index.roleBindingsByNamespace(phase.serviceAccount, c.namespace).size;
  if (bound > 0) {
    out.push(`RoleBindings in ${bound} namespace(s)`);
  }
  const policies = phasePolicies(ctx.manifests, c.namespace, phase.name);
  if (policies.length > 0) {
    out.push(`NetworkPolicy ${policies.map(p => p.metadata?.name).join(', ')}`);
  }
  // On the mounts the phase logs in through, as every Vault check matches roles.
  const mounts = [[K8S_ROLE, phase.vaultAuthMount], ...(phase.vaultJwtAuthMount ? [[JWT_ROLE, phase.vaultJwtAuthMount]] : [])];
  if (mounts.some(([type, mount]) => roles.on(type, mount, phase.vaultRole).length > 0)) {
    out.push(`Vault role ${phase.vaultRole}`);
  }
  return out;
}

/**
 * Issue #17: a fleet renders the identities of phases above the highest
 * ceiling of its agents only with `renderAllPhases` (a documented
 * loosening): credentials of a phase no agent may run in exist, and a
 * reviewer should see that. The verifier keeps such a phase in its checks
 * (`renderedContracts`); this reports it, once per fleet and phase.
 */
export function checkIdentitiesAboveCeiling(ctx: VerifyContext): void {
  const highest = new Map<string, number>();
  for (const c of ctx.contracts) {
    highest.set(c.namespace, Math.max(highest.get(c.namespace) ?? -1, c.phases.findIndex(p => p.name === c.ceiling)));
  }
  const index = ManifestIndex.of(ctx.manifests);
  const roles = VaultRoleIndex.of(ctx);
  const reported = new Set<string>();
  for (const c of ctx.contracts) {
    const top = highest.get(c.namespace)!;
    if (top < 0) {
      continue; // a ceiling outside the ladder is contract-invalid's business
    }
    c.phases.forEach((phase, i) => {
      const key = `${c.namespace}|${phase.name}`;
      if (i <= top || reported.has(key)) {
        return;
      }
      reported.add(key);
      const found = identitiesOf(ctx, index, roles, c, phase);
      if (found.length === 0) {
        return; // kept in the checks only because a higher phase has identities
      }
      ctx.report(VerifyRule.IDENTITIES_ABOVE_CEILING, `Namespace ${c.namespace} phase ${phase.name}`,
        `no agent's ceiling reaches phase "${phase.name}" (the highest is "${c.phases[top].name}"), but the phase's identities are in the output`
          + ` (${found.join('; ')}): credentials of a phase no agent may run in`,
        'leave renderAllPhases off so identities stop at the highest ceiling (AgentFleet.renderedPhases), or raise an agent\'s ceiling if the phase is meant to be used');
    });
  }
}

/** Phases above every ceiling whose identities are rendered: `IDENTITIES_ABOVE_CEILING`. */
export const IDENTITIES_ABOVE_CEILING_CHECK: VerifyCheck = {
  name: 'identities above the ceiling',
  rules: [VerifyRule.IDENTITIES_ABOVE_CEILING],
  needsContracts: true,
  check: checkIdentitiesAboveCeiling,
};
