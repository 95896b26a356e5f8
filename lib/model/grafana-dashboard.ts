import { AdmissionRules } from './admission-rules';
import { AgentFleet } from './agent-fleet';
import { AgentRecordingRules } from './agent-recording-rules';
import { TrustNames } from './trust-names';
import { promqlAlternation } from './private/promql-literal';
import { PromotionEvidenceQueries } from './promotion-evidence-queries';
import { ProblemCollector } from './private/problem-collector';

/** Options of the agent dashboard. */
export interface GrafanaDashboardOptions {
  /** Name of the fleet's Job admission policy (`TrustPhaseAdmission.name`); the others append `-pods`, `-tokens`, `-connect`, `-params`. */
  readonly admissionPolicyName: string;
  /**
   * Dashboard title.
   * @default "Agent investigations (<namespace>)"
   */
  readonly title?: string;
  /**
   * Dashboard uid (stable links; at most 40 letters, digits, `-` and `_`).
   * @default "agent-trust-<namespace>" (cut to 40 characters)
   */
  readonly uid?: string;
  /**
   * Whether Prometheus scrapes Vault's telemetry (`/v1/sys/metrics`): adds
   * the Vault row (logins per auth mount, live tokens per phase policy,
   * leases per domain mount). Off by default because without the scrape
   * every panel of the row would stay empty.
   * @default false
   */
  readonly vaultTelemetry?: boolean;
  /**
   * One promotion row per agent (about 7 KB of JSON each). Turn off for
   * fleets of more than about 130 agents, whose dashboard would not fit a
   * ConfigMap (1 MiB).
   * @default true
   */
  readonly promotionRows?: boolean;
}

/** One query of the dashboard, for review and tests. */
export interface DashboardQuery {
  /** Title of the panel it belongs to. */
  readonly panel: string;
  /** PromQL as Grafana sends it, before variable interpolation (`$agent`, `$phase`, `$__rate_interval`, `$__range`). */
  readonly expr: string;
}

/** A threshold step (Grafana `fieldConfig.defaults.thresholds.steps`). */
interface Step { readonly color: string; readonly value: number | null }

interface PanelSpec {
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly h: number;
  readonly targets?: Array<{ expr: string; legendFormat: string; instant?: boolean }>;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly steps?: Step[];
  readonly thresholdLine?: boolean;
  readonly content?: string;
  readonly decimals?: number;
}

const GREEN = 'green';
const RED = 'red';
const ORANGE = 'orange';

/**
 * A Grafana dashboard for the fleet's investigations, as the JSON model the
 * Grafana sidecar provisions (`AgentDashboard` wraps it in a ConfigMap).
 * Variables for agent and phase (values from the fleet); rows for
 * investigations by phase and outcome, duration against the deadline and
 * hypothesis cycles, admission and policy denials, Vault (when its
 * telemetry is scraped) and one promotion row per agent with the criteria
 * of the next phase as thresholds. Every series it reads is listed with its
 * source in docs/observability.md.
 */
export class GrafanaDashboard {
  /** Grafana JSON schema version the model is written for (Grafana ≥ 10.4). */
  public static readonly SCHEMA_VERSION = 39;

  /** The dashboard of a fleet. Throws an `AgentTrustValidationError` for a bad uid or policy name. */
  public static forFleet(fleet: AgentFleet, options: GrafanaDashboardOptions): GrafanaDashboard {
    return new GrafanaDashboard(fleet, options);
  }

  /** The dashboard JSON model. */
  public readonly model: any;
  /** Every PromQL query of the dashboard. */
  public readonly queries: DashboardQuery[];
  /** The uid. */
  public readonly uid: string;

  private readonly fleet: AgentFleet;
  private readonly options: GrafanaDashboardOptions;
  private nextId = 1;
  private y = 0;
  private x = 0;
  private rowHeight = 0;

