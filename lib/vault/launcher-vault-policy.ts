import { Policy } from '@cdktf/provider-vault/lib/policy';
import { TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LauncherRevocationPolicy } from '../model';
import { ProblemCollector } from '../model/private/problem-collector';

/**
 * The `vault_policy` `agent-launcher-revocation` (`LauncherRevocationPolicy`
 * in the model): `update` on `auth/token/lookup-accessor` and
 * `auth/token/revoke-accessor`, so a launcher can revoke a finished
 * investigation's token, and every lease under it, by the accessor the
 * agent reported. It is not bound to anything: attach it to the launcher's
 * own Vault login (e.g. a Kubernetes auth role for the `agent-launcher`
 * ServiceAccount), never to an agent role. Synth fails when another
 * `vault_policy` of the stack has the same name.
 */
export class LauncherVaultPolicy extends Construct {
  /** The `vault_policy` resource. */
  public readonly policy: Policy;

  // No props: the policy is fixed, and `agent-trust verify` recognises exactly this name and these paths.
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.policy = new Policy(this, 'Resource', {
      name: LauncherRevocationPolicy.NAME,
      policy: JSON.stringify(LauncherRevocationPolicy.toJson(), undefined, 2),
    });
    this.node.addValidation({ validate: () => this.duplicates() });
  }

  /** The policy name (`agent-launcher-revocation`). */
  public get policyName(): string {
    return LauncherRevocationPolicy.NAME;
  }

  private duplicates(): string[] {
    const problems = new ProblemCollector();
    for (const c of TerraformStack.of(this).node.findAll()) {
      if (c instanceof TerraformResource && c !== this.policy && c.terraformResourceType === 'vault_policy'
        && (c as Policy).nameInput === LauncherRevocationPolicy.NAME) {
        problems.add(this.node.path, 'name', LauncherRevocationPolicy.NAME, `is also the name of the vault_policy at ${c.node.path}; Vault keeps one policy per name`,
          'create one LauncherVaultPolicy per Vault (AgentVaultTrust launcherRevocation: true creates it)');
      }
    }
    return problems.toMessages();
  }
}
