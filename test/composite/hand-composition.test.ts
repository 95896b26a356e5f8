import { Chart, Testing } from 'cdk8s';
import {
  AgentFleet, AgentJobTemplate, AgentKubernetesTrust, AgentNamespace, EgressTarget, LadderServiceAccounts, LauncherAccess, PhaseNetworkPolicy,
  SecretEngineKind, TrustPhaseAdmission, VaultKubernetesEngineAccess,
} from '../../lib';
import { twoAgentFleet } from '../helpers/k8s-fixtures';

// Issue #13: the composite is only a convenience. The individual constructs take
// their defaults from the fleet (kubernetesApi in particular), so composing them
// by hand renders exactly the composite's objects.

const API = EgressTarget.cidr('10.96.0.1/32', [{ port: 443 }]);

const fleet = twoAgentFleet;

function composite(f: AgentFleet): any[] {
  const chart = Testing.chart();
  new AgentKubernetesTrust(chart, 'Trust', { fleet: f });
  return Testing.synth(chart);
}

/** What a platform team writes without the composite: the README's hand-composed stack. */
function byHand(f: AgentFleet): { objects: any[]; templates: AgentJobTemplate[] } {
  const chart: Chart = Testing.chart();
  new AgentNamespace(chart, 'Namespace', { fleet: f });
  new LadderServiceAccounts(chart, 'Phases', { fleet: f });
  for (const phase of f.renderedPhases) {
    new PhaseNetworkPolicy(chart, `Network-${phase.name}`, { fleet: f, phase });
  }
  const templates = f.agents.map(agent => new AgentJobTemplate(chart, `Job-${agent.name}`, { fleet: f, agent: agent.name }));
  const launcher = new LauncherAccess(chart, 'Launcher', { fleet: f });
  new TrustPhaseAdmission(chart, 'Admission', { fleet: f, launcher, jobTemplates: templates });
  for (const d of f.domains.filter(x => x.engine === SecretEngineKind.KUBERNETES)) {
    new VaultKubernetesEngineAccess(chart, `VaultEngine-${d.domain.name}`, { fleet: f, domain: d.domain });
  }
  return { objects: Testing.synth(chart), templates };
}

const byKey = (objs: any[]) => Object.fromEntries(objs.map(o => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));

describe.each([['without kubernetesApi', undefined], ['with kubernetesApi', API]])('hand composition %s', (_, api) => {
  test('renders exactly the composite\'s objects', () => {
    const a = byKey(composite(fleet(api)));
    const b = byKey(byHand(fleet(api)).objects);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const key of Object.keys(a)) {
      expect([key, b[key]]).toEqual([key, a[key]]);
    }
  });
});

describe('the fleet\'s kubernetesApi reaches hand-composed constructs', () => {
  const { objects, templates } = byHand(fleet(API));

  test('every phase NetworkPolicy allows the API server endpoint', () => {
    const policies = objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('agent-phase-'));
    expect(policies).toHaveLength(2); // the rendered phases (ceilings read-only and shadow)
    for (const p of policies) {
      expect(p.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.96.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    }
  });

  test('every Job template mounts the API token where in-cluster config looks', () => {
    for (const t of templates) {
      const pod = JSON.parse(JSON.stringify(t.exampleJob)).spec.template.spec;
      expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).toContain('/var/run/secrets/kubernetes.io/serviceaccount');
      expect(pod.automountServiceAccountToken).toBe(false);
    }
  });

  test('an explicit kubernetesApiToken: false still turns the token off', () => {
    const chart = Testing.chart();
    const t = new AgentJobTemplate(chart, 'Job', { fleet: fleet(API), agent: 'a', kubernetesApiToken: false });
    const pod = JSON.parse(JSON.stringify(t.exampleJob)).spec.template.spec;
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).not.toContain('/var/run/secrets/kubernetes.io/serviceaccount');
  });

  test('without kubernetesApi, no API egress and no API token', () => {
    const plain = byHand(fleet());
    const policies = plain.objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('agent-phase-'));
    for (const p of policies) {
      expect(JSON.stringify(p.spec.egress)).not.toContain('10.96.0.1/32');
    }
    const pod = JSON.parse(JSON.stringify(plain.templates[0].exampleJob)).spec.template.spec;
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).not.toContain('/var/run/secrets/kubernetes.io/serviceaccount');
  });
});
