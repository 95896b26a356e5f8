import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AgentNamespace, TrustDuration, ResourceQuantity } from '../../lib';
import { errorOf, find, ofKind, testChart, testFleet } from '../helpers/k8s-fixtures';

describe('AgentNamespace', () => {
  test('namespace, quota, limit range and default-deny policy with the seed values', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const ns = new AgentNamespace(chart, 'Namespace', { fleet: testFleet() });
    const out = Testing.synth(chart);
    // THEN
    expect(out.map(o => o.kind)).toEqual(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy']);
    const namespace = find(out, 'Namespace', 'agents');
    expect(namespace.metadata.namespace).toBeUndefined();
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(namespace.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      expect(namespace.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('latest');
    }
    const quota = find(out, 'ResourceQuota', 'agents-quota', 'agents');
    // 10 concurrent investigations (fleet default) × the seed's per-Job values.
    expect(quota.spec.hard).toEqual({
      'pods': '10',
      'requests.cpu': '5',
      'requests.memory': '10Gi',
      'limits.cpu': '20',
      'limits.memory': '40Gi',
      // 10 × ceil((900 + 3600) / 900) = 50 retained Job objects.
      'count/jobs.batch': '50',
    });
    expect(ns.retainedJobs).toBe(50);
    const limits = find(out, 'LimitRange', 'agents-limits', 'agents').spec.limits;
    expect(limits).toEqual([{
      type: 'Container',
      defaultRequest: { cpu: '500m', memory: '1Gi' },
      default: { cpu: '2', memory: '4Gi' },
      max: { cpu: '2', memory: '4Gi' },
    }]);
    const deny = find(out, 'NetworkPolicy', 'default-deny-all', 'agents');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(out).toMatchSnapshot();
  });

  test('the pods quota (not the Job count) follows the concurrency; the Job cap follows deadline and TTL', () => {
    const chart = testChart();
    new AgentNamespace(chart, 'Namespace', {
      fleet: testFleet({ maxConcurrentInvestigations: 3, jobDeadline: TrustDuration.minutes(10) }),
      jobTtlAfterFinished: TrustDuration.minutes(25),
      defaultCpuRequest: '250m',
      defaultMemoryRequest: '768Mi',
      defaultCpuLimit: '1500m',
      defaultMemoryLimit: '3Gi',
      maxCpu: '4',
      maxMemory: '8Gi',
      defaultDenyNetwork: false,
    });
    const out = Testing.synth(chart);
    expect(find(out, 'ResourceQuota', 'agents-quota').spec.hard).toEqual({
      'pods': '3',
      'requests.cpu': '750m',
      'requests.memory': '2304Mi',
      'limits.cpu': '4500m',
      'limits.memory': '9Gi',
      'count/jobs.batch': '12', // 3 × ceil((600 + 1500) / 600) = 3 × 4
    });
    expect(find(out, 'LimitRange', 'agents-limits').spec.limits[0].max).toEqual({ cpu: '4', memory: '8Gi' });
    expect(ofKind(out, 'NetworkPolicy')).toHaveLength(0);
  });

  test('an explicit retainedJobs cap is used as given', () => {
    const chart = testChart();
    new AgentNamespace(chart, 'Namespace', { fleet: testFleet(), retainedJobs: 200 });
    expect(find(Testing.synth(chart), 'ResourceQuota', 'agents-quota').spec.hard['count/jobs.batch']).toBe('200');
  });

  test('a chart namespace does not leak onto the cluster-scoped Namespace object', () => {
    const chart = new Chart(Testing.app(), 'ns-chart', { namespace: 'agents' });
    new AgentNamespace(chart, 'Namespace', { fleet: testFleet() });
    const out = Testing.synth(chart);
    expect(find(out, 'Namespace', 'agents').metadata.namespace).toBeUndefined();
    expect(find(out, 'ResourceQuota', 'agents-quota').metadata.namespace).toBe('agents');
  });

  test('bad quantities, limits below requests and a too-small Job cap are all reported at once', () => {
    const chart = testChart();
    const message = errorOf(() => new AgentNamespace(chart, 'Namespace', {
      fleet: testFleet(),
      defaultCpuRequest: 'lots',
      defaultMemoryRequest: '2Gi',
      defaultMemoryLimit: '1Gi',
      maxCpu: '1',
      retainedJobs: 5,
    }));
    expect(message).toContain('test/Namespace is invalid (4 problems)');
    expect(message).toContain('defaultCpuRequest = "lots": is not a Kubernetes quantity');
    expect(message).toContain('defaultMemoryLimit = "1Gi": is below defaultMemoryRequest ("2Gi")');
    expect(message).toContain('maxCpu = "1": is below defaultCpuLimit ("2")');
    expect(message).toContain('retainedJobs = 5: must be a whole number ≥ maxConcurrentInvestigations (10)');
  });

  test('zero quantities are refused', () => {
    const message = errorOf(() => new AgentNamespace(testChart(), 'Namespace', { fleet: testFleet(), defaultCpuLimit: '0' }));
    expect(message).toContain('defaultCpuLimit = "0": must be greater than zero');
  });
});

describe('AgentNamespace quota arithmetic (property)', () => {
  test('pods = concurrency; totals = concurrency × per-Job values; the Job cap covers every slot through deadline + TTL', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 240 }), fc.integer({ min: 0, max: 48 * 60 }),
      fc.constantFrom('100m', '250m', '500m', '1', '1500m'), fc.constantFrom('256Mi', '768Mi', '1Gi', '3Gi'),
      (concurrency, deadlineMinutes, ttlMinutes, cpu, memory) => {
        const chart = testChart();
        new AgentNamespace(chart, 'Namespace', {
          fleet: testFleet({ maxConcurrentInvestigations: concurrency, jobDeadline: TrustDuration.minutes(deadlineMinutes), ttlMargin: TrustDuration.seconds(0) }),
          jobTtlAfterFinished: TrustDuration.minutes(ttlMinutes),
          defaultCpuRequest: cpu, defaultMemoryRequest: memory, defaultCpuLimit: '4', defaultMemoryLimit: '8Gi',
        });
        const hard = find(Testing.synth(chart), 'ResourceQuota', 'agents-quota').spec.hard;
        expect(hard.pods).toBe(`${concurrency}`);
        expect(ResourceQuantity.parse(hard['requests.cpu'])).toBeCloseTo(ResourceQuantity.parse(cpu) * concurrency, 6);
        expect(ResourceQuantity.parse(hard['requests.memory'])).toBe(ResourceQuantity.parse(memory) * concurrency);
        expect(ResourceQuantity.parse(hard['limits.memory'])).toBe(8 * 2 ** 30 * concurrency);
        const jobs = Number(hard['count/jobs.batch']);
        expect(jobs).toBe(concurrency * Math.ceil((deadlineMinutes + ttlMinutes) / deadlineMinutes));
        expect(jobs).toBeGreaterThanOrEqual(concurrency);
      }), { numRuns: 60 });
  });
});
