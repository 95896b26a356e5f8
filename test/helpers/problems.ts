import { AgentTrustErrors, ValidationProblem } from '../../lib/model/validation';

/** The message of the error `fn` throws (fails the test when nothing is thrown). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return String((e as Error).message);
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** The validation error `fn` throws, as its message and problems (fails the test when it throws something else or nothing). */
export function validationErrorOf(fn: () => unknown): { message: string; problems: ValidationProblem[] } {
  try {
    fn();
  } catch (e) {
    if (!AgentTrustErrors.isValidationError(e)) {
      throw e;
    }
    return { message: (e as Error).message, problems: AgentTrustErrors.problemsOf(e) };
  }
  throw new Error('expected a validation error, but nothing was thrown');
}

/** The problems a function throws (fails the test when it throws something else or nothing). */
export function problemsOf(fn: () => unknown): ValidationProblem[] {
  return validationErrorOf(fn).problems;
}
