import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AgentDashboard, AgentFleet, AgentKubernetesTrust, AgentRecordingRules, AgentTrustErrors, GrafanaDashboard, TrustNames, PromotionEvidenceQueries, TrustPhase,
} from '../../lib';
import { OBSERVED_METRICS, ObservedMetric } from '../../lib/model/private/observed-metrics';
import { defaultFleet } from '../../examples/default/fleet';
import { defaultChart } from '../../examples/default/k8s';
import { dashboardTypeErrors } from '../helpers/grafana-schema';
import { validateManifest } from '../helpers/k8s-schema';
import { interpolate, promqlErrors, selectors } from '../helpers/promql';

const fleet = defaultFleet();
const manifests: any[] = Testing.synth(defaultChart(Testing.app()));
const configMap = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.labels?.grafana_dashboard === '1');
const dashboard = JSON.parse(configMap.data['agent-trust-agents.json']);
const rule = manifests.find(m => m.kind === 'PrometheusRule');
const recorded = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.record);
const VARIABLES = { agent: fleet.agents.map(a => a.name), phase: fleet.ladder.phases.map(p => p.name) };
const queries = (model: any): Array<{ panel: string; expr: string }> => (model.panels as any[])
  .flatMap(p => (p.targets ?? []).map((t: any) => ({ panel: p.title, expr: interpolate(t.expr, VARIABLES) })));

/** Metrics a query may name: the catalogue, plus the recording rules with the labels they keep. */
function catalogue(): Map<string, ObservedMetric> {
  const map = new Map(OBSERVED_METRICS.map(m => [m.name, m]));
  for (const r of recorded) {
    const by = /^sum by \(([^)]*)\)/.exec(r.expr)![1].split(',').map((l: string) => l.trim());
    const inner = selectors(r.expr)[0];
    map.set(r.record, { ...map.get(inner.metric)!, name: r.record, labels: by });
  }
  return map;
}

/** Why a query can never return data: an unknown metric, a label the metric lacks, a value it never takes. */
function impossibleMatchers(expr: string, known: Map<string, ObservedMetric>): string[] {
  const out: string[] = [];
  for (const s of selectors(expr)) {
    const m = known.get(s.metric);
    if (!m) {
      out.push(`unknown metric ${s.metric}`);
      continue;
    }
    for (const matcher of s.matchers) {
      if (!m.labels.includes(matcher.label)) {
        out.push(`${s.metric} has no label ${matcher.label}`);
        continue;
      }
      const allowed = m.values?.[matcher.label];
      if (allowed && (matcher.op === '=' || matcher.op === '=~')) {
        const wanted = matcher.op === '=' ? [matcher.value] : matcher.value.replace(/^\((.*)\)$/, '$1').split('|');
        wanted.filter(v => !allowed.includes(v)).forEach(v => out.push(`${s.metric}{${matcher.label}} is never "${v}"`));
      }
      if (matcher.label === 'namespace' && m.source.startsWith('kube-state-metrics') && matcher.value !== fleet.namespace) {
        out.push(`${s.metric} selects namespace "${matcher.value}", not the fleet's`);
      }
    }
  }
  return out;
}

