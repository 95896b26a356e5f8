import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentAlertRules, AgentFleet, AgentRecordingRules, AlertRule, RecordingRule } from '../model';
import { guardOutput } from './private/k8s-util';
import { TrustPhaseAdmission } from './trust-phase-admission';

/** Props of `AgentAlerts`. */
export interface AgentAlertsProps {
  /** The fleet. */
  readonly fleet: AgentFleet;
  /**
   * Name of the PrometheusRule.
   * @default "agent-trust-alerts"
   */
  readonly name?: string;
  /**
   * Namespace of the PrometheusRule (where your Prometheus selects rules).
   * @default - the agent namespace
   */
  readonly namespace?: string;
  /**
   * Extra labels on the PrometheusRule, e.g. `{ release: 'prometheus' }` for the operator's `ruleSelector`.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Failure share above which `AgentInvestigationsFailing` fires.
   * @default 0.2
   */
  readonly failureRatio?: number;
  /**
   * PromQL for agents' Vault login failures (by `trust_phase`).
   * @default - no Vault login alert
   */
  readonly vaultLoginFailureExpression?: string;
  /**
   * Runbook base URL.
   * @default - no runbook links
   */
  readonly runbookBaseUrl?: string;
  /**
   * The fleet's admission policies, whose denials a recording rule counts.
   * @default - the default name, `TrustPhaseAdmission.defaultName(fleet)`
   */
  readonly admission?: TrustPhaseAdmission;
}

/**
 * An optional prometheus-operator `PrometheusRule` (emitted as a raw object,
 * so no CRD import is needed) with alerts for agent investigations, each
 * labelled by trust phase, and a second group of recording rules
 * (`AgentRecordingRules`) for the dashboard and the promotion evidence.
 * Requires kube-state-metrics to export the Job and pod labels
 * (`AgentAlertRules.KSM_LABELS_ALLOWLIST`).
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class AgentAlerts extends Construct {
  /** The rules, as data. */
  public readonly rules: AlertRule[];
  /** The recording rules (`AgentRecordingRules`), in their own group; `AgentDashboard` and the promotion evidence read them. */
  public readonly recordingRules: RecordingRule[];
  /** The PrometheusRule object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: AgentAlertsProps) {
    super(scope, id);
    guardOutput(this);
    try {
      this.rules = AgentAlertRules.forFleet(props.fleet, props);
      this.recordingRules = AgentRecordingRules.forFleet(props.fleet, props.admission?.name ?? TrustPhaseAdmission.defaultName(props.fleet));
    } catch (e) {
      throw new Error(`${this.node.path}: ${(e as Error).message}`);
    }
    const metadata: ApiObjectMetadata = {
      name: props.name ?? 'agent-trust-alerts',
      namespace: props.namespace ?? props.fleet.namespace,
      labels: { 'app.kubernetes.io/part-of': 'cdk-agent-trust', ...(props.labels ?? {}) },
    };
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata,
      spec: {
        groups: [{
          name: `agent-trust.${props.fleet.namespace}`,
          rules: this.rules.map(r => ({ alert: r.alert, expr: r.expr, for: r.for, labels: r.labels, annotations: r.annotations })),
        }, {
          name: `agent-trust.${props.fleet.namespace}.records`,
          rules: this.recordingRules.map(r => ({ record: r.record, expr: r.expr })),
        }],
      },
    });
  }
}
