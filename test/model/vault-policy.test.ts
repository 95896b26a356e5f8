import * as fc from 'fast-check';
import { defaultFleet, defaultFleetProps } from '../../examples/default/fleet';
import {
  AccessLevel, AgentFleet, Domain, PhaseDefinition, TrustLadder, TrustPhase, VaultPolicyDocument,
} from '../../lib/model';
import { ProblemCollector } from '../../lib/model/private/problem-collector';
import { baseFleet } from '../helpers/fleets';

const RULES = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }];
const PROMOTION = { minInvestigations: 1, minSuccessRate: 0.5, minDays: 1, requiredApprovals: 1 };

function fleetWith(ladder?: TrustLadder): AgentFleet {
  return baseFleet({ targetNamespaces: ['payments'], ladder });
}

describe('VaultPolicyDocument', () => {
  test('the standard ladder: shadow reads the LLM key only; each phase adds its level in every domain', () => {
    const docs = VaultPolicyDocument.forFleet(fleetWith());
    expect(docs.map(d => d.name)).toEqual(['agent-phase-shadow', 'agent-phase-read-only', 'agent-phase-limited-write', 'agent-phase-autonomous']);
    expect(docs[0].credentialPaths).toEqual(['agents/llm/data/read-only']);
    expect(docs[1].credentialPaths).toEqual([
      'agents/application/creds/read-only', 'agents/cloud/sts/read-only', 'agents/database/creds/read-only',
      'agents/llm/data/read-only', 'agents/network/sign/read-only']);
    expect(docs[3].credentialPaths).toHaveLength(15);
    expect(docs[3].capabilitiesOf('agents/network/sign/autonomous')).toEqual(['update']);
    expect(docs[3].capabilitiesOf('agents/application/creds/autonomous')).toEqual(['update']);
    expect(docs[3].capabilitiesOf('agents/database/creds/autonomous')).toEqual(['read']);
    expect(docs[2].capabilitiesOf('agents/database/creds/autonomous')).toEqual([]);
    expect(docs[0].toJson()).toEqual({ path: {
      'agents/llm/data/read-only': { capabilities: ['read'] },
      'auth/token/lookup-self': { capabilities: ['read'] },
      'auth/token/renew-self': { capabilities: ['update'] },
      'auth/token/revoke-self': { capabilities: ['update'] },
    } });
  });

  test('the fleet\'s credentialPaths and the document agree', () => {
    const f = fleetWith();
    for (const doc of VaultPolicyDocument.forFleet(f)) {
      expect(doc.credentialPaths).toEqual(f.credentialPaths(doc.phase));
    }
  });

  test('checkLadder reports a missing phase, a duplicate and a phase granting less than the one below', () => {
    const f = fleetWith();
    const [shadow, readOnly] = VaultPolicyDocument.forFleet(f);
    const greedyShadow = VaultPolicyDocument.forPhase(f, TrustPhase.SHADOW, [{ path: 'agents/llm/data/extra', capabilities: ['read'] }]);
    const problems = new ProblemCollector();
    VaultPolicyDocument._checkLadder(problems, 'Vault', f, [greedyShadow, readOnly, readOnly]);
    expect(problems.problems.map(p => `${p.path} ${p.field} = ${p.value}: ${p.message}`)).toEqual([
      'Vault policies = "read-only": phase "read-only" has 2 Vault policies with the same name',
      expect.stringMatching(/^Vault policies = "limited-write": phase "limited-write" has no Vault policy/),
      expect.stringMatching(/^Vault policies = "autonomous": phase "autonomous" has no Vault policy/),
      'Vault/agent-phase-read-only paths = "read-only": grants fewer paths than the phase below ("shadow"): missing agents/llm/data/extra read',
    ]);
    const clean = new ProblemCollector();
    VaultPolicyDocument._checkLadder(clean, 'Vault', f, VaultPolicyDocument.forFleet(f));
    expect(clean.problems).toEqual([]);
    expect(shadow.missing(readOnly)).toHaveLength(4);
  });

  test('an unknown phase throws, listing the phases', () => {
    expect(() => VaultPolicyDocument.forPhase(fleetWith(), TrustPhase.of('root'))).toThrow(/unknown trust phase "root"; this ladder has shadow, read-only, limited-write, autonomous/);
  });

  test('property: for any monotone ladder, each policy is exactly its levels\' paths and a superset of the one below', () => {
    const levels = [AccessLevel.NONE, ...AccessLevel.credentialLevels()];
    const domains = Domain.standard();
    // Per domain a non-decreasing sequence of level ranks over 1..4 phases.
    const ladderArb = fc.integer({ min: 1, max: 4 }).chain(n => fc.array(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }).map(a => [...a].sort()),
      { minLength: domains.length, maxLength: domains.length }));
    fc.assert(fc.property(ladderArb, ranks => {
      const n = ranks[0].length;
      const defs: PhaseDefinition[] = Array.from({ length: n }, (_, i) => ({
        phase: TrustPhase.of(`p${i}`), description: 'x', kubernetesRules: RULES,
        promotion: i > 0 ? PROMOTION : undefined,
        domainAccess: domains.map((domain, d) => ({ domain, level: levels[ranks[d][i]] })),
      }));
      const f = fleetWith(new TrustLadder(defs));
      const docs = VaultPolicyDocument.forFleet(f);
      docs.forEach((doc, i) => {
        const expected = new Set<string>();
        domains.forEach((domain, d) => {
          const resolved = f.domain(domain);
          for (let r = 1; r <= ranks[d][i]; r++) {
            expected.add(`${resolved.mountPath}/${resolved.engine.segment}/${levels[r].name}`);
          }
        });
        expect(new Set(doc.credentialPaths)).toEqual(expected);
        if (i > 0) {
          expect(doc.missing(docs[i - 1])).toEqual([]);
        }
        expect(doc.paths.some(p => p.startsWith('sys/'))).toBe(false);
      });
      const problems = new ProblemCollector();
      VaultPolicyDocument._checkLadder(problems, 'Vault', f, docs);
      expect(problems.problems).toEqual([]);
    }), { numRuns: 60 });
  });
});

describe('Kubernetes secrets engine creds paths carry parameter limits (issue #17)', () => {
  test('only kubernetes_namespace (the level ServiceAccounts\' namespace) and ttl; cluster_role_binding and audiences refused; other engines untouched', () => {
    // The default example with every phase rendered, so the autonomous policy exists.
    const f = new AgentFleet({ ...defaultFleetProps(), renderAllPhases: true });
    expect(() => VaultPolicyDocument.forPhase(defaultFleet(), TrustPhase.AUTONOMOUS)).toThrow(/above the highest agent ceiling \("read-only"\)/);
    const doc = VaultPolicyDocument.forPhase(f, TrustPhase.AUTONOMOUS).toJson();
    const k8s = Object.entries<any>(doc.path).filter(([p]) => p.startsWith('agents/application/creds/'));
    expect(k8s.length).toBeGreaterThan(0);
    for (const [, rule] of k8s) {
      expect(rule.allowed_parameters).toEqual({ kubernetes_namespace: [f.targetNamespaces[0]], ttl: [] });
      expect(rule.denied_parameters).toEqual({ cluster_role_binding: [], audiences: [] });
    }
    const others = Object.entries<any>(doc.path).filter(([p]) => !p.startsWith('agents/application/'));
    expect(others.every(([, r]) => r.allowed_parameters === undefined && r.denied_parameters === undefined)).toBe(true);
  });
});
