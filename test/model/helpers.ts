import { AgentFleet, AgentFleetProps, ValidationProblem } from '../../lib';
import { problemsOf } from '../helpers/problems';

/** A valid fleet declaration to mutate in tests. */
export { baseFleetProps as fleetProps } from '../helpers/fleets';

/** The problems thrown by building a fleet; fails the test if it does not throw a validation error. */
export function fleetProblemsOf(props: AgentFleetProps): ValidationProblem[] {
  return problemsOf(() => new AgentFleet(props));
}
