import {
  AgentFleet, Domain, EgressProtocol, EgressTarget, PhaseBinding, TrustDuration, TrustLadder, TrustPhase, VaultPolicyDocument,
} from '../../lib';
import { fleetProps } from './helpers';

describe('PhaseBinding', () => {
  test('the default fleet: one binding per phase, in ladder order, with the seed names, mount, audience and TTLs', () => {
    const fleet = new AgentFleet(fleetProps());
    expect(fleet.phaseBindings.map(b => b.phase.name)).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
    const b = fleet.bindingOf(TrustPhase.READ_ONLY);
    expect({
      serviceAccount: b.serviceAccount, namespace: b.namespace, vaultRole: b.vaultRole, vaultPolicy: b.vaultPolicy,
      authMountPath: b.authMountPath, jwtAuthMountPath: b.jwtAuthMountPath, loginMountPath: b.loginMountPath, loginMethod: b.loginMethod,
      audience: b.audience, tokenTtlSeconds: b.tokenTtlSeconds, tokenMaxTtlSeconds: b.tokenMaxTtlSeconds,
      tokenSubject: b.tokenSubject, kubernetesApi: b.kubernetesApi,
    }).toEqual({
      serviceAccount: 'agent-phase-read-only', namespace: 'agents', vaultRole: 'agent-phase-read-only', vaultPolicy: 'agent-phase-read-only',
      authMountPath: 'kubernetes-agents', jwtAuthMountPath: undefined, loginMountPath: 'kubernetes-agents', loginMethod: 'kubernetes',
      audience: 'vault', tokenTtlSeconds: 300, tokenMaxTtlSeconds: 960,
      tokenSubject: 'system:serviceaccount:agents:agent-phase-read-only', kubernetesApi: undefined,
    });
    expect(b.credentialPaths).toEqual([
      'agents/application/creds/read-only', 'agents/cloud/sts/read-only', 'agents/database/creds/read-only',
      'agents/llm/data/read-only', 'agents/network/sign/read-only',
    ]);
    // Vault only: the standard domains declare no endpoints.
    expect(b.egress.map(t => t.toString())).toEqual([fleet.vaultEgress.toString()]);
  });

  test('follows the fleet: namespace, mounts, TTLs, API access, per-phase paths and egress', () => {
    const api = EgressTarget.cidr('10.0.0.10/32', [{ port: 6443 }]);
    const db = EgressTarget.cidr('10.20.0.0/24', [{ port: 5432, protocol: EgressProtocol.TCP }]);
    const fleet = new AgentFleet(fleetProps({
      namespace: 'sre-agents',
      jobDeadline: TrustDuration.minutes(30),
      ttlMargin: TrustDuration.minutes(2),
      vaultTokenTtl: TrustDuration.minutes(4),
      vault: { address: 'https://vault:8200', authMountPath: '/k8s/agents/', investigationIdentityMountPath: 'jwt-agents' },
      kubernetesApi: api,
      domains: [{ domain: Domain.LLM }, { domain: Domain.DATABASE, egress: [db] }],
    }));
    const shadow = fleet.bindingOf(TrustPhase.SHADOW);
    const write = fleet.bindingOf(TrustPhase.LIMITED_WRITE);
    for (const b of [shadow, write]) {
      expect(b.namespace).toBe('sre-agents');
      // Slashes trimmed once, in the fleet; the binding carries the result.
      expect(b.authMountPath).toBe('k8s/agents');
      expect(b.jwtAuthMountPath).toBe('jwt-agents');
      expect([b.loginMountPath, b.loginMethod]).toEqual(['jwt-agents', 'jwt']);
      expect([b.tokenTtlSeconds, b.tokenMaxTtlSeconds]).toEqual([240, 1920]);
      expect(b.kubernetesApi).toBe(api);
    }
    // The shadow phase uses no database: neither its paths nor its egress name it.
    expect(shadow.credentialPaths).toEqual(['agents/llm/data/read-only']);
    expect(shadow.egress).toEqual([fleet.vaultEgress]);
    expect(write.credentialPaths).toEqual([
      'agents/database/creds/limited-write', 'agents/database/creds/read-only',
      'agents/llm/data/limited-write', 'agents/llm/data/read-only',
    ]);
    expect(write.egress).toEqual([fleet.vaultEgress, db]);
    expect(write.tokenSubject).toBe('system:serviceaccount:sre-agents:agent-phase-limited-write');
  });

  test('is what the rest of the model reads: the phase policy carries the binding\'s policy name', () => {
    const fleet = new AgentFleet(fleetProps());
    for (const b of fleet.phaseBindings) {
      const doc = VaultPolicyDocument.forPhase(fleet, b.phase);
      expect(doc.name).toBe(b.vaultPolicy);
      expect(doc.credentialPaths).toEqual(b.credentialPaths);
    }
    // The checker finds a phase's policy from the role its contract names.
    expect(PhaseBinding.policyOfRole('agent-phase-autonomous')).toBe(fleet.bindingOf(TrustPhase.AUTONOMOUS).vaultPolicy);
  });

  test('a custom ladder gets bindings for its own phases', () => {
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('observe'), description: 'reads', kubernetesRules: [] },
      { phase: TrustPhase.of('repair'), description: 'writes', kubernetesRules: [],
        promotion: { minInvestigations: 1, minSuccessRate: 1, maxPolicyViolations: 0, minDays: 1, requiredApprovals: 1 } },
    ]);
    const fleet = new AgentFleet(fleetProps({ ladder, domains: [] }));
    expect(fleet.phaseBindings.map(b => [b.phase.name, b.serviceAccount, b.vaultRole])).toEqual([
      ['observe', 'agent-phase-observe', 'agent-phase-observe'],
      ['repair', 'agent-phase-repair', 'agent-phase-repair'],
    ]);
    // TrustPhase.of gives a new object for a custom name: bindings are found by name.
    expect(fleet.bindingOf(TrustPhase.of('repair')).phase.name).toBe('repair');
  });

  test('bindings are built once and cannot be changed through their lists', () => {
    const fleet = new AgentFleet(fleetProps());
    expect(fleet.bindingOf(TrustPhase.SHADOW)).toBe(fleet.bindingOf(TrustPhase.SHADOW));
    fleet.phaseBindings.pop();
    expect(fleet.phaseBindings).toHaveLength(4);
    const b = fleet.bindingOf(TrustPhase.AUTONOMOUS);
    b.credentialPaths.push('sys/raw');
    b.egress.pop();
    expect(b.credentialPaths).not.toContain('sys/raw');
    expect(b.egress).toHaveLength(1);
  });

  test('a phase not on the ladder is refused, naming the phases of the fleet', () => {
    const fleet = new AgentFleet(fleetProps());
    expect(() => fleet.bindingOf(TrustPhase.of('root'))).toThrow(
      'unknown trust phase "root"; this fleet has shadow, read-only, limited-write, autonomous');
    expect(() => new PhaseBinding(fleet, TrustPhase.of('root'))).toThrow(
      'unknown trust phase "root"; this fleet has shadow, read-only, limited-write, autonomous');
  });
});
