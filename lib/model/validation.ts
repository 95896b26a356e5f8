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
