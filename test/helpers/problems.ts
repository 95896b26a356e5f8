import { AgentTrustErrors, ValidationProblem } from '../../lib/model/validation';

/** The problems a function throws (fails the test when it throws something else or nothing). */
export function problemsOf(fn: () => unknown): ValidationProblem[] {
  try {
    fn();
  } catch (e) {
    if (!AgentTrustErrors.isValidationError(e)) {
      throw e;
    }
    return AgentTrustErrors.problemsOf(e);
  }
  throw new Error('expected a validation error, but nothing was thrown');
}
