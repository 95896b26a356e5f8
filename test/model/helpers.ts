import { AgentFleet, AgentFleetProps, AgentTrustErrors, ValidationProblem } from '../../lib';

/** A valid fleet declaration to mutate in tests. */
export function fleetProps(overrides: Partial<AgentFleetProps> = {}): AgentFleetProps {
  return {
    namespace: 'agents',
    targetNamespaces: ['payments', 'checkout'],
    agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2' }],
    ...overrides,
  };
}

/** The problems thrown by building a fleet; fails the test if it does not throw a validation error. */
export function problemsOf(props: AgentFleetProps): ValidationProblem[] {
  try {
    new AgentFleet(props);
  } catch (e) {
    if (!AgentTrustErrors.isValidationError(e)) {
      throw e;
    }
    return AgentTrustErrors.problemsOf(e);
  }
  throw new Error('expected the fleet to be rejected, but it was accepted');
}
