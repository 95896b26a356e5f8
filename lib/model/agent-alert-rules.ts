import { AgentFleet } from './agent-fleet';

/** One Prometheus alerting rule. */
export interface AlertRule {
  /** Alert name. */
  readonly alert: string;
  /** PromQL expression; every series it returns fires, labelled by `trust_phase`. */
  readonly expr: string;
  /** How long the condition must hold, e.g. `5m`. */
  readonly for: string;
  /** Labels (severity, trust_phase source). */
  readonly labels: { [key: string]: string };
  /** Summary and description (Prometheus templates). */
  readonly annotations: { [key: string]: string };
}

/** Options of the alert rules. */
export interface AgentAlertOptions {
  /**
   * Share of retained investigation Jobs of a phase that failed above which
   * `AgentInvestigationsFailing` fires.
   * @default 0.2
   */
  readonly failureRatio?: number;
  /**
   * A PromQL expression returning Vault login failures of agents (Vault has
   * no per-role failure metric built in; e.g. a counter from your audit-log
   * pipeline, aggregated `by (trust_phase)`). Without it, no Vault alert.
   * @default - no Vault login alert
   */
  readonly vaultLoginFailureExpression?: string;
  /**
   * Base URL of runbooks; each alert links `<base>/<alert name>`.
   * @default - no runbook links
   */
  readonly runbookBaseUrl?: string;
}

/**
 * Alerts that matter for agent investigations, computed from the fleet:
 * failing investigations, investigations hitting the deadline, OOM kills,
 * concurrency at the quota, and (when a metric is given) Vault login
 * failures. Each is labelled by trust phase so a promotion's effect shows.
 *
 * They read kube-state-metrics, which must export the Job and pod labels:
 * `--metric-labels-allowlist=jobs=[trust-phase,investigation-id,agent-trust.io/agent],pods=[trust-phase,investigation-id,agent-trust.io/agent]`
 * (exported as `label_trust_phase`, `label_investigation_id`, `label_agent_trust_io_agent`).
 */
export class AgentAlertRules {
  /** The kube-state-metrics flag the rules depend on. */
  public static readonly KSM_LABELS_ALLOWLIST =
    'jobs=[trust-phase,investigation-id,agent-trust.io/agent],pods=[trust-phase,investigation-id,agent-trust.io/agent]';

  /** The rules for a fleet. */
  public static forFleet(fleet: AgentFleet, options?: AgentAlertOptions): AlertRule[] {
    const ns = `namespace="${fleet.namespace}"`;
    const ratio = options?.failureRatio ?? 0.2;
    if (!(ratio > 0 && ratio <= 1)) {
      throw new Error(`AgentAlertRules: failureRatio = ${ratio}: must be a share in (0, 1]. Fix: use e.g. 0.2 for 20 %`);
    }
    const jobPhase = `on(namespace, job_name) group_left(label_trust_phase) kube_job_labels{${ns}}`;
    const podPhase = `on(namespace, pod) group_left(label_trust_phase) kube_pod_labels{${ns}}`;
    const link = (name: string): { [key: string]: string } =>
      (options?.runbookBaseUrl ? { runbook_url: `${options.runbookBaseUrl.replace(/\/+$/, '')}/${name}` } : {});
    const rules: AlertRule[] = [
      {
        alert: 'AgentInvestigationsFailing',
        expr: `(sum by (label_trust_phase) (kube_job_failed{${ns}, condition="true"} * ${jobPhase})`
          + ` / sum by (label_trust_phase) (kube_job_labels{${ns}})) > ${ratio}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: {
          summary: `More than ${Math.round(ratio * 100)} % of investigations in phase {{ $labels.label_trust_phase }} failed`,
          description: 'Share of the retained investigation Jobs (finished within ttlSecondsAfterFinished) that failed. A rising rate in a phase is a demotion signal.',
          ...link('AgentInvestigationsFailing'),
        },
      },
      {
        alert: 'AgentInvestigationDeadlineExceeded',
        expr: `sum by (label_trust_phase, job_name) (kube_job_status_failed{${ns}, reason="DeadlineExceeded"} * ${jobPhase}) > 0`,
        for: '0m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Investigation {{ $labels.job_name }} (phase {{ $labels.label_trust_phase }}) hit its deadline',
          description: `The Job ran ${fleet.jobDeadline.toSeconds()} s (activeDeadlineSeconds) and was stopped; its Vault token expired with it.`,
          ...link('AgentInvestigationDeadlineExceeded'),
        },
      },
      {
        alert: 'AgentInvestigationOOMKilled',
        expr: `sum by (label_trust_phase, pod) (kube_pod_container_status_last_terminated_reason{${ns}, reason="OOMKilled"} * ${podPhase}) > 0`,
        for: '0m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Investigation pod {{ $labels.pod }} (phase {{ $labels.label_trust_phase }}) was OOM-killed',
          description: 'Agent memory use is non-deterministic; raise the Job memory limit or bound the agent context size.',
          ...link('AgentInvestigationOOMKilled'),
        },
      },
      {
        alert: 'AgentConcurrencyAtQuota',
        expr: `(sum(kube_resourcequota{${ns}, resource="pods", type="used"}) / sum(kube_resourcequota{${ns}, resource="pods", type="hard"}) >= 1)`
          + ` * on() group_right() (count by (label_trust_phase) (kube_pod_labels{${ns}, label_trust_phase!=""}) > 0)`,
        for: '10m',
        labels: { severity: 'info' },
        annotations: {
          summary: `Investigations are at the concurrency quota (${fleet.maxConcurrentInvestigations}); new Jobs wait or fail`,
          description: 'One series per phase with running investigations, so you see which phases hold the capacity.',
          ...link('AgentConcurrencyAtQuota'),
        },
      },
    ];
    if (options?.vaultLoginFailureExpression) {
      rules.push({
        alert: 'AgentVaultLoginFailures',
        expr: `(${options.vaultLoginFailureExpression}) > 0`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Agents fail to log in to Vault (phase {{ $labels.trust_phase }})',
          description: 'A bound ServiceAccount, audience or namespace no longer matches the Vault role, or the token reviewer broke. Investigations in this phase run without credentials.',
          ...link('AgentVaultLoginFailures'),
        },
      });
    }
    return rules;
  }
}
