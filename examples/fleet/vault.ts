import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AgentFleet, AgentVaultTrust, Domain, EngineConfig } from '../../lib';
import { fleetOfThree } from './fleet';

/** The Vault half: one auth mount, three engines, one policy per phase, shared by the three agents. */
export class FleetVaultStack extends TerraformStack {
  public readonly trust: AgentVaultTrust;

  public constructor(scope: Construct, id: string, fleet: AgentFleet) {
    super(scope, id);
    new VaultProvider(this, 'vault', { address: fleet.vaultAddress });
    const mysqlPassword = new TerraformVariable(this, 'mysql_password', {
      type: 'string', sensitive: true, description: 'Password of the vault_admin MySQL user (write-only)',
    });
    this.trust = new AgentVaultTrust(this, 'AgentTrust', {
      fleet,
      kubernetesHost: 'https://kubernetes.default.svc',
      engines: [
        {
          domain: Domain.DATABASE,
          config: EngineConfig.mysql({
            connectionUrl: '{{username}}:{{password}}@tcp(mysql.payments.svc:3306)/',
            username: 'vault_admin',
            password: mysqlPassword,
            databases: ['payments', 'checkout'],
            verifyConnection: false,
          }),
        },
        { domain: Domain.APPLICATION, config: EngineConfig.kubernetes({ kubernetesHost: 'https://kubernetes.default.svc' }) },
        { domain: Domain.LLM, config: EngineConfig.kvV2() },
      ],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new FleetVaultStack(app, 'agent-trust-fleet-vault', fleetOfThree());
  app.synth();
}
