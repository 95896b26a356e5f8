import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AgentFleet, AgentVaultTrust, Domain, EngineConfig } from '../../lib';
import { customLadderFleet, LEDGER } from './fleet';

/** The Vault half: the custom ledger engine (PostgreSQL at finance/ledger) and LLM keys. */
export class LedgerVaultStack extends TerraformStack {
  public readonly trust: AgentVaultTrust;

  public constructor(scope: Construct, id: string, fleet: AgentFleet) {
    super(scope, id);
    new VaultProvider(this, 'vault', { address: fleet.vaultAddress });
    const password = new TerraformVariable(this, 'ledger_password', {
      type: 'string', sensitive: true, description: 'Password of vault_admin on the ledger database (write-only)',
    });
    this.trust = new AgentVaultTrust(this, 'AgentTrust', {
      fleet,
      kubernetesHost: 'https://kubernetes.default.svc',
      investigationIdentity: { oidcDiscoveryUrl: 'https://kubernetes.default.svc.cluster.local' },
      engines: [
        {
          domain: LEDGER,
          config: EngineConfig.postgresql({
            connectionUrl: 'postgresql://{{username}}:{{password}}@ledger-db.ledger.svc:5432/ledger?sslmode=verify-full',
            username: 'vault_admin', password, schemas: ['ledger'], verifyConnection: false,
          }),
        },
        { domain: Domain.LLM, config: EngineConfig.kvV2() },
      ],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new LedgerVaultStack(app, 'agent-trust-ledger-vault', customLadderFleet());
  app.synth();
}
