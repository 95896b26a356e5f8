import { TerraformVariable, Token } from 'cdktf';
import { ProblemCollector } from '../../model/private/problem-collector';

/**
 * Checks shared by every construct that takes a secret: a secret may only
 * arrive as a Terraform variable marked `sensitive`, with no default (a
 * default would be written into the synthesized JSON).
 * @internal
 */
export class SecretInput {
  /** Record a problem unless `variable` is a sensitive TerraformVariable without a default. */
  public static check(problems: ProblemCollector, path: string, field: string, variable: TerraformVariable | undefined): void {
    if (variable === undefined) {
      return;
    }
    if (!(variable instanceof TerraformVariable)) {
      problems.add(path, field, typeof variable === 'string' ? '(a literal string)' : typeof variable,
        'must be a TerraformVariable: secrets never appear as literals in synthesized files',
        'declare new TerraformVariable(stack, "…", { type: "string", sensitive: true }) and pass it');
      return;
    }
    if (variable.sensitive !== true) {
      problems.add(path, field, `var.${variable.friendlyUniqueId}`, 'is not marked sensitive, so Terraform would print it in plans and logs',
        'declare the variable with sensitive: true');
    }
    if (variable.default !== undefined) {
      problems.add(path, field, `var.${variable.friendlyUniqueId} (default ***)`, 'has a default value, which would be written into the synthesized JSON',
        'remove the default and supply the value at apply time (TF_VAR_… or a secret store)');
    }
  }

  /**
   * Record a problem when a URL carries credentials: a password in its
   * user-info part or a `password=` parameter, other than Vault's
   * `{{password}}` template. The password itself is masked in the message.
   */
  public static checkUrl(problems: ProblemCollector, path: string, field: string, url: string): void {
    if (typeof url !== 'string' || url.length === 0) {
      problems.add(path, field, url, 'must be a non-empty connection URL', 'e.g. "postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments"');
      return;
    }
    if (Token.isUnresolved(url)) {
      // A token (e.g. a variable reference) is resolved by Terraform; nothing literal to check.
      return;
    }
    const userInfo = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?([^@/?#\s]*)@/.exec(url);
    if (userInfo) {
      const colon = userInfo[1].indexOf(':');
      const password = colon >= 0 ? userInfo[1].slice(colon + 1) : undefined;
      if (password !== undefined && password !== '{{password}}') {
        problems.add(path, field, url.replace(userInfo[1], `${userInfo[1].slice(0, colon)}:***`),
          'embeds a password: it would be written in cleartext to the synthesized JSON and the Terraform state',
          'write "{{username}}:{{password}}@…" and pass the password as a sensitive TerraformVariable (password prop)');
      }
    }
    const param = /[?&;\s]password=([^&;\s]*)/i.exec(url);
    if (param && param[1] !== '{{password}}') {
      problems.add(path, field, url.replace(param[1], '***'), 'embeds a password parameter',
        'remove it and pass the password as a sensitive TerraformVariable (password prop)');
    }
  }
}
