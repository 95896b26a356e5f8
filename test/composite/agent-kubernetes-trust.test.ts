import { Testing } from 'cdk8s';
import {
  AdmissionApiVersion, AgentFleet, AgentKubernetesTrust, AgentTrustErrors, EgressTarget, PodSecurityRestricted, TrustPhase,
} from '../../lib';

function fleet(kubernetesApi?: EgressTarget): AgentFleet {
  return new AgentFleet({
    namespace: 'agents', targetNamespaces: ['payments'], kubernetesApi,
    agents: [
      { name: 'a', image: 'registry.example.com/a:1', ceiling: TrustPhase.READ_ONLY },
      { name: 'b', image: 'registry.example.com/b:1' },
    ],
  });
}

function synth(props: Omit<ConstructorParameters<typeof AgentKubernetesTrust>[2], 'fleet'>, f: AgentFleet): any[] {
  const chart = Testing.chart();
  new AgentKubernetesTrust(chart, 'Trust', { fleet: f, ...props });
  return Testing.synth(chart);
}

const kinds = (objs: any[]) => objs.map(o => `${o.kind}/${o.metadata.name}`).sort();

describe('AgentKubernetesTrust', () => {
  test('composes every object of a fleet: namespace, phases, policies, templates, launcher, admission', () => {
    const objs = synth({}, fleet());
    expect(kinds(objs)).toMatchSnapshot();
    expect(objs.filter(o => o.kind === 'ConfigMap').map(o => o.metadata.name).sort())
      .toEqual(['a-launcher-contract', 'agent-trust-ceilings', 'b-launcher-contract']);
    expect(objs.filter(o => o.kind === 'NetworkPolicy')).toHaveLength(5); // 4 phases + namespace default deny
    expect(objs.filter(o => o.kind === 'Job')).toEqual([]);
    expect(objs.filter(o => o.kind === 'PrometheusRule')).toEqual([]);
  });

  test('without kubernetesApi: no API token in the template and no egress to the API server', () => {
    const objs = synth({}, fleet());
    const contract = JSON.parse(objs.find(o => o.metadata.name === 'a-launcher-contract').data['contract.json']);
    const pod = contract.jobTemplate.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('kube-api-access');
    for (const np of objs.filter(o => o.kind === 'NetworkPolicy')) {
      expect(JSON.stringify(np.spec.egress ?? [])).not.toContain('6443');
    }
  });

  test('with kubernetesApi: every template mounts a short-lived API token and every phase may reach the API server', () => {
    const objs = synth({}, fleet(EgressTarget.cidr('10.0.0.1/32', [{ port: 6443 }])));
    for (const cm of objs.filter(o => o.metadata.name.endsWith('-launcher-contract'))) {
      const pod = JSON.parse(cm.data['contract.json']).jobTemplate.spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      const api = pod.volumes.find((v: any) => v.name === 'kube-api-access');
      expect(api.projected.sources[0].serviceAccountToken.expirationSeconds).toBe(600);
      expect(PodSecurityRestricted.check(pod, 'pod')).toEqual([]);
    }
    const phasePolicies = objs.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('agent-phase-'));
    expect(phasePolicies).toHaveLength(4);
    for (const np of phasePolicies) {
      expect(np.spec.egress).toEqual(expect.arrayContaining([
        { ports: [{ port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.1/32' } }] },
      ]));
    }
  });

  test('options: alerts, v1beta1 admission, runtime class and OTLP endpoint reach their constructs', () => {
    const objs = synth({
      alerts: true, admissionApiVersion: AdmissionApiVersion.V1BETA1, runtimeClassName: 'gvisor', otlpEndpoint: 'http://otel:4318',
    }, fleet());
    expect(objs.filter(o => o.kind === 'PrometheusRule')).toHaveLength(1);
    expect(objs.find(o => o.kind === 'ValidatingAdmissionPolicy').apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    const pod = JSON.parse(objs.find(o => o.metadata.name === 'b-launcher-contract').data['contract.json']).jobTemplate.spec.template.spec;
    expect(pod.runtimeClassName).toBe('gvisor');
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel:4318' }]));
  });

  test('a bad kubernetesApi target fails the fleet naming field and value', () => {
    try {
      fleet(EgressTarget.cidr('169.254.169.254/32', [{ port: 443 }]));
      throw new Error('accepted');
    } catch (e) {
      expect(AgentTrustErrors.problemsOf(e).map(p => `${p.path} ${p.field} ${p.value}`))
        .toEqual(['AgentFleet/kubernetesApi cidr "169.254.169.254/32"']);
    }
  });
});
