import { AgentFleet, AgentFleetProps } from '../../lib/model';

/** The one agent most tests declare. */
export const DIAGNOSTICS_AGENT = { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2' };

/** A minimal valid fleet declaration (standard ladder and domains, two target namespaces), with overrides. */
export function baseFleetProps(overrides: Partial<AgentFleetProps> = {}): AgentFleetProps {
  return {
    namespace: 'agents',
    targetNamespaces: ['payments', 'checkout'],
    agents: [DIAGNOSTICS_AGENT],
    ...overrides,
  };
}

/** The fleet of `baseFleetProps(overrides)`. */
export function baseFleet(overrides: Partial<AgentFleetProps> = {}): AgentFleet {
  return new AgentFleet(baseFleetProps(overrides));
}
