/** Most agents named on verify's summary line; a larger fleet is counted, with its first and last agent. */
const NAMED = 5;

/**
 * The agents of a report for its one-line summary: `agent(s) a, b` for a
 * few, `100 agents (agent-001 … agent-100)` for a fleet (the JSON report
 * lists every name).
 */
export function agentSummary(agents: readonly string[]): string {
  if (agents.length === 0) {
    return 'no agent';
  }
  if (agents.length <= NAMED) {
    return `agent(s) ${agents.join(', ')}`;
  }
  return `${agents.length} agents (${agents[0]} … ${agents[agents.length - 1]})`;
}
