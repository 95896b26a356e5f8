import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import {
  AgentVaultAuth, AgentVaultTrust, Domain, EngineConfig, TrustPhasePolicy, VaultAuditDevices, VaultDomainSecretEngine,
} from 'cdk-agent-trust';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { platformFleet } from './fleet';

const kubernetesHost = 'https://kubernetes.default.svc';

function engineConfig(scope: Construct, domain: Domain): EngineConfig {
  switch (domain.name) {
    case Domain.DATABASE.name:
      return EngineConfig.postgresql({
        connectionUrl: 'postgresql://{{username}}:{{password}}@orders-db.orders.svc:5432/orders',
        username: 'vault_admin',
        password: new TerraformVariable(scope, 'orders_db_password', { type: 'string', sensitive: true }),
        verifyConnection: false,
      });
    case Domain.APPLICATION.name:
      return EngineConfig.kubernetes({ kubernetesHost });
    default:
      return EngineConfig.kvV2();
  }
}

/** The composite: auth, engines, policies and audit devices from one construct. */
class CompositeStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const fleet = platformFleet();
    new VaultProvider(this, 'vault', { address: fleet.vaultAddress });
    new AgentVaultTrust(this, 'Trust', {
      fleet,
      kubernetesHost,
      engines: fleet.domains.map(d => ({ domain: d.domain, config: engineConfig(this, d.domain) })),
    });
  }
}

/** The same, from the individual constructs. */
class ConstructsStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const fleet = platformFleet();
    new VaultProvider(this, 'vault', { address: fleet.vaultAddress });
    new AgentVaultAuth(this, 'Auth', { fleet, kubernetesHost });
    for (const d of fleet.domains) {
      new VaultDomainSecretEngine(this, `Engine-${d.domain.name}`, { fleet, domain: d.domain, config: engineConfig(this, d.domain) });
    }
    TrustPhasePolicy.forFleet(this, fleet);
    new VaultAuditDevices(this, 'Audit');
  }
}

const app = new App();
new CompositeStack(app, 'platform-vault-composites');
new ConstructsStack(app, 'platform-vault-constructs');
app.synth();
