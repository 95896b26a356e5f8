import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentFleet, AgentTrustErrors, GrafanaDashboard, TrustNames } from '../model';
import { guardOutput } from './private/k8s-util';
import { TrustPhaseAdmission } from './trust-phase-admission';
import { FleetChecks } from '../model/private/fleet-checks';
import { ProblemCollector } from '../model/private/problem-collector';

/** Props of `AgentDashboard`. */
export interface AgentDashboardProps {
  /** The fleet. */
  readonly fleet: AgentFleet;
  /**
   * Name of the ConfigMap.
   * @default "agent-trust-dashboard"
   */
  readonly name?: string;
  /**
   * Namespace of the ConfigMap (one the Grafana sidecar watches).
   * @default - the agent namespace
   */
  readonly namespace?: string;
  /**
   * Label key the Grafana sidecar selects dashboards by (kube-prometheus-stack: `sidecar.dashboards.label`).
   * @default "grafana_dashboard"
   */
  readonly sidecarLabel?: string;
  /**
   * Value of `sidecarLabel` (kube-prometheus-stack: `sidecar.dashboards.labelValue`).
   * @default "1"
   */
  readonly sidecarLabelValue?: string;
  /**
   * Extra labels on the ConfigMap.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The fleet's admission policies, so the denial panels name them.
   * @default - the default name, `TrustPhaseAdmission.defaultName(fleet)`
   */
  readonly admission?: TrustPhaseAdmission;
  /**
   * Add the Vault row; only when Prometheus scrapes Vault's telemetry
   * (`/v1/sys/metrics`), or every panel of the row stays empty.
   * @default false
   */
  readonly vaultTelemetry?: boolean;
  /**
   * Dashboard title.
   * @default "Agent investigations (<namespace>)"
   */
  readonly title?: string;
  /**
   * Dashboard uid.
   * @default "agent-trust-<namespace>"
   */
  readonly uid?: string;
  /**
   * One promotion row per agent; turn off for fleets too large for one ConfigMap (about 130 agents).
   * @default true
   */
  readonly promotionRows?: boolean;
}

// A ConfigMap holds at most 1 MiB; leave room for its metadata.
const MAX_DASHBOARD_BYTES = 1_000_000;

// A label key: optional DNS-subdomain prefix and "/", then a name of ≤ 63 characters.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * An optional Grafana dashboard for the fleet (`GrafanaDashboard`) as a
 * ConfigMap the Grafana sidecar (kube-prometheus-stack, grafana Helm chart)
 * provisions: labelled `grafana_dashboard: "1"` by default. It reads
 * kube-state-metrics (with `AgentAlertRules.KSM_LABELS_ALLOWLIST`), the API
 * server's admission-policy metrics, the agents' OTLP metrics, the
 * recording rules `AgentAlerts` emits and, when enabled, Vault's telemetry.
 */
export class AgentDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: GrafanaDashboard;
  /** The ConfigMap. */
  public readonly resource: ApiObject;
  /** Key of the dashboard JSON in the ConfigMap. */
  public readonly dataKey: string;

  public constructor(scope: Construct, id: string, props: AgentDashboardProps) {
    super(scope, id);
    guardOutput(this);
    const problems = new ProblemCollector();
    const fleet = props?.fleet;
    if (!FleetChecks.isFleet(problems, this.node.path, fleet)) {
      problems.throwIfAny(this.node.path);
    }
    const name = props.name ?? 'agent-trust-dashboard';
    const label = props.sidecarLabel ?? 'grafana_dashboard';
    const value = props.sidecarLabelValue ?? '1';
    if (!TrustNames.isDnsSubdomain(name)) {
      problems.add(this.node.path, 'name', name, 'is not a DNS subdomain (RFC 1123)', 'use lowercase letters, digits, "-" and ".", e.g. "agent-trust-dashboard"');
    }
    if (props.namespace !== undefined && !TrustNames.isDnsLabel(props.namespace)) {
      problems.add(this.node.path, 'namespace', props.namespace, 'is not a namespace name (DNS label)', 'e.g. "monitoring"');
    }
    if (!AgentDashboard.isLabelKey(label)) {
      problems.add(this.node.path, 'sidecarLabel', label, 'is not a Kubernetes label key',
        'use the key your Grafana sidecar selects, e.g. "grafana_dashboard"');
    }
    if (!TrustNames.isLabelValue(value)) {
      problems.add(this.node.path, 'sidecarLabelValue', value, 'is not a Kubernetes label value', 'e.g. "1"');
    }
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      if (!AgentDashboard.isLabelKey(k) || !TrustNames.isLabelValue(v)) {
        problems.add(this.node.path, `labels.${k}`, v, 'is not a Kubernetes label', 'keys like "release", values of ≤ 63 letters, digits, "-", "_", "."');
      }
    }
    let dashboard: GrafanaDashboard | undefined;
    try {
      dashboard = GrafanaDashboard.forFleet(fleet, {
        admissionPolicyName: props.admission?.name ?? TrustPhaseAdmission.defaultName(fleet),
        vaultTelemetry: props.vaultTelemetry, title: props.title, uid: props.uid, promotionRows: props.promotionRows,
      });
      const bytes = Buffer.byteLength(dashboard.toJson());
      if (bytes > MAX_DASHBOARD_BYTES) {
        problems.add(this.node.path, 'promotionRows', props.promotionRows ?? true,
          `makes a dashboard of ${bytes} bytes for ${fleet.agents.length} agents, more than a ConfigMap holds (1 MiB)`,
          'set promotionRows: false (the agent and phase variables still cover every agent)');
      }
    } catch (e) {
      if (!AgentTrustErrors.isValidationError(e)) {
        throw e;
      }
      // Reported under this construct's path, with the construct's own problems.
      problems.addAll(AgentTrustErrors.problemsOf(e).map(p => ({ ...p, path: this.node.path })));
    }
    problems.throwIfAny(this.node.path);
    this.dashboard = dashboard!;
    this.dataKey = `${this.dashboard.uid}.json`;
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: props.namespace ?? fleet.namespace,
        labels: { 'app.kubernetes.io/part-of': 'cdk-agent-trust', ...(props.labels ?? {}), [label]: value },
      },
      data: { [this.dataKey]: this.dashboard.toJson() },
    });
  }

  private static isLabelKey(key: string): boolean {
    if (typeof key !== 'string') {
      return false;
    }
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    return LABEL_NAME.test(key.slice(slash + 1)) && (prefix === undefined || TrustNames.isDnsSubdomain(prefix));
  }
}
