import { TerraformResource } from '../terraform-output';
import { VerifyRule } from '../verify-rule';
import { contractObject } from './k8s-invariants';
import { contractMounts, VerifyContext } from './verify-context';

const ROLE_TYPES = ['vault_kubernetes_auth_backend_role', 'vault_jwt_auth_backend_role'];

/**
 * Across clusters, reported by the pass of the cluster concerned (or the
 * first cluster for stack-wide findings) so each break is one finding:
 * two clusters logging in through one mount; a mount holding a fleet's
 * phase roles that no verified cluster logs in through. (Two fleets naming
 * one Vault role is `checkFleets`', for one directory too.)
 */
export function checkClusters(ctx: VerifyContext): void {
  const clusters = ctx.clusters;
  if (!clusters || ctx.cluster === undefined) {
    return; // a single directory: nothing to compare
  }
  const index = clusters.findIndex(c => c.name === ctx.cluster);
  const mine = clusters[index];
  // The first cluster logging in through each mount, indexed once over the clusters before this one.
  const firstUser = new Map<string, string>();
  for (const earlier of clusters.slice(0, index)) {
    for (const mount of contractMounts(earlier.contracts)) {
      if (!firstUser.has(mount)) {
        firstUser.set(mount, earlier.name);
      }
    }
  }
  for (const c of mine.contracts) {
    for (const mount of contractMounts([c])) {
      const earlier = firstUser.get(mount);
      if (earlier !== undefined) {
        ctx.report(VerifyRule.CLUSTER_MOUNT_SHARED, contractObject(c),
          `cluster "${mine.name}" logs agent "${c.agent}" in through Vault auth mount "${mount}", which cluster "${earlier}" logs in through too: a mount trusts one cluster's CA and issuer, so one of them cannot log in, or a token of one cluster logs in as the other`,
          'give each cluster its own mounts: declare the clusters in the AgentFleet (mounts <authMountPath>-<cluster>) and regenerate both sides');
      }
    }
  }
  if (index !== 0) {
    return;
  }
  const all = clusters.flatMap(k => k.contracts);
  const tf = ctx.terraform;
  const used = contractMounts(all);
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
}
