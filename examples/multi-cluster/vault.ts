import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AgentFleet, AgentVaultTrust, Domain, EngineConfig } from '../../lib';
import { multiClusterFleets } from './fleet';

/**
 * One Vault for both teams and all three clusters: per team its policies
 * and engines, per team and cluster a Kubernetes and a JWT auth mount
 * trusting only that cluster. The audit devices are created once.
 */
export class MultiClusterVaultStack extends TerraformStack {
  public readonly trusts: AgentVaultTrust[];

  public constructor(scope: Construct, id: string, fleets: AgentFleet[]) {
    super(scope, id);
    new VaultProvider(this, 'vault', { address: fleets[0].vaultAddress });
    this.trusts = fleets.map((fleet, i) => {
      const prefix = fleet.vaultPrefix!;
      const engines = fleet.domains.map(d => d.domain.name === Domain.DATABASE.name
        ? {
          domain: Domain.DATABASE,
          config: EngineConfig.postgresql({
            connectionUrl: `postgresql://{{username}}:{{password}}@postgres.${prefix}.example.com:5432/${prefix}`,
            username: 'vault_admin',
            password: new TerraformVariable(this, `${prefix}_db_password`, {
              type: 'string', sensitive: true, description: `Password of ${prefix}'s vault_admin PostgreSQL user (write-only)`,
            }),
          }),
        }
        : { domain: d.domain, config: EngineConfig.kvV2() });
      return new AgentVaultTrust(this, `Team-${prefix}`, {
        fleet,
        engines,
        // Vault runs outside the clusters: each cluster's TokenReview JWT is a sensitive variable.
        clusterTokenReviewers: fleet.clusters.map(c => ({
          cluster: c.name,
          tokenReviewerJwt: new TerraformVariable(this, `${prefix}_${c.name.replace(/-/g, '_')}_token_reviewer_jwt`, {
            type: 'string', sensitive: true, description: `TokenReview JWT of cluster ${c.name} for team ${prefix}`,
          }),
        })),
        manageAuditDevices: i === 0,
      });
    });
  }
}

/** The app as `cdktf synth` runs it. */
export function synth(): void {
  const app = new App();
  new MultiClusterVaultStack(app, 'agent-trust-multi-cluster-vault', multiClusterFleets());
  app.synth();
}

if (require.main === module) {
  synth();
}
