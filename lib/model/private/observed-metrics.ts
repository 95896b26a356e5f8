/**
 * Every metric the alerts, recording rules and dashboard read, with where it
 * comes from and the labels it carries. The tests check every selector of
 * every query against this table (metric known, matcher labels present,
 * enumerated values possible), and docs/observability.md lists the same
 * table: a query naming anything else could never return data.
 */
export interface ObservedMetric {
  /** Prometheus series name. */
  readonly name: string;
  /** Who exports it. */
  readonly source: string;
  /** Where the source documents it. */
  readonly reference: string;
  /** Labels a selector may match on (scrape labels such as `instance` left out). */
  readonly labels: string[];
  /** Labels with a closed set of values. */
  readonly values?: { [label: string]: string[] };
}

const KSM = 'kube-state-metrics (with `AgentAlertRules.KSM_LABELS_ALLOWLIST`)';
const KSM_JOBS = 'https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/job-metrics.md';
const KSM_PODS = 'https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/pod-metrics.md';
const KSM_QUOTA = 'https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/policy/resourcequota-metrics.md';
const APISERVER = 'https://kubernetes.io/docs/reference/instrumentation/metrics/';
const VAULT = 'https://developer.hashicorp.com/vault/docs/internals/telemetry/metrics/all';
const AGENT = 'docs/observability.md ("What an agent should emit"), OTLP → Prometheus names';
const JOB = ['namespace', 'job_name'];
const CONDITION = { condition: ['true', 'false', 'unknown'] };
const PHASE_LABELS = ['label_trust_phase', 'label_investigation_id', 'label_agent_trust_io_agent'];
// OTel attributes become labels with dots as underscores; `job` is the
// resource's service.name (the agent, OTEL_SERVICE_NAME).
const OUTCOME = { investigation_outcome: ['resolved', 'findings', 'no-finding', 'gave-up', 'deadline'] };

const ksmJob = (name: string, extra: string[] = [], values?: { [label: string]: string[] }): ObservedMetric =>
  ({ name, source: KSM, reference: KSM_JOBS, labels: [...JOB, ...extra], values });
const agent = (name: string, labels: string[], values?: { [label: string]: string[] }): ObservedMetric =>
  ({ name, source: 'your agents (OpenTelemetry SDK)', reference: AGENT, labels: ['job', 'agent_trust_phase', ...labels], values });
const vault = (name: string, labels: string[]): ObservedMetric =>
  ({ name, source: 'Vault telemetry (`telemetry` stanza, scraped at /v1/sys/metrics)', reference: VAULT, labels });

/** The catalogue. */
export const OBSERVED_METRICS: ObservedMetric[] = [
  ksmJob('kube_job_labels', PHASE_LABELS),
  ksmJob('kube_job_status_start_time'),
  ksmJob('kube_job_status_completion_time'),
  ksmJob('kube_job_status_active'),
  ksmJob('kube_job_spec_active_deadline_seconds'),
  ksmJob('kube_job_complete', ['condition'], CONDITION),
  ksmJob('kube_job_failed', ['condition'], CONDITION),
  ksmJob('kube_job_status_failed', ['reason'], { reason: ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'] }),
  { name: 'kube_pod_labels', source: KSM, reference: KSM_PODS, labels: ['namespace', 'pod', ...PHASE_LABELS] },
  {
    name: 'kube_pod_container_status_last_terminated_reason', source: KSM, reference: KSM_PODS,
    labels: ['namespace', 'pod', 'container', 'reason'],
    values: { reason: ['OOMKilled', 'Completed', 'Error', 'ContainerCannotRun', 'DeadlineExceeded', 'Evicted'] },
  },
  {
    name: 'kube_resourcequota', source: KSM, reference: KSM_QUOTA, labels: ['namespace', 'resourcequota', 'resource', 'type'],
    values: { type: ['hard', 'used'] },
  },
  {
    name: 'apiserver_validating_admission_policy_check_total', source: 'kube-apiserver (Kubernetes ≥ 1.28, beta stability)', reference: APISERVER,
    labels: ['policy', 'policy_binding', 'error_type', 'enforcement_action'],
    values: { enforcement_action: ['allow', 'deny', 'warn', 'audit'], error_type: ['no_error', 'compile_error', 'invalid_error', 'out_of_budget'] },
  },
  vault('vault_token_creation', ['auth_method', 'mount_point', 'creation_ttl', 'token_type', 'namespace']),
  vault('vault_token_count_by_policy', ['policy', 'namespace']),
  vault('vault_secret_lease_creation', ['secret_engine', 'mount_point', 'creation_ttl', 'namespace']),
  vault('vault_expire_num_leases', []),
  agent('agent_investigation_duration_seconds_bucket', ['investigation_outcome', 'le'], OUTCOME),
  agent('agent_investigation_hypotheses_bucket', ['investigation_outcome', 'le'], OUTCOME),
  agent('agent_investigation_hypotheses_sum', ['investigation_outcome'], OUTCOME),
  agent('agent_investigation_hypotheses_count', ['investigation_outcome'], OUTCOME),
  agent('agent_investigation_outcome_total', ['investigation_outcome', 'investigation_agreement'],
    { ...OUTCOME, investigation_agreement: ['agreed', 'disagreed', 'n/a'] }),
  agent('agent_policy_denials_total', ['denial_source', 'denial_rule'], { denial_source: ['rbac', 'admission', 'vault'] }),
];
