/**
 * What must be observed before an agent is promoted into a phase. The seed
 * article does not publish its thresholds; the standard ladder's defaults
 * follow comparable shadow-mode and progressive-autonomy frameworks.
 */
export interface PromotionCriteria {
  /** Investigations completed in the phase below. */
  readonly minInvestigations: number;
  /**
   * Share (0..1) of investigations whose outcome humans agreed with or that
   * succeeded.
   */
  readonly minSuccessRate: number;
  /**
   * Policy violations (admission denials, RBAC denials, Vault permission
   * errors) tolerated in the observation window.
   * @default 0
   */
  readonly maxPolicyViolations?: number;
  /** Days spent in the phase below. */
  readonly minDays: number;
  /** Human approvals required for the promotion. */
  readonly requiredApprovals: number;
}

/** An event that sends an agent back down the ladder. */
export class DemotionTrigger {
  /** An action was denied by RBAC, admission or Vault policy. */
  public static readonly POLICY_VIOLATION = new DemotionTrigger('policy-violation',
    'any action denied by RBAC, admission or a Vault policy');
  /** A security incident involving the agent, its credentials or its image. */
  public static readonly SECURITY_INCIDENT = new DemotionTrigger('security-incident',
    'a security incident involving the agent, its credentials or its image');
  /** The success rate fell below the criteria that admitted the agent. */
  public static readonly SUCCESS_RATE_DROP = new DemotionTrigger('success-rate-drop',
    'the success rate fell below the promotion threshold of the current phase');

  /** A trigger of your own. */
  public static custom(id: string, description: string): DemotionTrigger {
    return new DemotionTrigger(id, description);
  }

  private constructor(
    /** Stable id. */
    public readonly id: string,
    /** What happens. */
    public readonly description: string) {}

  public toString(): string {
    return this.id;
  }
}
