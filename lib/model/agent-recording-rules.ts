import { AgentFleet } from './agent-fleet';
import { promqlAlternation } from './private/promql-literal';

/** One Prometheus recording rule. */
export interface RecordingRule {
  /** Name of the recorded series (`level:metric:operations`). */
  readonly record: string;
  /** PromQL expression. */
  readonly expr: string;
  /** What the series holds and who reads it. */
  readonly description: string;
}

/**
 * Recording rules for what the dashboard (`AgentDashboard`) and the
 * promotion evidence (`PromotionEvidenceQueries`) both read, so both read
 * the same numbers and a 30-day promotion window costs one pre-aggregated
 * series per agent and phase instead of every raw counter:
 * investigation outcomes, the denials agents saw, and the admission
 * policies' denials. Emitted by `AgentAlerts` in its own rule group.
 */
export class AgentRecordingRules {
  /** Investigation outcomes per second, by agent (`job`), phase, outcome and human agreement. */
  public static readonly OUTCOMES = 'agent_trust:investigation_outcomes:rate5m';
  /** Denials the agents saw per second, by agent, phase, source (`rbac`, `admission`, `vault`) and admission rule id. */
  public static readonly POLICY_DENIALS = 'agent_trust:policy_denials:rate5m';
  /** Checks of the fleet's admission policies that did not allow, per second, by policy and enforcement action. */
  public static readonly ADMISSION_DENIALS = 'agent_trust:admission_denials:rate5m';

  /**
   * The rules for a fleet. `admissionPolicyName` is the Job policy's name
   * (`TrustPhaseAdmission.name`); the Pod, token and exec policies append
   * `-pods`, `-tokens`, `-connect` and `-params`.
   */
  public static forFleet(fleet: AgentFleet, admissionPolicyName: string): RecordingRule[] {
    const agents = promqlAlternation(fleet.agents.map(a => a.name));
    return [
      {
        record: AgentRecordingRules.OUTCOMES,
        expr: `sum by (job, agent_trust_phase, investigation_outcome, investigation_agreement) (rate(agent_investigation_outcome_total{job=~"${agents}"}[5m]))`,
        description: 'Success and agreement rates of the promotion criteria; the dashboard\'s promotion rows.',
      },
      {
        record: AgentRecordingRules.POLICY_DENIALS,
        expr: `sum by (job, agent_trust_phase, denial_source, denial_rule) (rate(agent_policy_denials_total{job=~"${agents}"}[5m]))`,
        description: 'The policy-violation criterion and the demotion trigger; the dashboard\'s denial panels.',
      },
      {
        record: AgentRecordingRules.ADMISSION_DENIALS,
        expr: 'sum by (policy, enforcement_action) (rate(apiserver_validating_admission_policy_check_total{'
          + `policy=~"${AgentRecordingRules.admissionPolicies(admissionPolicyName)}", enforcement_action!="allow"}[5m]))`,
        description: 'Requests the admission policies refused (deny) or would refuse (warn, audit): attempts the agents\' own counters may miss.',
      },
    ];
  }

  /** Regex matching the fleet's four admission policies (Jobs, Pods, token requests, exec). */
  public static admissionPolicies(admissionPolicyName: string): string {
    return `${promqlAlternation([admissionPolicyName])}(-pods|-tokens|-connect|-params)?`;
  }
}
