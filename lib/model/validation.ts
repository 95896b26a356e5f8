import { AgentTrustValidationError } from './private/validation-error';

/**
 * One problem found while validating a declaration: where, which field,
 * which value, what is wrong and how to fix it.
 */
export interface ValidationProblem {
  /** Construct path or model path of the object at fault, e.g. `AgentFleet/phases/read-only`. */
  readonly path: string;
  /** The field at fault, e.g. `kubernetesRules[2].resources`. */
  readonly field: string;
  /** The offending value, rendered as text. */
  readonly value: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

/**
 * Collects validation problems so a user sees every mistake at once, not
 * one per synth.
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

/**
 * Recognise and read the errors this library throws for invalid input.
 * (The error class itself is not part of the jsii API: jsii cannot export
 * subclasses of `Error`, so this follows aws-cdk-lib's `Errors` helper.)
 */
export class AgentTrustErrors {
  /** Whether `error` was thrown for an invalid declaration. */
  public static isValidationError(error: any): boolean {
    return error instanceof AgentTrustValidationError;
  }

  /** The problems held by a validation error; empty for any other value. */
  public static problemsOf(error: any): ValidationProblem[] {
    return error instanceof AgentTrustValidationError ? [...error.problems] : [];
  }
}
