import type { ValidationProblem } from '../validation';
import { ProblemCollector } from './problem-collector';

/**
 * Thrown when a declaration is invalid. Holds every problem found, each
 * with path, field, value and a fix.
 */
export class AgentTrustValidationError extends Error {
  /** Every problem found (already listed in `message`). */
  public declare readonly problems: ValidationProblem[];

  public constructor(subject: string, problems: ValidationProblem[]) {
    const lines = problems.map(p => `  - ${ProblemCollector.format(p)}`);
    super(`${subject} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'AgentTrustValidationError';
    // Not enumerable: Node prints an uncaught error's own enumerable properties
    // after its stack, so `cdk8s synth` would show every problem twice.
    Object.defineProperty(this, 'problems', { value: problems, enumerable: false, writable: false, configurable: false });
    // Keeps `instanceof` working when compiled to ES5-style classes.
    Object.setPrototypeOf(this, AgentTrustValidationError.prototype);
  }
}
