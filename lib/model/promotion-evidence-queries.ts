import { AgentFleet } from './agent-fleet';
import { AgentRecordingRules } from './agent-recording-rules';
import { PromotionCriteria } from './promotion';
import { ProblemCollector } from './private/problem-collector';

/** PromQL for the figures of a promotion evidence document, over one window. */
export interface PromotionEvidenceQuerySet {
  /** The agent. */
  readonly agent: string;
  /** Phase the evidence is about: the agent's ceiling (where it runs today). */
  readonly currentPhase: string;
  /**
   * Phase a promotion would enter.
   * @default - none: the agent is at the top of the ladder
   */
  readonly nextPhase?: string;
  /**
   * Criteria for entering `nextPhase`.
   * @default - none declared (or no next phase)
   */
  readonly criteria?: PromotionCriteria;
  /** Length of the observation window in days (the criteria's `minDays`, at least 1). */
  readonly windowDays: number;
  /** Investigations finished in the window (`investigations`). */
  readonly investigations: string;
  /** Share of them with a successful outcome (`successRate`). */
  readonly successRate: string;
  /** Share of human-reviewed ones the reviewer agreed with (`agreementRate`, shadow mode). */
  readonly agreementRate: string;
  /** Denials the agent saw in the window (`policyViolations`). */
  readonly policyViolations: string;
}

/**
 * The PromQL that turns the agents' metrics into the figures
 * `agent-trust promote-check --evidence` reads, over the recording rules of
 * `AgentRecordingRules`. The dashboard's promotion rows show the same
 * queries against the same thresholds, so what a reviewer sees is what the
 * gate is fed. Days in phase and approvals are not metrics: the evidence
 * document states them.
 */
export class PromotionEvidenceQueries {
  /** Outcomes that count as a success (`gave-up` and `deadline` do not). */
  public static readonly SUCCESS_OUTCOMES = ['resolved', 'findings', 'no-finding'];

  /**
   * The queries for one agent of the fleet, over the `minDays` of the
   * criteria of the phase above its ceiling (or `windowDays`).
   */
  public static forAgent(fleet: AgentFleet, agent: string, windowDays?: number): PromotionEvidenceQuerySet {
    const problems = new ProblemCollector();
    const spec = fleet.agents.find(a => a.name === agent);
    if (!spec) {
      problems.add('PromotionEvidenceQueries', 'agent', agent, 'is not an agent of the fleet', `use one of: ${fleet.agents.map(a => a.name).join(', ')}`);
    }
    if (windowDays !== undefined && !(Number.isInteger(windowDays) && windowDays >= 1)) {
      problems.add('PromotionEvidenceQueries', 'windowDays', windowDays, 'must be a whole number of days ≥ 1', 'e.g. 14');
    }
    problems.throwIfAny('PromotionEvidenceQueries');
    const current = fleet.ceilingOf(spec!);
    const rank = fleet.ladder.rankOf(current);
    const next = fleet.ladder.definitions[rank + 1];
    const criteria = next?.promotion;
    const days = windowDays ?? Math.max(1, criteria?.minDays ?? 7);
    const window = `${days}d`;
    const seconds = days * 86400;
    const who = `job="${agent}", agent_trust_phase="${current.name}"`;
    // avg_over_time of a per-second rate times the window is the count in the window, whatever the evaluation interval.
    const total = (record: string, extra: string): string =>
      `sum(avg_over_time(${record}{${who}${extra}}[${window}]))`;
    const success = PromotionEvidenceQueries.SUCCESS_OUTCOMES.join('|');
    return {
      agent,
      currentPhase: current.name,
      nextPhase: next?.phase.name,
      criteria,
      windowDays: days,
      investigations: `round(${total(AgentRecordingRules.OUTCOMES, '')} * ${seconds}) or vector(0)`,
      successRate: `${total(AgentRecordingRules.OUTCOMES, `, investigation_outcome=~"${success}"`)} / ${total(AgentRecordingRules.OUTCOMES, '')}`,
      agreementRate: `${total(AgentRecordingRules.OUTCOMES, ', investigation_agreement="agreed"')}`
        + ` / ${total(AgentRecordingRules.OUTCOMES, ', investigation_agreement=~"agreed|disagreed"')}`,
      // ceil: any denial in the window counts as one, however the rate averages out; an agent that
      // was never denied may not have the counter yet, hence `or vector(0)`.
      policyViolations: `ceil(${total(AgentRecordingRules.POLICY_DENIALS, '')} * ${seconds}) or vector(0)`,
    };
  }
}
