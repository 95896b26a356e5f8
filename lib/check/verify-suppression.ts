/**
 * A verify rule accepted on purpose, with the reason (in the manner of a
 * cdk-nag suppression). Suppressed findings are not errors; the report
 * lists them with the reason so a reviewer still sees them.
 */
export interface VerifySuppression {
  /** The rule id (`VerifyRule.id`), e.g. `rbac-denylist`. `check-error` cannot be suppressed. */
  readonly id: string;
  /** Why the finding is accepted (required, shown in the report). */
  readonly reason: string;
  /**
   * Only findings about these objects (`Kind namespace/name` as the finding
   * names them, or a Terraform address). For `rbac-denylist`, a deny rule
   * id (`DenyRule.id`, e.g. `pod-shell`) accepts that denylisted
   * permission wherever it is granted.
   * @default - every finding of the rule
   */
  readonly appliesTo?: string[];
}

/** A finding that a `VerifySuppression` accepted. */
export interface VerifySuppressedFinding {
  /** Stable rule id, e.g. `rbac-denylist`. */
  readonly id: string;
  /** The object at fault. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
  /** The suppression's reason. */
  readonly reason: string;
}
