/**
 * The kind of Vault token an agent receives at login.
 * @see https://developer.hashicorp.com/vault/docs/concepts/tokens#token-types-in-detail
 */
export class VaultTokenType {
  /**
   * Service tokens (the default): renewable, so they can be short-lived
   * (`vaultTokenTtl`), and the agent can revoke its token when the
   * investigation ends (`auth/token/revoke-self`), which revokes every
   * dynamic credential leased under it at once, instead of waiting for the
   * TTL. Costs one storage write per login.
   */
  public static readonly SERVICE = new VaultTokenType('service');
  /**
   * Batch tokens: no storage writes, but they cannot be revoked or renewed,
   * so leases live until their TTL. Only for very high login rates, and only
   * with a fleet `vaultTokenTtl` as long as the Job deadline (a batch token
   * cannot be renewed past a short TTL; `AgentVaultAuth` refuses otherwise).
   */
  public static readonly BATCH = new VaultTokenType('batch');

  private constructor(
    /** The value of `token_type`. */
    public readonly value: string) {}

  public toString(): string {
    return this.value;
  }
}
