import { Policy } from '@cdktf/provider-vault/lib/policy';
import { Testing } from 'cdktf';
import {
  AccessLevel, AgentFleet, Domain, EngineConfig, PhaseDefinition, TrustLadder, TrustPhase, TrustPhasePolicy, VaultDomainSecretEngine,
} from '../../lib';
import { engines, errorOf, fleet, problemsOf, resources, stack } from './fixtures';

/**
 * The expected policy of a phase, computed here from the ladder's phase
 * definitions and a hand-written table of engine endpoints — not with the
 * library's own path function.
 */
const ENDPOINT: { [domain: string]: { segment: string; capability: string } } = {
  network: { segment: 'sign', capability: 'update' },
  database: { segment: 'creds', capability: 'read' },
  application: { segment: 'creds', capability: 'update' },
  llm: { segment: 'data', capability: 'read' },
  cloud: { segment: 'sts', capability: 'read' },
};
const ORDER = ['none', 'read-only', 'limited-write', 'autonomous'];

function expectedPolicy(def: PhaseDefinition, domains: string[]): { [path: string]: string[] } {
  const out: { [path: string]: string[] } = {
    'auth/token/lookup-self': ['read'],
    'auth/token/renew-self': ['update'],
    'auth/token/revoke-self': ['update'],
  };
  for (const domain of domains) {
    const level = (def.domainAccess ?? []).find(a => a.domain.name === domain)?.level.name ?? def.defaultAccess?.name ?? 'none';
    for (let i = 1; i <= ORDER.indexOf(level); i++) {
      out[`agents/${domain}/${ENDPOINT[domain].segment}/${ORDER[i]}`] = [ENDPOINT[domain].capability];
    }
  }
  return out;
}

function policiesOf(json: any): { [name: string]: any } {
  const out: { [name: string]: any } = {};
  for (const p of Object.values(resources(json, 'vault_policy')) as any[]) {
    out[p.name] = JSON.parse(p.policy);
  }
  return out;
}