  private constructor(fleet: AgentFleet, options: GrafanaDashboardOptions) {
    this.fleet = fleet;
    this.options = options;
    const problems = new ProblemCollector();
    this.uid = options?.uid ?? `agent-trust-${fleet.namespace}`.slice(0, 40);
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(this.uid)) {
      problems.add('GrafanaDashboard', 'uid', this.uid, 'is not a Grafana dashboard uid (1 to 40 letters, digits, "-", "_")', 'e.g. "agent-trust-agents"');
    }
    if (typeof options?.admissionPolicyName !== 'string' || !TrustNames.isDnsSubdomain(options.admissionPolicyName)) {
      problems.add('GrafanaDashboard', 'admissionPolicyName', options?.admissionPolicyName, 'is not a ValidatingAdmissionPolicy name',
        'pass TrustPhaseAdmission.name, e.g. "agent-trust-admission-agents"');
    }
    problems.throwIfAny('GrafanaDashboard');
    const panels = [
      ...this.investigationRow(),
      ...this.durationRow(),
      ...this.denialRow(),
      ...(options.vaultTelemetry ? this.vaultRow() : []),
      ...(options.promotionRows ?? true ? fleet.agents.flatMap(a => this.promotionRow(a.name)) : []),
    ];
    this.queries = panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => ({ panel: p.title, expr: t.expr })));
    this.model = {
      uid: this.uid,
      title: options.title ?? `Agent investigations (${fleet.namespace})`,
      description: 'Generated by cdk-agent-trust from the fleet declaration; edit the declaration, not this dashboard.',
      tags: ['cdk-agent-trust', 'agents'],
      editable: false,
      graphTooltip: 1,
      refresh: '1m',
      schemaVersion: GrafanaDashboard.SCHEMA_VERSION,
      time: { from: 'now-24h', to: 'now' },
      timezone: 'browser',
      templating: { list: this.variables() },
      annotations: { list: [] },
      links: [],
      panels,
    };
  }

  /** The JSON, indented, as the ConfigMap holds it. */
  public toJson(): string {
    return JSON.stringify(this.model, null, 2);
  }

  private variables(): any[] {
    const custom = (name: string, label: string, values: string[], description: string): any => ({
      name, label, description, type: 'custom',
      query: values.join(','),
      options: values.map(v => ({ text: v, value: v, selected: false })),
      current: { text: ['All'], value: ['$__all'] },
      includeAll: true, multi: true,
    });
    return [
      {
        name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus',
        description: 'The Prometheus that scrapes kube-state-metrics, the API server and the agents\' OTLP metrics.',
      },
      custom('agent', 'Agent', this.fleet.agents.map(a => a.name), 'Agents of the fleet (the Job label agent-trust.io/agent; the OTel service.name).'),
      custom('phase', 'Trust phase', this.fleet.ladder.phases.map(p => p.name), 'Phases of the ladder, lowest first (the Job label trust-phase).'),
    ];
  }

  // ---- rows -------------------------------------------------------------

  private investigationRow(): any[] {
    const ns = `namespace="${this.fleet.namespace}"`;
    const by = 'label_agent_trust_io_agent, label_trust_phase';
    const join = `* on(namespace, job_name) group_left(${by}) kube_job_labels{${ns}, label_agent_trust_io_agent=~"$agent", label_trust_phase=~"$phase"}`;
    const count = (series: string): string => `count by (${by}) (${series} ${join})`;
    const legend = (what: string): string => `{{label_agent_trust_io_agent}} · {{label_trust_phase}} · ${what}`;
    const quota = this.fleet.maxConcurrentInvestigations;
    return [
      this.row('Investigations by phase (kube-state-metrics)'),
      this.panel({
        type: 'timeseries', w: 16, h: 9,
        title: 'Investigations by phase and outcome',
        description: 'Retained investigation Jobs per agent and phase: started, succeeded, failed, and failed at the deadline '
          + '(activeDeadlineSeconds). Jobs are deleted ttlSecondsAfterFinished after they finish (one hour by default), so each '
          + 'line counts the investigations of about the last hour.',
        targets: [
          { expr: count(`kube_job_status_start_time{${ns}}`), legendFormat: legend('started') },
          { expr: count(`(kube_job_complete{${ns}, condition="true"} == 1)`), legendFormat: legend('succeeded') },
          { expr: count(`(kube_job_failed{${ns}, condition="true"} == 1)`), legendFormat: legend('failed') },
          { expr: count(`(kube_job_status_failed{${ns}, reason="DeadlineExceeded"} > 0)`), legendFormat: legend('hit the deadline') },
        ],
        unit: 'short', min: 0, decimals: 0,
      }),
      this.panel({
        type: 'stat', w: 8, h: 9,
        title: 'Running investigations',
        description: `Investigation Jobs with an active pod, per phase. The namespace quota admits ${quota} at once `
          + '(maxConcurrentInvestigations): orange from 80 %, red at the quota.',
        targets: [{ expr: `sum by (label_trust_phase) ((kube_job_status_active{${ns}} > 0) ${join})`, legendFormat: '{{label_trust_phase}}' }],
        unit: 'short', min: 0, decimals: 0,
        steps: [{ color: GREEN, value: null }, { color: ORANGE, value: Math.ceil(quota * 0.8) }, { color: RED, value: quota }],
      }),
    ];
  }

  private durationRow(): any[] {
    const ns = `namespace="${this.fleet.namespace}"`;
    const deadline = this.fleet.jobDeadline.toSeconds();
    const otel = 'job=~"$agent", agent_trust_phase=~"$phase"';
    const quantile = (q: number, metric: string): string =>
      `histogram_quantile(${q}, sum by (le, agent_trust_phase) (rate(${metric}{${otel}}[$__rate_interval])))`;
    const join = 'on(namespace, job_name) group_left(label_agent_trust_io_agent, label_trust_phase) '
      + `kube_job_labels{${ns}, label_agent_trust_io_agent=~"$agent", label_trust_phase=~"$phase"}`;
    // Finished Jobs: completion − start; running ones: now − start. Failed Jobs have no completion time and stay out.
    const elapsed = `((kube_job_status_completion_time{${ns}} - kube_job_status_start_time{${ns}})`
      + ` or ((time() - kube_job_status_start_time{${ns}}) and on(namespace, job_name) (kube_job_status_active{${ns}} > 0)))`;
    const hyp = (part: string): string =>
      `sum by (investigation_outcome) (increase(agent_investigation_hypotheses_${part}{${otel}}[$__range]))`;
    return [
      this.row('Duration and hypothesis cycles'),
      this.panel({
        type: 'timeseries', w: 12, h: 9,
        title: 'Investigation duration against the deadline',
        description: `Median and 95th percentile of agent.investigation.duration per phase; the red line is the Job deadline (${deadline} s). `
          + 'A p95 near the line means investigations are being cut off: a looping agent or a deadline sized too small.',
        targets: [
          { expr: quantile(0.5, 'agent_investigation_duration_seconds_bucket'), legendFormat: '{{agent_trust_phase}} p50' },
          { expr: quantile(0.95, 'agent_investigation_duration_seconds_bucket'), legendFormat: '{{agent_trust_phase}} p95' },
        ],
        unit: 's', min: 0, steps: [{ color: GREEN, value: null }, { color: RED, value: deadline }], thresholdLine: true,
      }),
      this.panel({
        type: 'bargauge', w: 12, h: 9,
        title: 'Share of the deadline used (retained Jobs)',
        description: 'Longest retained investigation per agent and phase, as a share of its activeDeadlineSeconds '
          + '(succeeded: start to completion; running: start to now). Orange from 80 %, red at 100 %.',
        targets: [{
          expr: `max by (label_agent_trust_io_agent, label_trust_phase) ((${elapsed} / on(namespace, job_name) kube_job_spec_active_deadline_seconds{${ns}}) * ${join})`,
          legendFormat: '{{label_agent_trust_io_agent}} · {{label_trust_phase}}',
          instant: true,
        }],
        unit: 'percentunit', min: 0, max: 1,
        steps: [{ color: GREEN, value: null }, { color: ORANGE, value: 0.8 }, { color: RED, value: 1 }],
      }),
      this.panel({
        type: 'timeseries', w: 12, h: 9,
        title: 'Hypothesis cycles per investigation',
        description: 'Median and 95th percentile of agent.investigation.hypotheses per phase: the length of the hypothesis loop. '
          + 'A rising p95 is runaway looping, usually before investigations start to hit the deadline.',
        targets: [
          { expr: quantile(0.5, 'agent_investigation_hypotheses_bucket'), legendFormat: '{{agent_trust_phase}} p50' },
          { expr: quantile(0.95, 'agent_investigation_hypotheses_bucket'), legendFormat: '{{agent_trust_phase}} p95' },
        ],
        unit: 'short', min: 0,
      }),
      this.panel({
        type: 'bargauge', w: 12, h: 9,
        title: 'Hypothesis cycles by outcome',
        description: 'Mean hypotheses per investigation over the dashboard\'s time range, by outcome (resolved, findings, no-finding, '
          + 'gave-up, deadline). Many cycles before "gave-up" or "deadline" is the agent searching without converging.',
        targets: [{ expr: `${hyp('sum')} / ${hyp('count')}`, legendFormat: '{{investigation_outcome}}', instant: true }],
        unit: 'short', min: 0, decimals: 1,
      }),
    ];
  }

  private denialRow(): any[] {
    const policy = this.options.admissionPolicyName;
    // The keys the Job policy's auditAnnotations set; the API server prefixes them with the policy name.
    const annotations = AdmissionRules.auditAnnotations().map(a => `\`${policy}/${a.key}\``).join(', ');
    return [
      this.row('Admission and policy denials'),
      this.panel({
        type: 'timeseries', w: 12, h: 9,
        title: 'Admission denials by policy',
        description: `Requests the fleet's admission policies refused per second, by policy: \`${policy}\` (investigation Jobs: launcher, `
          + `phase, ceiling, shape), \`${policy}-pods\` (Pods shaped like the template), \`${policy}-tokens\` (phase tokens), `
          + `\`${policy}-connect\` (exec, attach, port-forward) and \`${policy}-params\` (edits of the ceilings and contract ConfigMaps). Under Warn/Audit enforcement the would-be denials show as warn/audit. `
          + 'Fleet-wide: the API server\'s metric has no agent or phase label (the audit annotations do).',
        targets: [{
          expr: `sum by (policy, enforcement_action) (${AgentRecordingRules.ADMISSION_DENIALS})`,
          legendFormat: '{{policy}} ({{enforcement_action}})',
        }],
        unit: 'reqps', min: 0,
      }),
      this.panel({
        type: 'text', w: 12, h: 9,
        title: 'Which rule denied: the audit log',
        description: 'The API server counts checks per policy, not per validation rule; the rule is in the audit log.',
        content: [
          '#### Which rule denied, and for whom',
          '',
          'The API server counts admission checks per **policy**; the **rule** is in its audit log. Every denial message starts with the rule id, '
          + `and the policies add the audit annotations ${annotations} (agent, phase and investigation of the request).`,
          '',
          'Under Audit enforcement the API server also records `validation.policy.admission.k8s.io/validation_failure` with the policy, '
          + 'binding and message of each failed rule.',
        ].join('\n'),
      }),
      this.panel({
        type: 'timeseries', w: 12, h: 8,
        title: 'Denials the agents saw, by source and phase',
        description: 'agent.policy.denials: actions denied by RBAC, admission or a Vault policy, as the agents report them. '
          + 'Every one counts against the zero-violation promotion criterion and is a demotion trigger.',
        targets: [{
          expr: `sum by (job, agent_trust_phase, denial_source) (${AgentRecordingRules.POLICY_DENIALS}{job=~"$agent", agent_trust_phase=~"$phase"})`,
          legendFormat: '{{job}} · {{agent_trust_phase}} · {{denial_source}}',
        }],
        unit: 'ops', min: 0,
      }),
      this.panel({
        type: 'bargauge', w: 12, h: 8,
        title: 'Admission denials by rule (as the agents saw them)',
        description: 'Denials with a denial.rule attribute over the time range: the rule id an agent read from the denial message '
          + `("${AdmissionRules.messagePrefix('<rule-id>').trim()}"), per rule, for the selected agents and phases.`,
        targets: [{
          expr: `sum by (denial_rule) (avg_over_time(${AgentRecordingRules.POLICY_DENIALS}{job=~"$agent", agent_trust_phase=~"$phase", `
            + 'denial_source="admission", denial_rule!=""}[$__range])) * $__range_s',
          legendFormat: '{{denial_rule}}',
          instant: true,
        }],
        unit: 'short', min: 0, decimals: 0,
      }),
    ];
  }

  private vaultRow(): any[] {
    const f = this.fleet;
    const authMounts = [f.vaultAuthMountPath, ...(f.investigationIdentityMountPath ? [f.investigationIdentityMountPath] : [])];
    const mounts = promqlAlternation(authMounts.map(m => `auth/${m}/`));
    const domains = promqlAlternation(f.domains.map(d => `${d.mountPath}/`));
    const policies = `${promqlAlternation([TrustNames.vaultPolicy('', f.vaultPrefix)])}$phase`;
    return [
      this.row('Vault (telemetry scraped from /v1/sys/metrics)'),
      this.panel({
        type: 'timeseries', w: 8, h: 8,
        title: 'Vault logins per auth mount',
        description: `Tokens created per second on the agents' auth mounts (${authMounts.map(m => `auth/${m}/`).join(', ')}): one login per investigation. `
          + 'Vault\'s telemetry has no role label; the next panel splits by phase through the phase policies.',
        targets: [{ expr: `sum by (mount_point) (rate(vault_token_creation{mount_point=~"${mounts}"}[$__rate_interval]))`, legendFormat: '{{mount_point}}' }],
        unit: 'ops', min: 0,
      }),
      this.panel({
        type: 'timeseries', w: 8, h: 8,
        title: 'Live Vault tokens per phase policy',
        description: 'Tokens holding each phase\'s policy (the phase role grants exactly that policy), i.e. investigations holding '
          + 'credentials right now. Vault updates this gauge every usage_gauge_period (10 min by default).',
        targets: [{ expr: `sum by (policy) (vault_token_count_by_policy{policy=~"${policies}"})`, legendFormat: '{{policy}}' }],
        unit: 'short', min: 0,
      }),
      this.panel({
        type: 'timeseries', w: 8, h: 8,
        title: 'Vault leases',
        description: 'Dynamic-credential leases created per second on each domain\'s secrets engine, and the leases Vault holds '
          + 'in total (all of Vault, not only agents). A lease that outlives its investigation is revoked with its token.',
        targets: [
          { expr: `sum by (mount_point) (rate(vault_secret_lease_creation{mount_point=~"${domains}"}[$__rate_interval]))`, legendFormat: 'created · {{mount_point}}' },
          { expr: 'max(vault_expire_num_leases)', legendFormat: 'outstanding (all of Vault)' },
        ],
        unit: 'short', min: 0,
      }),
    ];
  }

  private promotionRow(agent: string): any[] {
    const q = PromotionEvidenceQueries.forAgent(this.fleet, agent);
    const c = q.criteria;
    if (!q.nextPhase || !c) {
      return [
        this.row(`Promotion: ${agent} (${q.currentPhase})`),
        this.panel({
          type: 'text', w: 24, h: 3,
          title: `${agent}: no promotion`,
          description: 'No promotion criteria to show.',
          content: q.nextPhase
            ? `\`${agent}\` runs in \`${q.currentPhase}\`; the ladder declares no criteria for \`${q.nextPhase}\`: the gate refuses the step.`
            : `\`${agent}\` runs in \`${q.currentPhase}\`, the top of the ladder: watch the denial panels for demotion triggers.`,
        }),
      ];
    }
    const max = c.maxPolicyViolations ?? 0;
    const window = `last ${q.windowDays} d`;
    return [
      this.row(`Promotion: ${agent} (${q.currentPhase} → ${q.nextPhase})`),
      this.panel({
        type: 'stat', w: 6, h: 6,
        title: `${agent}: investigations in ${q.currentPhase} (${window})`,
        description: `Finished investigations in ${q.currentPhase}; entering ${q.nextPhase} needs ≥ ${c.minInvestigations}.`,
        targets: [{ expr: q.investigations, legendFormat: 'investigations', instant: true }],
        unit: 'short', decimals: 0, steps: [{ color: RED, value: null }, { color: GREEN, value: c.minInvestigations }],
      }),
      this.panel({
        type: 'stat', w: 6, h: 6,
        title: `${agent}: success and agreement rate (${window})`,
        description: `Success (${PromotionEvidenceQueries.SUCCESS_OUTCOMES.join(', ')}) and, in shadow mode, human agreement; `
          + `the gate needs ≥ ${c.minSuccessRate} of either.`,
        targets: [
          { expr: q.successRate, legendFormat: 'success', instant: true },
          { expr: q.agreementRate, legendFormat: 'agreement', instant: true },
        ],
        unit: 'percentunit', min: 0, max: 1, decimals: 1, steps: [{ color: RED, value: null }, { color: GREEN, value: c.minSuccessRate }],
      }),
      this.panel({
        type: 'stat', w: 6, h: 6,
        title: `${agent}: policy violations (${window})`,
        description: `Denials the agent saw in ${q.currentPhase}; the gate tolerates ${max}.`,
        targets: [{ expr: q.policyViolations, legendFormat: 'violations', instant: true }],
        unit: 'short', decimals: 0, steps: [{ color: GREEN, value: null }, { color: RED, value: max + 1 }],
      }),
      this.panel({
        type: 'text', w: 6, h: 6,
        title: `${agent}: not in metrics`,
        description: 'Criteria the evidence document states.',
        content: `To enter \`${q.nextPhase}\` also: **≥ ${c.minDays} days** in \`${q.currentPhase}\` and **≥ ${c.requiredApprovals}** distinct human `
          + `approval(s). \`agent-trust promote-check --evidence\` decides; the queries of these panels fill its evidence file (docs/observability.md).`,
      }),
    ];
  }

  // ---- layout -----------------------------------------------------------

  private row(title: string): any {
    this.newLine();
    const row = { type: 'row', id: this.nextId++, title, collapsed: false, panels: [], gridPos: { h: 1, w: 24, x: 0, y: this.y } };
    this.y += 1;
    return row;
  }

  private newLine(): void {
    if (this.x > 0) {
      this.y += this.rowHeight;
    }
    this.x = 0;
    this.rowHeight = 0;
  }

  private panel(spec: PanelSpec): any {
    if (this.x + spec.w > 24) {
      this.newLine();
    }
    const gridPos = { h: spec.h, w: spec.w, x: this.x, y: this.y };
    this.x += spec.w;
    this.rowHeight = Math.max(this.rowHeight, spec.h);
    const datasource = { type: 'prometheus', uid: '${datasource}' };
    const base: any = { id: this.nextId++, type: spec.type, title: spec.title, description: spec.description, gridPos };
    if (spec.type === 'text') {
      return { ...base, options: { mode: 'markdown', content: spec.content ?? '' } };
    }
    const targets = (spec.targets ?? []).map((t, i) => ({
      datasource, refId: String.fromCharCode(65 + i), expr: t.expr, legendFormat: t.legendFormat,
      ...(t.instant ? { instant: true, range: false } : { range: true }),
    }));
    const defaults: any = {
      unit: spec.unit ?? 'short',
      ...(spec.min !== undefined ? { min: spec.min } : {}),
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
      thresholds: { mode: 'absolute', steps: spec.steps ?? [{ color: GREEN, value: null }] },
      color: { mode: spec.steps ? 'thresholds' : 'palette-classic' },
    };
    if (spec.type === 'timeseries') {
      defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, thresholdsStyle: { mode: spec.thresholdLine ? 'line' : 'off' } };
    }
    return { ...base, datasource, targets, fieldConfig: { defaults, overrides: [] }, options: GrafanaDashboard.options(spec.type) };
  }

  /** Every option the panel plugin's schema requires (@grafana/schema panelcfg), so nothing depends on Grafana's defaults. */
  private static options(type: string): any {
    const reduce = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, orientation: 'horizontal' };
    switch (type) {
      case 'timeseries':
        return { legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } };
      case 'stat':
        return {
          ...reduce, colorMode: 'value', graphMode: 'none', justifyMode: 'auto', percentChangeColorMode: 'standard',
          showPercentChange: false, textMode: 'value_and_name', wideLayout: true,
        };
      default: // bargauge
        return {
          ...reduce, legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: false },
          displayMode: 'gradient', maxVizHeight: 300, minVizHeight: 16, minVizWidth: 8, namePlacement: 'auto',
          showUnfilled: true, sizing: 'auto', valueMode: 'color',
        };
    }
  }
}
