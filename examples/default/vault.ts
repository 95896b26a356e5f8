import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AccessLevel, AgentFleet, Domain } from '../../lib/model';
import { AgentVaultTrust, EngineConfig } from '../../lib/vault';
import { defaultFleet } from './fleet';

/**
 * The Vault half of the default example: agent auth, one engine per domain
 * (network = SSH certificates, database = PostgreSQL, application = the
 * Kubernetes secrets engine, llm = KV v2, cloud = AWS STS), one policy per
 * phase and two audit devices. Every secret is a sensitive Terraform
 * variable without default, supplied at apply time (TF_VAR_…); the
 * database password goes through a write-only attribute and never reaches
 * the state. The library never adds the provider: the stack does.
 */
export class DefaultVaultStack extends TerraformStack {
  public readonly trust: AgentVaultTrust;

  public constructor(scope: Construct, id: string, fleet: AgentFleet) {
    super(scope, id);
    new VaultProvider(this, 'vault', { address: fleet.vaultAddress });

    const databasePassword = new TerraformVariable(this, 'database_password', {
      type: 'string',
      sensitive: true,
      description: 'Password of vault_admin on postgres.payments.svc (sent write-only; not stored in state)',
    });

    this.trust = new AgentVaultTrust(this, 'AgentTrust', {
      fleet,
      kubernetesHost: 'https://kubernetes.default.svc',
      investigationIdentity: { oidcDiscoveryUrl: 'https://kubernetes.default.svc.cluster.local' },
      engines: [
        // Vault generates the SSH CA key itself: no key material in Terraform.
        { domain: Domain.NETWORK, config: EngineConfig.sshCertificates() },
        {
          domain: Domain.DATABASE,
          config: EngineConfig.postgresql({
            connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments?sslmode=verify-full',
            username: 'vault_admin',
            password: databasePassword,
            schemas: ['payments'],
            // No database runs at synth or plan time in the example.
            verifyConnection: false,
          }),
        },
        // Vault's own pod token manages the dynamic service accounts (in-cluster Vault).
        { domain: Domain.APPLICATION, config: EngineConfig.kubernetes({ kubernetesHost: 'https://kubernetes.default.svc' }) },
        // LLM keys are written out of band: `vault kv put agents/llm/read-only openai_api_key=…`.
        { domain: Domain.LLM, config: EngineConfig.kvV2() },
        {
          domain: Domain.CLOUD,
          // Vault calls STS with its own workload identity (IRSA), so no AWS keys appear here.
          config: EngineConfig.awsSts({
            region: 'eu-west-1',
            roles: [
              { level: AccessLevel.READ_ONLY, roleArn: 'arn:aws:iam::123456789012:role/agent-read-only' },
              { level: AccessLevel.LIMITED_WRITE, roleArn: 'arn:aws:iam::123456789012:role/agent-limited-write' },
              { level: AccessLevel.AUTONOMOUS, roleArn: 'arn:aws:iam::123456789012:role/agent-autonomous' },
            ],
          }),
        },
      ],
    });
  }
}

/**
 * The app as `cdktf synth` runs it (outdir and context from CDKTF_OUTDIR and
 * CDKTF_CONTEXT_JSON, as the CLI sets them); `npm run synth` calls this
 * in-process (scripts/synth.js).
 */
export function synth(): void {
  const app = new App();
  new DefaultVaultStack(app, 'agent-trust-vault', defaultFleet());
  app.synth();
}

// `cdktf synth` runs this file (compiled); the stack is written to
// cdktf.out/stacks/agent-trust-vault/cdk.tf.json.
if (require.main === module) {
  synth();
}
