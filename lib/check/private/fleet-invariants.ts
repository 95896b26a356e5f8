import { VerifyRule } from '../verify-rule';
import { ManifestIndex } from './manifest-index';
import { fleetsByRole, verifiedPhases, VerifyContext } from './verify-context';

/**
 * Conflicts between fleets (the verify side of `AgentFleet.checkTogether`),
 * for one output directory as for several clusters: two fleets naming one
 * Vault role, checked once over every verified cluster (by the first
 * cluster's pass); a target namespace two fleets claim in one cluster,
 * checked in each cluster's pass.
 */
export function checkFleets(ctx: VerifyContext): void {
  if (!ctx.clusters || ctx.cluster === ctx.clusters[0]?.name) {
    checkVaultNames(ctx);
  }
  checkSharedTargets(ctx);
}

/** Two fleets (agent namespaces) naming the same Vault role, and so policy, on one Vault. */
function checkVaultNames(ctx: VerifyContext): void {
  for (const [role, namespaces] of fleetsByRole(ctx.clusters ? ctx.clusters.flatMap(k => k.contracts) : ctx.contracts)) {
    if (namespaces.size > 1) {
      ctx.report(VerifyRule.VAULT_NAME_SHARED, `vault role "${role}"`,
        `is the Vault role (and policy) of the fleets in namespaces ${[...namespaces].map(n => `"${n}"`).join(', ')}: Vault keeps one policy per name, so one fleet's agents would hold the other's grants`,
        'vaultNaming: VaultNaming.fleetScoped() in every AgentFleet on this Vault, then regenerate both sides');
    }
  }
}

/**
 * A target namespace of this output (one cluster) that two fleets claim:
 * listed in the `targetNamespaces` of contracts of two agent namespaces,
 * or holding RoleBindings of two fleets' phase ServiceAccounts. Indexed
 * once (contracts' targets, then bindings by subject), one finding per
 * namespace.
 */
function checkSharedTargets(ctx: VerifyContext): void {
  const claims = new Map<string, Set<string>>();
  const claim = (ns: unknown, fleet: string): void => {
    if (typeof ns === 'string' && ns !== '') {
      claims.set(ns, (claims.get(ns) ?? new Set()).add(fleet));
    }
  };
  for (const c of ctx.contracts) {
    for (const ns of c.targetNamespaces ?? []) {
      claim(ns, c.namespace);
    }
  }
  const index = ManifestIndex.of(ctx.manifests);
  for (const row of verifiedPhases(ctx.contracts)) {
    for (const ns of index.roleBindingsByNamespace(row.serviceAccount, row.agentNamespace).keys()) {
      claim(ns, row.agentNamespace);
    }
  }
  const where = ctx.cluster !== undefined ? ` of cluster "${ctx.cluster}"` : '';
  for (const [ns, fleets] of claims) {
    if (fleets.size > 1) {
      ctx.report(VerifyRule.TARGET_NAMESPACE_SHARED, `Namespace ${ns}`,
        `target namespace "${ns}"${where} is claimed by the fleets in namespaces ${[...fleets].map(f => `"${f}"`).join(' and ')} (their contracts' targetNamespaces or their phase ServiceAccounts' RoleBindings): two teams' agents would act in one namespace, and the Roles and RoleBindings both fleets name agent-phase-<phase>.<namespace> would replace each other`,
        'give each target namespace of a cluster to one fleet (AgentFleet / AgentCluster targetNamespaces), regenerate both fleets\' output, and delete the other fleet\'s Roles and RoleBindings there');
    }
  }
}
