import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Testing } from 'cdk8s';
import { AgentAlertRules, AgentAlerts, AgentFleet } from '../../lib';
import { promqlErrors } from '../helpers/promql';

const fleet = new AgentFleet({
  namespace: 'agents',
  targetNamespaces: ['payments'],
  agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2' }],
});

describe('AgentAlerts', () => {
  const chart = Testing.chart();
  new AgentAlerts(chart, 'Alerts', {
    fleet, labels: { release: 'prometheus' }, runbookBaseUrl: 'https://runbooks.example.com/agents/',
    vaultLoginFailureExpression: 'sum by (trust_phase) (rate(vault_agent_login_failures_total[5m]))',
  });
  const [rule] = Testing.synth(chart);

  test('emits one PrometheusRule that validates against the prometheus-operator schema', () => {
    expect(rule).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule',
      metadata: { name: 'agent-trust-alerts', namespace: 'agents', labels: { release: 'prometheus' } },
    });
    expect(() => new PrometheusRule(rule).validate()).not.toThrow();
  });

  test('has the alerts that matter for agents, each labelled by phase', () => {
    const rules = rule.spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual([
      'AgentInvestigationsFailing', 'AgentInvestigationDeadlineExceeded', 'AgentInvestigationOOMKilled',
      'AgentConcurrencyAtQuota', 'AgentVaultLoginFailures',
    ]);
    for (const r of rules) {
      expect(r.expr).toMatch(/trust_phase/);
      expect(r.annotations.runbook_url).toBe(`https://runbooks.example.com/agents/${r.alert}`);
    }
    for (const r of rules.slice(0, 4)) {
      expect(r.expr).toContain('namespace="agents"');
      expect(r.expr).toContain('label_trust_phase');
    }
  });

  test('every expression is valid PromQL', () => {
    for (const r of rule.spec.groups[0].rules) {
      expect({ alert: r.alert, errors: promqlErrors(r.expr) }).toEqual({ alert: r.alert, errors: [] });
    }
  });

  test('the PromQL check itself catches broken expressions', () => {
    expect(promqlErrors('sum by (x (foo')).not.toEqual([]);
    expect(promqlErrors('kube_job_failed{namespace="agents"')).not.toEqual([]);
  });

  test('snapshot', () => {
    expect(rule).toMatchSnapshot();
  });

  test('without a Vault metric there is no Vault alert, and the deadline appears in the description', () => {
    const rules = AgentAlertRules.forFleet(fleet);
    expect(rules.map(r => r.alert)).not.toContain('AgentVaultLoginFailures');
    expect(rules[1].annotations.description).toContain('900 s');
    expect(rules[0].expr).toContain('> 0.2');
  });

  test('a failure ratio outside (0, 1] fails naming the construct path, field and value', () => {
    expect(() => new AgentAlerts(Testing.chart(), 'Alerts', { fleet, failureRatio: 20 }))
      .toThrow('test/Alerts: AgentAlertRules: failureRatio = 20: must be a share in (0, 1]. Fix: use e.g. 0.2 for 20 %');
  });
});
