import { AgentFleet, AgentFleetProps } from '../../lib/model';

/** The one agent most tests declare. */
export const DIAGNOSTICS_AGENT = { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2' };

/**
 * A minimal valid fleet declaration (standard ladder and domains, two
 * target namespaces), with overrides. Its agent has the default ceiling
 * (shadow), yet most tests exercise the identities of every phase, so the
 * fixture renders the whole ladder (`renderAllPhases`); tests of the
 * secure default pass `renderAllPhases: false`.
 */
export function baseFleetProps(overrides: Partial<AgentFleetProps> = {}): AgentFleetProps {
  return {
    namespace: 'agents',
    targetNamespaces: ['payments', 'checkout'],
    agents: [DIAGNOSTICS_AGENT],
    renderAllPhases: true,
    ...overrides,
  };
}

/** The fleet of `baseFleetProps(overrides)`. */
export function baseFleet(overrides: Partial<AgentFleetProps> = {}): AgentFleet {
  return new AgentFleet(baseFleetProps(overrides));
}