describe('AgentDashboard in the default example', () => {
  test('is a ConfigMap for the Grafana sidecar that validates against the Kubernetes schema', () => {
    expect(configMap.metadata).toEqual({
      name: 'agent-trust-dashboard', namespace: 'agents',
      labels: { 'app.kubernetes.io/part-of': 'cdk-agent-trust', 'grafana_dashboard': '1' },
    });
    expect(Object.keys(configMap.data)).toEqual(['agent-trust-agents.json']);
    expect(() => validateManifest(configMap)).not.toThrow();
  });

  test('the JSON type-checks against @grafana/schema (Dashboard and each panel plugin\'s Options)', () => {
    expect(dashboardTypeErrors(dashboard)).toEqual([]);
  });

  test.each([
    ['a wrong field type', (d: any) => { d.panels[1].gridPos.w = 'wide'; }, /'string' is not assignable to type 'number'/],
    ['a number for a string', (d: any) => { d.refresh = 60; }, /'number' is not assignable to type 'string'/],
    ['a bad enum value', (d: any) => { d.panels[1].fieldConfig.defaults.thresholds.mode = 'relative'; }, /"relative"/],
    ['a bad plugin option', (d: any) => { d.panels[1].options.tooltip.sort = 'sideways'; }, /"sideways"/],
    ['a missing plugin option', (d: any) => { delete d.panels[2].options.textMode; }, /textMode/],
    ['an unknown field', (d: any) => { d.notAField = true; }, /notAField/],
    ['a panel type without a schema', (d: any) => { d.panels[1].type = 'piechart-old'; }, /piechart-old/],
  ])('the schema check has teeth: %s fails', (_, mutate, message) => {
    const broken = JSON.parse(JSON.stringify(dashboard));
    mutate(broken);
    expect(dashboardTypeErrors(broken).join('\n')).toMatch(message);
  });

  test('variables for agent and phase carry the fleet\'s values; every query reads the chosen datasource', () => {
    const vars = Object.fromEntries(dashboard.templating.list.map((v: any) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.agent).toMatchObject({ type: 'custom', query: 'diagnostics', includeAll: true, multi: true });
    expect(vars.phase.query).toBe('shadow,read-only,limited-write,autonomous');
    for (const p of dashboard.panels.filter((x: any) => x.targets)) {
      for (const t of p.targets) {
        expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
    }
  });

  test('layout: unique ids, inside 24 columns, no two panels overlap, every query panel has queries', () => {
    const panels: any[] = dashboard.panels;
    expect(new Set(panels.map(p => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`) ? `${p.title} overlaps at ${x},${y}` : '').toBe('');
          cells.add(`${x},${y}`);
        }
      }
      if (p.type !== 'row' && p.type !== 'text') {
        expect(p.targets.length).toBeGreaterThan(0);
        expect(new Set(p.targets.map((t: any) => t.refId)).size).toBe(p.targets.length);
      }
    }
  });

  test('holds the panels the issue asks for, admission denials by rule and investigations by phase among them', () => {
    const titles = dashboard.panels.map((p: any) => p.title);
    expect(titles).toEqual(expect.arrayContaining([
      'Investigations by phase and outcome', 'Running investigations', 'Investigation duration against the deadline',
      'Share of the deadline used (retained Jobs)', 'Hypothesis cycles per investigation', 'Hypothesis cycles by outcome',
      'Admission denials by policy', 'Which rule denied: the audit log', 'Denials the agents saw, by source and phase',
      'Admission denials by rule (as the agents saw them)',
      'Vault logins per auth mount', 'Live Vault tokens per phase policy', 'Vault leases',
      'diagnostics: investigations in read-only (last 14 d)', 'diagnostics: success and agreement rate (last 14 d)',
      'diagnostics: policy violations (last 14 d)',
    ]));
    const outcomes = dashboard.panels.find((p: any) => p.title === 'Investigations by phase and outcome');
    expect(outcomes.targets.map((t: any) => t.legendFormat.split(' · ')[2])).toEqual(['started', 'succeeded', 'failed', 'hit the deadline']);
    for (const t of outcomes.targets) {
      expect(t.expr).toContain('label_trust_phase=~"$phase"');
    }
  });

  test('snapshot: the panels (type, title, position) and their queries', () => {
    expect(dashboard.panels.map((p: any) => ({
      panel: `${p.type} "${p.title}" ${p.gridPos.w}x${p.gridPos.h}@${p.gridPos.x},${p.gridPos.y}`,
      ...(p.targets ? { queries: p.targets.map((t: any) => t.expr) } : {}),
    }))).toMatchSnapshot();
  });

  test('every query is valid PromQL once Grafana interpolates the variables', () => {
    const all = queries(dashboard);
    expect(all.length).toBeGreaterThan(15);
    for (const q of all) {
      expect({ ...q, errors: promqlErrors(q.expr) }).toEqual({ ...q, errors: [] });
    }
  });

  test('no query can never return data: every metric, label and value is one its source exports', () => {
    const known = catalogue();
    for (const q of queries(dashboard)) {
      expect({ ...q, problems: impossibleMatchers(q.expr, known) }).toEqual({ ...q, problems: [] });
    }
  });

  test('the alerts and recording rules read only documented series too', () => {
    const known = catalogue();
    for (const r of rule.spec.groups.flatMap((g: any) => g.rules)) {
      expect({ r: r.alert ?? r.record, errors: promqlErrors(r.expr), problems: impossibleMatchers(r.expr, known) })
        .toEqual({ r: r.alert ?? r.record, errors: [], problems: [] });
    }
  });

  test('the metric check itself catches unknown metrics, labels and impossible values', () => {
    const known = catalogue();
    expect(impossibleMatchers('kube_job_failures{namespace="agents"}', known)).toEqual(['unknown metric kube_job_failures']);
    expect(impossibleMatchers('kube_job_labels{namespace="agents", label_phase="x"}', known)).toEqual(['kube_job_labels has no label label_phase']);
    expect(impossibleMatchers('kube_job_complete{namespace="agents", condition="yes"}', known)).toEqual(['kube_job_complete{condition} is never "yes"']);
    expect(impossibleMatchers('apiserver_validating_admission_policy_check_total{enforcement_action=~"deny|reject"}', known))
      .toEqual(['apiserver_validating_admission_policy_check_total{enforcement_action} is never "reject"']);
    expect(impossibleMatchers('kube_job_labels{namespace="payments"}', known)).toEqual(['kube_job_labels selects namespace "payments", not the fleet\'s']);
  });

  test('the admission regex matches exactly the policies the example synthesizes', () => {
    const policies = manifests.filter(m => m.kind === 'ValidatingAdmissionPolicy').map(m => m.metadata.name);
    expect(policies).toHaveLength(5);
    const matcher = selectors(recorded.find((r: any) => r.record === AgentRecordingRules.ADMISSION_DENIALS).expr)[0]
      .matchers.find(m => m.label === 'policy')!;
    const re = new RegExp(`^(?:${matcher.value})$`);
    for (const name of policies) {
      expect(re.test(name)).toBe(true);
    }
    expect(re.test('agent-trust-admission-agents-other')).toBe(false);
    expect(re.test('agent-trust-admission-agentsXpods')).toBe(false);
  });

  test('the Vault row selects the fleet\'s auth mounts, phase policies and domain mounts', () => {
    const [logins, tokens, leases] = ['Vault logins per auth mount', 'Live Vault tokens per phase policy', 'Vault leases']
      .map(t => dashboard.panels.find((p: any) => p.title === t).targets.map((x: any) => selectors(interpolate(x.expr, VARIABLES))[0]));
    const regex = (s: any, label: string): RegExp => new RegExp(`^(?:${s.matchers.find((m: any) => m.label === label).value})$`);
    expect(regex(logins[0], 'mount_point').test(`auth/${fleet.vaultAuthMountPath}/`)).toBe(true);
    expect(regex(logins[0], 'mount_point').test('auth/jwt-agents/')).toBe(true);
    for (const phase of fleet.ladder.phases) {
      expect(regex(tokens[0], 'policy').test(TrustNames.vaultPolicy(phase.name))).toBe(true);
    }
    expect(regex(tokens[0], 'policy').test('default')).toBe(false);
    for (const d of fleet.domains) {
      expect(regex(leases[0], 'mount_point').test(`${d.mountPath}/`)).toBe(true);
    }
  });

  test('promotion panels show the next phase\'s criteria as thresholds and read the evidence queries', () => {
    const q = PromotionEvidenceQueries.forAgent(fleet, 'diagnostics');
    expect(q).toMatchObject({ currentPhase: 'read-only', nextPhase: 'limited-write', windowDays: 14 });
    const panel = (suffix: string): any => dashboard.panels.find((p: any) => p.title.startsWith(`diagnostics: ${suffix}`));
    const steps = (p: any): any => p.fieldConfig.defaults.thresholds.steps;
    expect(steps(panel('investigations'))).toEqual([{ color: 'red', value: null }, { color: 'green', value: 50 }]);
    expect(steps(panel('success'))).toEqual([{ color: 'red', value: null }, { color: 'green', value: 0.9 }]);
    expect(steps(panel('policy'))).toEqual([{ color: 'green', value: null }, { color: 'red', value: 1 }]);
    expect(panel('investigations').targets[0].expr).toBe(q.investigations);
    expect(panel('success').targets.map((t: any) => t.expr)).toEqual([q.successRate, q.agreementRate]);
    expect(panel('policy').targets[0].expr).toBe(q.policyViolations);
    expect(panel('not in metrics').options.content).toContain('≥ 14 days');
  });

  test('every recording rule is read by the dashboard or the evidence queries', () => {
    const q = PromotionEvidenceQueries.forAgent(fleet, 'diagnostics');
    const read = [...queries(dashboard).map(x => x.expr), q.investigations, q.successRate, q.policyViolations].join('\n');
    expect(recorded.map((r: any) => r.record)).toEqual([
      AgentRecordingRules.OUTCOMES, AgentRecordingRules.POLICY_DENIALS, AgentRecordingRules.ADMISSION_DENIALS,
    ]);
    for (const r of recorded) {
      expect(read).toContain(r.record);
    }
  });

  test('docs/observability.md lists every metric with its source, and every recording rule', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'observability.md'), 'utf8');
    for (const m of OBSERVED_METRICS) {
      expect(doc).toContain(`| \`${m.name}\` |`);
    }
    for (const r of recorded) {
      expect(doc).toContain(`\`${r.record}\``);
    }
    // The worked example of "Feeding promotion" is the query the code generates.
    expect(doc).toContain(`\`${PromotionEvidenceQueries.forAgent(fleet, 'diagnostics').investigations}\``);
  });
});

describe('AgentDashboard options and errors', () => {
  const small = new AgentFleet({
    namespace: 'ops',
    targetNamespaces: ['web'],
    agents: [
      { name: 'triage', image: 'registry.example.com/agents/triage:1.0.0' },
      { name: 'fixer', image: 'registry.example.com/agents/fixer:1.0.0', ceiling: TrustPhase.AUTONOMOUS },
    ],
  });

  test('label, namespace and extra labels are configurable; no Vault row unless its telemetry is scraped', () => {
    const chart = Testing.chart();
    const d = new AgentDashboard(chart, 'Dashboard', {
      fleet: small, namespace: 'monitoring', sidecarLabel: 'grafana.example.com/dashboard', sidecarLabelValue: 'agents',
      labels: { release: 'kps' },
    });
    const [cm] = Testing.synth(chart);
    expect(cm.metadata).toEqual({
      name: 'agent-trust-dashboard', namespace: 'monitoring',
      labels: { 'app.kubernetes.io/part-of': 'cdk-agent-trust', 'release': 'kps', 'grafana.example.com/dashboard': 'agents' },
    });
    expect(() => validateManifest(cm)).not.toThrow();
    const model = JSON.parse(cm.data[d.dataKey]);
    expect(d.dataKey).toBe('agent-trust-ops.json');
    expect(queries(model).map(q => q.expr).join('\n')).not.toMatch(/vault_/);
    expect(model.templating.list.find((v: any) => v.name === 'agent').query).toBe('triage,fixer');
    expect(dashboardTypeErrors(model)).toEqual([]);
  });

  test('one promotion row per agent: the lowest phase\'s next step, and a note for the agent at the top', () => {
    const model = GrafanaDashboard.forFleet(small, { admissionPolicyName: 'agent-trust-admission-ops' }).model;
    const rows = model.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
    expect(rows).toContain('Promotion: triage (shadow → read-only)');
    expect(rows).toContain('Promotion: fixer (autonomous)');
    const top = model.panels.find((p: any) => p.title === 'fixer: no promotion');
    expect(top.options.content).toContain('the top of the ladder');
    expect(PromotionEvidenceQueries.forAgent(small, 'fixer').nextPhase).toBeUndefined();
  });

  test('AgentKubernetesTrust turns the dashboard on with `dashboard: true`, naming its own admission policies', () => {
    const chart = Testing.chart();
    const trust = new AgentKubernetesTrust(chart, 'Trust', { fleet: small, alerts: true, dashboard: true });
    const objs = Testing.synth(chart);
    const cm = objs.find(o => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(() => validateManifest(cm)).not.toThrow();
    expect(trust.dashboard!.dashboard.queries.length).toBeGreaterThan(10);
    const record = objs.find(o => o.kind === 'PrometheusRule').spec.groups[1].rules.find((r: any) => r.record === AgentRecordingRules.ADMISSION_DENIALS);
    expect(record.expr).toContain(`policy=~"${AgentRecordingRules.admissionPolicies(trust.admission.name)}"`);
    expect(new AgentKubernetesTrust(Testing.chart(), 'T', { fleet: small }).dashboard).toBeUndefined();
  });

  test('every bad prop is reported at once, naming the construct path, field, value and fix', () => {
    let error: unknown;
    try {
      new AgentDashboard(Testing.chart(), 'Dashboard', {
        fleet: small, name: 'Agent Dashboard', sidecarLabel: 'grafana dashboard', sidecarLabelValue: 'x'.repeat(64), uid: 'agent trust',
      });
    } catch (e) {
      error = e;
    }
    expect(AgentTrustErrors.isValidationError(error)).toBe(true);
    expect(AgentTrustErrors.problemsOf(error).map(p => `${p.path} ${p.field}`)).toEqual([
      'test/Dashboard name', 'test/Dashboard sidecarLabel', 'test/Dashboard sidecarLabelValue', 'test/Dashboard uid',
    ]);
    expect(String(error)).toContain('"grafana dashboard"');
  });

  test('property: any sidecar label key and value is either emitted as a valid label or refused naming the field', () => {
    // Kubernetes' rules for a label key (optional DNS-subdomain prefix) and value.
    const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
    const SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    const isKey = (k: string): boolean => {
      const i = k.lastIndexOf('/');
      return NAME.test(k.slice(i + 1)) && (i < 0 || SUBDOMAIN.test(k.slice(0, i)));
    };
    const isValue = (v: string): boolean => v === '' || NAME.test(v);
    const text = fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('grafana_dashboard', 'example.com/dash', 'a/b/c', '-x', 'x'.repeat(64)));
    fc.assert(fc.property(text, text, (key, value) => {
      let fields: string[] = [];
      let cm: any;
      try {
        const chart = Testing.chart();
        new AgentDashboard(chart, 'D', { fleet: small, sidecarLabel: key, sidecarLabelValue: value });
        cm = Testing.synth(chart)[0];
      } catch (e) {
        fields = AgentTrustErrors.problemsOf(e).map(p => p.field);
        expect(fields.length).toBeGreaterThan(0);
      }
      expect(fields.includes('sidecarLabel')).toBe(!isKey(key));
      expect(fields.includes('sidecarLabelValue')).toBe(!isValue(value));
      if (cm) {
        expect(cm.metadata.labels[key]).toBe(value);
      }
    }), { numRuns: 150, seed: 15 });
  });

  test('a dashboard too large for a ConfigMap fails at synth and names the fix; without promotion rows it fits', () => {
    const big = new AgentFleet({
      namespace: 'ops', targetNamespaces: ['web'],
      agents: Array.from({ length: 150 }, (_, i) => ({ name: `agent-${i}`, image: 'registry.example.com/agents/a:1.0.0' })),
    });
    expect(() => new AgentDashboard(Testing.chart(), 'Dashboard', { fleet: big }))
      .toThrow(/test\/Dashboard.*promotionRows.*bytes for 150 agents, more than a ConfigMap holds.*promotionRows: false/s);
    const slim = new AgentDashboard(Testing.chart(), 'Dashboard', { fleet: big, promotionRows: false });
    expect(slim.dashboard.model.panels.some((p: any) => /^Promotion/.test(p.title ?? ''))).toBe(false);
    expect(Buffer.byteLength(slim.dashboard.toJson())).toBeLessThan(100_000);
  });

  test('a fleet that is not an AgentFleet, and evidence queries for an unknown agent or window, fail loudly', () => {
    expect(() => new AgentDashboard(Testing.chart(), 'D', { fleet: {} as AgentFleet })).toThrow(/test\/D.*fleet.*is not an AgentFleet/s);
    expect(() => PromotionEvidenceQueries.forAgent(small, 'ghost')).toThrow(/agent.*"ghost".*use one of: triage, fixer/s);
    expect(() => PromotionEvidenceQueries.forAgent(small, 'triage', 0.5)).toThrow(/windowDays.*0\.5/s);
    expect(PromotionEvidenceQueries.forAgent(small, 'triage', 3).investigations).toContain('[3d]');
  });
});
