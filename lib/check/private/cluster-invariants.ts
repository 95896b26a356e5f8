import { LauncherContractDocument } from '../../model/launcher-contract';
import { TerraformResource } from '../terraform-output';
import { VerifyRule } from '../verify-rule';
import { contractObject } from './k8s-invariants';
import { VerifyContext } from './verify-context';

const ROLE_TYPES = ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role'];

/** The auth mounts a contract logs in through (Kubernetes, and JWT with per-investigation identity). */
function mountsOf(c: LauncherContractDocument): string[] {
  return [...new Set(c.phases.flatMap(p => [p.vaultAuthMount, ...(p.vaultJwtAuthMount ? [p.vaultJwtAuthMount] : [])]))];
}

/**
 * Across clusters, reported by the pass of the cluster concerned (or the
 * first cluster for stack-wide findings) so each break is one finding:
 * two clusters logging in through one mount; a mount holding a fleet's
 * phase roles that no verified cluster logs in through; two fleets naming
 * the same Vault role.
 */
export function checkClusters(ctx: VerifyContext): void {
  const clusters = ctx.clusters;
  if (!clusters || ctx.cluster === undefined) {
    return; // a single directory: nothing to compare
  }
  const index = clusters.findIndex(c => c.name === ctx.cluster);
  const mine = clusters[index];
  for (const c of mine.contracts) {
    for (const mount of mountsOf(c)) {
      const earlier = clusters.slice(0, index).find(o => o.contracts.some(x => mountsOf(x).includes(mount)));
      if (earlier) {
        ctx.report(VerifyRule.CLUSTER_MOUNT_SHARED, contractObject(c),
          `cluster "${mine.name}" logs agent "${c.agent}" in through Vault auth mount "${mount}", which cluster "${earlier.name}" logs in through too: a mount trusts one cluster's CA and issuer, so one of them cannot log in, or a token of one cluster logs in as the other`,
          'give each cluster its own mounts: declare the clusters in the AgentFleet (mounts <authMountPath>-<cluster>) and regenerate both sides');
      }
    }
  }
  if (index !== 0) {
    return;
  }
  const all = clusters.flatMap(k => k.contracts);
  const tf = ctx.terraform;
  const used = new Set(all.flatMap(mountsOf));
  const roleNames = new Set(all.flatMap(c => c.phases.map(p => p.vaultRole)));
  const mountOf = (r: TerraformResource): string => String(tf.resolve(r.attributes.backend, r.stack));
  const byMount = new Map<string, TerraformResource[]>();
  for (const r of ROLE_TYPES.flatMap(t => tf.resourcesOfType(t))) {
    if (roleNames.has(String(tf.resolve(r.attributes.role_name, r.stack)))) {
      byMount.set(mountOf(r), [...(byMount.get(mountOf(r)) ?? []), r]);
    }
  }
  for (const [mount, roles] of byMount) {
    if (!used.has(mount)) {
      ctx.report(VerifyRule.CLUSTER_MISSING, `auth mount "${mount}"`,
        `holds the phase role(s) ${roles.map(r => `"${tf.resolve(r.attributes.role_name, r.stack)}"`).join(', ')} but no contract of the verified clusters (${clusters.map(k => k.name).join(', ')}) logs in through it: its cluster's directory is missing from this verification, or the mount is stale`,
        'verify every cluster directory (--clusters <dir> or one --cluster <name>=<dir> per cluster), or remove the mount from the fleet');
    }
  }
  const fleetsByRole = new Map<string, Set<string>>();
  for (const c of all) {
    for (const p of c.phases) {
      fleetsByRole.set(p.vaultRole, (fleetsByRole.get(p.vaultRole) ?? new Set()).add(c.namespace));
    }
  }
  for (const [role, namespaces] of fleetsByRole) {
    if (namespaces.size > 1) {
      ctx.report(VerifyRule.VAULT_NAME_SHARED, `vault role "${role}"`,
        `is the Vault role (and policy) of the fleets in namespaces ${[...namespaces].map(n => `"${n}"`).join(', ')}: Vault keeps one policy per name, so one fleet's agents would hold the other's grants`,
        'vaultNaming: VaultNaming.fleetScoped() in every AgentFleet on this Vault, then regenerate both sides');
    }
  }
}