describe('TrustPhasePolicy', () => {
  test('every phase policy holds exactly the paths the ladder gives it, with the endpoint\'s capability', () => {
    const f = fleet();
    const out = Testing.synthScope(scope => {
      TrustPhasePolicy.forFleet(scope, f, { enginesManagedElsewhere: true });
    });
    const policies = policiesOf(JSON.parse(out));
    expect(Object.keys(policies).sort()).toEqual(['agent-phase-autonomous', 'agent-phase-limited-write', 'agent-phase-read-only', 'agent-phase-shadow']);
    for (const def of f.ladder.definitions) {
      const doc = policies[`agent-phase-${def.phase.name}`];
      const actual: { [path: string]: string[] } = {};
      for (const [p, v] of Object.entries(doc.path) as Array<[string, any]>) {
        actual[p] = v.capabilities;
      }
      expect(Object.keys(doc)).toEqual(['path']);
      expect(actual).toEqual(expectedPolicy(def, ['network', 'database', 'application', 'llm', 'cloud']));
      // Never anything under sys/, never a wildcard, never sudo.
      expect(Object.keys(actual).filter(p => p.startsWith('sys/') || p.includes('*') || p.includes('+'))).toEqual([]);
      expect(Object.values(actual).flat()).not.toContain('sudo');
    }
    // Spot checks against the design table, written out by hand.
    expect(Object.keys(policies['agent-phase-shadow'].path)).toEqual(
      ['agents/llm/data/read-only', 'auth/token/lookup-self', 'auth/token/renew-self', 'auth/token/revoke-self']);
    expect(Object.keys(policies['agent-phase-autonomous'].path)).toHaveLength(15 + 3);
    expect(out).toHaveResourceWithProperties(Policy, { name: 'agent-phase-read-only' });
    expect(JSON.parse(out)).toMatchSnapshot();
  });

  test('a custom ladder and custom mount paths change the paths accordingly', () => {
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
    const promotion = { minInvestigations: 1, minSuccessRate: 0.5, minDays: 1, requiredApprovals: 1 };
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('observe'), description: 'db read', kubernetesRules: rules, domainAccess: [{ domain: Domain.DATABASE, level: AccessLevel.READ_ONLY }] },
      { phase: TrustPhase.of('fix'), description: 'db write', kubernetesRules: rules, promotion,
        domainAccess: [{ domain: Domain.DATABASE, level: AccessLevel.AUTONOMOUS }, { domain: Domain.LLM, level: AccessLevel.READ_ONLY }] },
    ]);
    const f = fleet({ ladder, domains: [{ domain: Domain.DATABASE, mountPath: 'team-a/db' }, { domain: Domain.LLM }] });
    const policies = policiesOf(JSON.parse(Testing.synthScope(scope => {
      TrustPhasePolicy.forFleet(scope, f, { enginesManagedElsewhere: true });
    })));
    expect(Object.keys(policies['agent-phase-observe'].path)).toEqual(['auth/token/lookup-self', 'auth/token/renew-self', 'auth/token/revoke-self', 'team-a/db/creds/read-only']);
    expect(Object.keys(policies['agent-phase-fix'].path)).toEqual(['agents/llm/data/read-only', 'auth/token/lookup-self', 'auth/token/renew-self',
      'auth/token/revoke-self', 'team-a/db/creds/autonomous', 'team-a/db/creds/limited-write', 'team-a/db/creds/read-only']);
  });

  test('additional rules are checked: sys/, wildcards beyond one credential path, sudo, paths outside the mounts', () => {
    const problems = problemsOf(() => new TrustPhasePolicy(stack(), 'P', {
      fleet: fleet(), phase: TrustPhase.READ_ONLY, additionalRules: [
        { path: 'sys/leases/renew', capabilities: ['update'] },
        { path: 'agents/*', capabilities: ['read'] },
        { path: 'agents/database/creds/*', capabilities: ['sudo'] },
        { path: 'secret/data/team', capabilities: ['read'] },
      ],
    }));
    expect(problems.map(p => `${p.field} = ${p.value}: ${p.message}`)).toEqual([
      expect.stringMatching(/^additionalRules\[0\]\.path = "sys\/leases\/renew": is under sys\//),
      expect.stringMatching(/^additionalRules\[1\]\.path = "agents\/\*": has a wildcard outside one engine's own credential path/),
      expect.stringMatching(/^additionalRules\[2\]\.capabilities\[0\] = "sudo": sudo unlocks root-protected paths/),
      expect.stringMatching(/^additionalRules\[3\]\.path = "secret\/data\/team": is outside every mount/),
    ]);
  });

  test('a wildcard right below one engine\'s credential path is allowed', () => {
    const f = fleet();
    const out = JSON.parse(Testing.synthScope(scope => {
      new TrustPhasePolicy(scope, 'P', { fleet: f, phase: TrustPhase.SHADOW, enginesManagedElsewhere: true,
        additionalRules: [{ path: 'agents/llm/data/shared-*', capabilities: ['read'] }] });
    }));
    expect(policiesOf(out)['agent-phase-shadow'].path['agents/llm/data/shared-*']).toEqual({ capabilities: ['read'] });
  });

  test('a phase granting fewer paths than the phase below fails synth', () => {
    const f = fleet();
    const s = stack();
    new TrustPhasePolicy(s, 'Shadow', { fleet: f, phase: TrustPhase.SHADOW, enginesManagedElsewhere: true,
      additionalRules: [{ path: 'agents/llm/data/shadow-only', capabilities: ['read'] }] });
    new TrustPhasePolicy(s, 'ReadOnly', { fleet: f, phase: TrustPhase.READ_ONLY, enginesManagedElsewhere: true });
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/test\/ReadOnly: paths = "read-only": grants fewer paths than the phase below \("shadow"\): missing agents\/llm\/data\/shadow-only read/);
  });

  test('a phase using a domain with no engine in the stack fails synth; enginesManagedElsewhere lifts it', () => {
    const f = fleet();
    const s = stack();
    new VaultDomainSecretEngine(s, 'Llm', { fleet: f, domain: Domain.LLM, config: EngineConfig.kvV2() });
    TrustPhasePolicy.forFleet(s, f);
    const message = errorOf(() => Testing.synth(s, true));
    expect(message).toMatch(/\[test\/Policy-read-only\] test\/Policy-read-only: engines\(database\) = "agents\/database": phase "read-only" is granted agents\/database\/creds\/read-only but no VaultDomainSecretEngine serves domain "database"/);
    expect(message).not.toMatch(/Policy-shadow/);
    const ok = stack();
    TrustPhasePolicy.forFleet(ok, f, { enginesManagedElsewhere: true });
    expect(() => Testing.synth(ok, true)).not.toThrow();
  });

  test('two policies for one phase fail synth', () => {
    const f = fleet();
    const s = stack();
    new TrustPhasePolicy(s, 'A', { fleet: f, phase: TrustPhase.SHADOW, enginesManagedElsewhere: true });
    new TrustPhasePolicy(s, 'B', { fleet: f, phase: TrustPhase.SHADOW, enginesManagedElsewhere: true });
    expect(errorOf(() => Testing.synth(s, true))).toMatch(/test\/A: phase = "shadow": has 2 policies in this stack/);
  });

  test('a phase not on the ladder fails', () => {
    const problems = problemsOf(() => new TrustPhasePolicy(stack(), 'P', { fleet: fleet(), phase: TrustPhase.of('root') }));
    expect(problems).toEqual([expect.objectContaining({ field: 'phase', value: '"root"', hint: 'use one of shadow, read-only, limited-write, autonomous' })]);
  });

  test('with every engine in the stack, validations pass', () => {
    const f: AgentFleet = fleet();
    const s = stack();
    for (const e of engines(s)) {
      new VaultDomainSecretEngine(s, `E-${e.domain.name}`, { fleet: f, domain: e.domain, config: e.config });
    }
    TrustPhasePolicy.forFleet(s, f);
    expect(() => Testing.synth(s, true)).not.toThrow();
    // An equal fleet declared again finds the same engines (matched by mount path and kind).
    const again = stack();
    for (const e of engines(again)) {
      new VaultDomainSecretEngine(again, `E-${e.domain.name}`, { fleet: fleet(), domain: e.domain, config: e.config });
    }
    TrustPhasePolicy.forFleet(again, fleet());
    expect(() => Testing.synth(again, true)).not.toThrow();
  });
});
