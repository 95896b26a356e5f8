import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AccessLevel, Domain, EngineConfig, DomainEngine } from '../../lib';

/** A fleet like the default example's, with overrides. */
export { baseFleet as fleet } from '../helpers/fleets';

/** A test stack with the provider, so `Testing.synth(stack, true)` runs every validation. */
export function stack(): TerraformStack {
  const s = new TerraformStack(Testing.app(), 'test');
  new VaultProvider(s, 'vault', { address: 'https://vault.vault.svc:8200' });
  return s;
}

/** A stack that is synthesized like the real app (validations included). */
export function synthJson(s: TerraformStack): any {
  return JSON.parse(Testing.synth(s, true));
}

/** Sensitive values passed only through variables; tests scan the output for them. */
export const SECRET_VALUES = {
  dbPassword: 'S3cr3t-db-Pa55w0rd',
  awsSecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2YXVsdCJ9.c2lnbmF0dXJl',
};

/** A sensitive string variable without default. */
export function secretVar(scope: TerraformStack, id: string): TerraformVariable {
  return new TerraformVariable(scope, id, { type: 'string', sensitive: true });
}

const ARN = (level: string) => `arn:aws:iam::123456789012:role/agent-${level}`;

/** One engine configuration per standard domain. */
export function engines(s: TerraformStack): DomainEngine[] {
  return [
    { domain: Domain.NETWORK, config: EngineConfig.sshCertificates() },
    {
      domain: Domain.DATABASE,
      config: EngineConfig.postgresql({
        connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments',
        username: 'vault_admin',
        password: secretVar(s, 'db_password'),
      }),
    },
    { domain: Domain.APPLICATION, config: EngineConfig.kubernetes({ kubernetesHost: 'https://kubernetes.default.svc' }) },
    { domain: Domain.LLM, config: EngineConfig.kvV2() },
    {
      domain: Domain.CLOUD,
      config: EngineConfig.awsSts({
        roles: AccessLevel.credentialLevels().map(level => ({ level, roleArn: ARN(level.name) })),
      }),
    },
  ];
}

export { errorOf, problemsOf } from '../helpers/problems';

/** Resources of a type in synthesized JSON, by logical id. */
export function resources(json: any, type: string): { [id: string]: any } {
  return json.resource?.[type] ?? {};
}

export { App };
