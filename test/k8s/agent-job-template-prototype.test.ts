import { ApiObject, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { AgentFleet, AgentJobTemplate, TrustDuration, LauncherContract, TrustPhase } from '../../lib';
import { JobPrototypes } from '../../lib/k8s/private/template-cache';
import { fleetProps, testChart } from '../helpers/k8s-fixtures';

// Templates of one fleet with equal props share one synthesized prototype
// Job (lib/k8s/private/template-cache.ts): every agent's Job and contract
// must equal what its own cdk-plus Job synthesizes, and touching `job` (the
// escape hatch) must still reach the contract.
const agents = [
  { name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY },
  { name: 'db-fixer', image: 'registry.example.com/agents/db@sha256:' + 'ab'.repeat(32), ceiling: TrustPhase.LIMITED_WRITE },
  { name: 'agent-trust-prototype-agent', image: 'registry.invalid/agent-trust-prototype:0', ceiling: TrustPhase.SHADOW },
];
const fleet = new AgentFleet({ ...fleetProps(), agents });

/** The ConfigMap text of a template (as synthesized). */
function contractText(template: AgentJobTemplate): string {
  const cm = Testing.synth(template.node.scope as any).find(o => o.kind === 'ConfigMap'
    && o.metadata.labels[LauncherContract.AGENT_LABEL] === template.agent.name);
  return cm.data[LauncherContract.CONFIGMAP_KEY];
}

/** The same template, forced onto its own cdk8s-plus Job (accessing `job` builds it). */
function ownJob(props: ConstructorParameters<typeof AgentJobTemplate>[2]): AgentJobTemplate {
  const template = new AgentJobTemplate(testChart(), 'Job', props);
  expect(template.job.metadata.name).toBe('investigation-template');
  return template;
}

describe('AgentJobTemplate: the fleet\'s prototype Job', () => {
  const variants: Array<Partial<ConstructorParameters<typeof AgentJobTemplate>[2]>> = [
    {},
    { cpuLimit: kplus.Cpu.units(3), memoryLimit: Size.gibibytes(6), containerName: 'worker', appLabel: 'db-agents' },
    { kubernetesApiToken: true, runtimeClassName: 'gvisor', otlpEndpoint: 'http://otel.observability.svc:4318', failJobExitCodes: [3] },
    { vaultAgentInjector: true, scratchSizeLimit: Size.mebibytes(512), ttlAfterFinished: TrustDuration.minutes(30) },
    // The stand-in name inside a longer string: the prototype is unusable, each agent builds its own Job.
    { otlpEndpoint: 'http://agent-trust-prototype-agent.observability.svc:4318' },
  ];

  test.each(variants.map((v, i) => [i, v] as const))('props variant %i: every agent\'s Job and contract equal its own Job\'s', (_i, variant) => {
    const chart = testChart();
    const shared = agents.map(a => new AgentJobTemplate(chart, `Job-${a.name}`, { fleet, agent: a.name, ...variant }));
    for (const template of shared) {
      const own = ownJob({ fleet, agent: template.agent.name, ...variant });
      expect(JSON.stringify(template.exampleJob)).toBe(JSON.stringify(own.exampleJob));
      expect(contractText(template)).toBe(contractText(own));
      expect(template.exampleJob.spec.template.spec.containers[0].image).toBe(template.agent.image);
    }
  });

  test('a patch through `job` reaches that agent\'s contract only', () => {
    const chart = testChart();
    const [patched, plain] = agents.slice(0, 2).map(a => new AgentJobTemplate(chart, `Job-${a.name}`, { fleet, agent: a.name }));
    expect(plain.exampleJob.metadata.name).toBe('investigation-template'); // the prototype exists before the patch
    ApiObject.of(patched.job).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'agents-low'));
    expect(JSON.parse(contractText(patched)).jobTemplate.spec.template.spec.priorityClassName).toBe('agents-low');
    expect(JSON.parse(contractText(plain)).jobTemplate.spec.template.spec.priorityClassName).toBeUndefined();
    expect(contractText(plain)).toBe(contractText(ownJob({ fleet, agent: plain.agent.name })));
  });

  test('each call returns a fresh object: editing one example Job changes no other', () => {
    const template = new AgentJobTemplate(testChart(), 'Job', { fleet, agent: 'diagnostics' });
    const first = template.exampleJob;
    first.spec.template.spec.containers[0].env.length = 0;
    first.metadata.labels.app = 'edited';
    expect(template.exampleJob).toEqual(ownJob({ fleet, agent: 'diagnostics' }).exampleJob);
  });

  test('property: any image string the fleet accepts lands verbatim in the Job', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9.-]{1,20}\/[a-z0-9._/-]{1,30}(:[A-Za-z0-9._-]{1,20})?$/), image => {
      let f: AgentFleet;
      try {
        f = new AgentFleet({ ...fleetProps(), agents: [{ name: 'diagnostics', image, ceiling: TrustPhase.READ_ONLY }] });
      } catch {
        return; // refused by the fleet's validation: not a template input
      }
      const t = new AgentJobTemplate(testChart(), 'Job', { fleet: f, agent: 'diagnostics' });
      expect(t.exampleJob.spec.template.spec.containers[0].image).toBe(image);
      expect(JSON.stringify(t.exampleJob)).toBe(JSON.stringify(ownJob({ fleet: f, agent: 'diagnostics' }).exampleJob));
    }), { numRuns: 40 });
  });

  test('a prototype whose stand-ins sit inside longer strings or keys is not used; whole ones are replaced in a fresh copy', () => {
    const f = new AgentFleet({ ...fleetProps(), agents });
    const objectOf = (data: { [k: string]: string }) => (chart: any) => new kplus.k8s.KubeConfigMap(chart, 'Resource', { data });
    const build = (data: (n: string, i: string) => { [k: string]: string }) => (chart: any, n: string, i: string) => objectOf(data(n, i))(chart);
    expect(JobPrototypes.jobJson(f, 'inside', 'diagnostics', 'img:1', build(n => ({ a: `${n}-x` })))).toBeUndefined();
    expect(JobPrototypes.jobJson(f, 'key', 'diagnostics', 'img:1', build(n => ({ [n]: 'v' })))).toBeUndefined();
    const whole = build((n, i) => ({ a: n, b: i, c: 'other' }));
    const first = JobPrototypes.jobJson(f, 'whole', 'diagnostics', 'img:1', whole);
    expect(first.data).toEqual({ a: 'diagnostics', b: 'img:1', c: 'other' });
    first.data.a = 'edited';
    expect(JobPrototypes.jobJson(f, 'whole', 'db-fixer', 'img:2', whole).data).toEqual({ a: 'db-fixer', b: 'img:2', c: 'other' });
    expect(JobPrototypes.jobJson(f, undefined, 'diagnostics', 'img:1', whole)).toBeUndefined();
  });
});
