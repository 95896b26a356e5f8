import { Testing } from 'cdk8s';
import {
  AgentFleet, AgentJobTemplate, AgentNamespace, AgentTrustErrors, TrustDuration, LadderServiceAccounts, TrustPhase,
} from '../../lib';
import { errorOf, fleetProps, testChart } from '../helpers/k8s-fixtures';

/**
 * Bad declarations never reach the Kubernetes constructs: the fleet every
 * construct takes refuses them, naming field and value, before any object
 * exists. These tests pin the messages a user of lib/k8s sees.
 */
describe('bad fleet inputs fail before synth, naming field and value', () => {
  test('a target namespace that is not a DNS label', () => {
    const message = errorOf(() => new AgentFleet({ ...fleetProps(), targetNamespaces: ['payments', 'Check_Out'] }));
    expect(message).toContain('targetNamespaces[1] = "Check_Out": is not an RFC 1123 DNS label');
  });

  test('a deadline of 0', () => {
    const message = errorOf(() => new AgentFleet({ ...fleetProps(), jobDeadline: TrustDuration.seconds(0) }));
    expect(message).toContain('jobDeadline = "0s": must be at least one whole second');
  });

  test('an image with neither tag nor digest, and :latest', () => {
    const props = fleetProps();
    const message = errorOf(() => new AgentFleet({
      ...props,
      agents: [
        { name: 'a', image: 'registry.example.com/agents/a' },
        { name: 'b', image: 'registry.example.com/agents/b:latest' },
      ],
    }));
    expect(message).toContain('agents[0]: image = "registry.example.com/agents/a": is not an image pinned by tag or digest');
    expect(message).toContain('agents[1]: image = "registry.example.com/agents/b:latest": is not an image pinned');
  });

  test('an agent ceiling that is not on the ladder', () => {
    const message = errorOf(() => new AgentFleet({
      ...fleetProps(),
      agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.0.0', ceiling: TrustPhase.of('god-mode') }],
    }));
    expect(message).toContain('ceiling = "god-mode": is not a phase of the ladder');
  });

  test('several problems are reported together, as structured problems', () => {
    let error: unknown;
    try {
      new AgentFleet({ ...fleetProps(), namespace: 'Agents', targetNamespaces: ['-x'], maxConcurrentInvestigations: 0 });
    } catch (e) {
      error = e;
    }
    expect(AgentTrustErrors.isValidationError(error)).toBe(true);
    const fields = AgentTrustErrors.problemsOf(error).map(p => `${p.field}=${p.value}`);
    expect(fields).toEqual(expect.arrayContaining(['namespace="Agents"', 'targetNamespaces[0]="-x"', 'maxConcurrentInvestigations=0']));
  });

  test('a valid fleet synthesizes with every construct', () => {
    const fleet = new AgentFleet({ ...fleetProps(), maxConcurrentInvestigations: 2 });
    const chart = testChart();
    new AgentNamespace(chart, 'Namespace', { fleet });
    new LadderServiceAccounts(chart, 'Phases', { fleet });
    new AgentJobTemplate(chart, 'Job', { fleet, agent: 'diagnostics' });
    expect(Testing.synth(chart).length).toBeGreaterThan(10);
  });
});
