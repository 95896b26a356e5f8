import type { ValidationProblem } from '../validation';
import { AgentTrustValidationError } from './validation-error';

/**
 * Collects validation problems so a user sees every mistake at once, not
 * one per synth. Internal: constructs use it; users read the thrown
 * error with `AgentTrustErrors`.
 */
export class ProblemCollector {
  /** Render a value for an error message: strings quoted, everything else as JSON. */
  public static show(value: unknown): string {
    if (value === undefined) {
      return '(unset)';
    }
    if (typeof value === 'string') {
      return JSON.stringify(value);
    }
    if (value !== null && typeof value === 'object' && typeof (value as { toString?: unknown }).toString === 'function'
      && (value as object).toString !== Object.prototype.toString && !Array.isArray(value)) {
      return String(value);
    }
    return JSON.stringify(value);
  }

  /** Render one problem as a single line. */
  public static format(problem: ValidationProblem): string {
    return `${problem.path}: ${problem.field} = ${problem.value}: ${problem.message}. Fix: ${problem.hint}`;
  }

  private readonly items: ValidationProblem[] = [];

  /** Record a problem. `value` is rendered with `ProblemCollector.show`. */
  public add(path: string, field: string, value: unknown, message: string, hint: string): void {
    this.items.push({ path, field, value: ProblemCollector.show(value), message, hint });
  }

  /** Record problems found elsewhere. */
  public addAll(problems: ValidationProblem[]): void {
    this.items.push(...problems);
  }

  /** The problems recorded so far (a copy). */
  public get problems(): ValidationProblem[] {
    return [...this.items];
  }

  /** Whether no problem was recorded. */
  public get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Every problem as one line each, for `node.addValidation`. */
  public toMessages(): string[] {
    return this.items.map(p => ProblemCollector.format(p));
  }

  /** Throw an `AgentTrustValidationError` holding every problem, if there is any. */
  public throwIfAny(subject: string): void {
    if (this.items.length > 0) {
      throw new AgentTrustValidationError(subject, this.problems);
    }
  }
}
