import { ProblemCollector } from '../model/validation';
import { VerifyRule } from './verify-rule';

/**
 * A reviewed exception to one verify rule: its findings (all of them, or
 * those of one object) are listed as suppressed with the reason instead of
 * counting as errors. The reason is required, so the exception is
 * reviewable wherever the report goes.
 */
export interface VerifySuppression {
  /** The rule id (`VerifyRule.id`), e.g. `egress-internet-wide`. */
  readonly ruleId: string;
  /** Why the finding is accepted (who reviewed it, what it is for). */
  readonly reason: string;
  /**
   * Only findings on this object (exactly as the finding names it, e.g.
   * `NetworkPolicy agents/agent-phase-autonomous`).
   * @default - every finding of the rule
   */
  readonly object?: string;
}

/** A finding lifted by a suppression. */
export interface SuppressedFinding {
  /** Rule id. */
  readonly id: string;
  /** The object at fault. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
  /** The suppression's reason. */
  readonly reason: string;
}

/** Checks and applies `VerifySuppression`s. */
export class VerifySuppressions {
  /** Record every problem of `suppressions`: unknown rule ids and empty reasons. */
  public static validate(problems: ProblemCollector, suppressions: VerifySuppression[]): void {
    const ids = VerifyRule.all().map(r => r.id);
    suppressions.forEach((s, i) => {
      if (!ids.includes(s?.ruleId)) {
        problems.add('Verifier', `suppressions[${i}].ruleId`, s?.ruleId, 'is not a verify rule id', `use one of ${ids.join(', ')}`);
      }
      if (typeof s?.reason !== 'string' || s.reason.trim() === '') {
        problems.add('Verifier', `suppressions[${i}].reason`, s?.reason, 'is empty', 'say why the finding is accepted and who reviewed it');
      }
      if (s?.object !== undefined && (typeof s.object !== 'string' || s.object.trim() === '')) {
        problems.add('Verifier', `suppressions[${i}].object`, s.object, 'is empty', 'name the object as the finding does, or leave it out');
      }
    });
  }

  /** The suppression matching a finding of rule `ruleId` on `object`, if any. */
  public static matching(suppressions: VerifySuppression[], ruleId: string, object: string): VerifySuppression | undefined {
    return suppressions.find(s => s.ruleId === ruleId && (s.object === undefined || s.object === object));
  }

  /**
   * Parse the CLI form `<rule-id>[@<object>]=<reason>`; undefined when there
   * is no `=` or nothing before it.
   */
  public static parse(text: string): VerifySuppression | undefined {
    const eq = text.indexOf('=');
    if (eq <= 0) {
      return undefined;
    }
    const target = text.slice(0, eq);
    const at = target.indexOf('@');
    const reason = text.slice(eq + 1);
    return at < 0 ? { ruleId: target, reason } : { ruleId: target.slice(0, at), object: target.slice(at + 1), reason };
  }

  private constructor() {}
}
