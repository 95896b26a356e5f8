import * as fc from 'fast-check';
import { problemsOf } from '../helpers/problems';
import * as fs from 'fs';
import * as path from 'path';
import { PromotionEvidence, PromotionGate } from '../../lib/model/promotion-gate';
import { DemotionTrigger } from '../../lib/model/promotion';
import { TrustLadder } from '../../lib/model/trust-ladder';

const ladder = TrustLadder.standard();

/** Evidence that meets the standard criteria for read-only → limited-write (50, 0.9, 0, 14 days, 2 approvals). */
function good(overrides: any = {}): PromotionEvidence {
  return {
    agent: 'diagnostics',
    currentPhase: 'read-only',
    investigations: 50,
    successRate: 0.9,
    policyViolations: 0,
    daysInPhase: 14,
    approvals: [{ approver: 'alice', approvedAt: '2026-11-20T10:00:00Z' }, { approver: 'bob' }],
    ...overrides,
  };
}


describe('PromotionGate', () => {
  test('evidence exactly at every threshold is eligible', () => {
    const d = PromotionGate.evaluate(ladder, 'limited-write', good());
    expect(d).toEqual({ agent: 'diagnostics', fromPhase: 'read-only', toPhase: 'limited-write', eligible: true, unmet: [], demotionsDue: [] });
  });

  describe('each criterion, just below its threshold', () => {
    test.each([
      ['minInvestigations', { investigations: 49 }, '≥ 50', '49'],
      ['minSuccessRate', { successRate: 0.89 }, '≥ 0.9', '0.89'],
      ['maxPolicyViolations', { policyViolations: 1 }, '≤ 0', '1'],
      ['minDays', { daysInPhase: 13.5 }, '≥ 14', '13.5'],
      ['requiredApprovals', { approvals: [{ approver: 'alice' }] }, '≥ 2 distinct approver(s)', '1 (alice)'],
      ['securityIncidents', { securityIncidents: 1 }, '0', '1'],
    ])('%s', (criterion, overrides, required, observed) => {
      const d = PromotionGate.evaluate(ladder, 'limited-write', good(overrides));
      expect(d.eligible).toBe(false);
      expect(d.unmet.map(u => u.criterion)).toEqual([criterion]);
      expect(d.unmet[0].required).toBe(required);
      expect(d.unmet[0].observed).toBe(observed);
    });
  });

  test('lists every unmet criterion at once', () => {
    const d = PromotionGate.evaluate(ladder, 'limited-write', good({
      investigations: 3, successRate: 0.5, policyViolations: 2, daysInPhase: 1, approvals: [], securityIncidents: 1,
    }));
    expect(d.unmet.map(u => u.criterion)).toEqual([
      'minInvestigations', 'minSuccessRate', 'maxPolicyViolations', 'minDays', 'requiredApprovals', 'securityIncidents',
    ]);
    expect(d.unmet[0].message).toBe('3 investigations in "read-only", 50 required');
    expect(d.demotionsDue.map(x => x.trigger)).toEqual(['policy-violation', 'security-incident']);
  });

  test('approvals count distinct people; the agent cannot approve itself', () => {
    const approvals = [{ approver: 'alice' }, { approver: ' Alice ' }, { approver: 'ALICE' }, { approver: 'diagnostics' }];
    const d = PromotionGate.evaluate(ladder, 'limited-write', good({ approvals }));
    expect(d.unmet).toEqual([expect.objectContaining({ criterion: 'requiredApprovals', observed: '1 (alice)' })]);
  });

  test('with both rates given the lower one counts', () => {
    expect(PromotionGate.evaluate(ladder, 'limited-write', good({ successRate: 0.99, agreementRate: 0.5 })).unmet[0])
      .toEqual(expect.objectContaining({ criterion: 'minSuccessRate', observed: '0.5' }));
    const shadow = good({ currentPhase: 'shadow', successRate: undefined, agreementRate: 0.95, investigations: 25, daysInPhase: 7 });
    expect(PromotionGate.evaluate(ladder, 'read-only', shadow).eligible).toBe(true);
  });

  test('a maxPolicyViolations criterion above zero is honoured', () => {
    const lenient = new PromotionGate([
      { phase: 'a', demotionTriggers: [] },
      { phase: 'b', criteria: { minInvestigations: 1, minSuccessRate: 0, maxPolicyViolations: 2, minDays: 0, requiredApprovals: 0 }, demotionTriggers: [] },
    ]);
    const ev = good({ currentPhase: 'a', policyViolations: 2 });
    expect(lenient.check('b', ev).eligible).toBe(true);
    expect(lenient.check('b', { ...ev, policyViolations: 3 }).unmet.map(u => u.criterion)).toEqual(['maxPolicyViolations']);
  });

  describe('steps it refuses', () => {
    test('a skip of more than one phase', () => {
      const d = PromotionGate.evaluate(ladder, 'autonomous', good());
      expect(d.eligible).toBe(false);
      expect(d.unmet).toEqual([{
        criterion: 'step', required: '"limited-write" (one phase up from "read-only")', observed: '"autonomous"',
        message: 'promotion skips 1 phase(s): promote to "limited-write" first and collect evidence there',
      }]);
    });

    test('a demotion and a same-phase request', () => {
      expect(PromotionGate.evaluate(ladder, 'shadow', good()).unmet[0].message).toContain('that is a demotion');
      expect(PromotionGate.evaluate(ladder, 'read-only', good()).unmet[0].message).toBe('"read-only" is the current phase; nothing to promote');
    });

    test('evidence from another phase than --from', () => {
      const d = PromotionGate.evaluate(ladder, 'limited-write', good({ currentPhase: 'shadow' }), 'read-only');
      expect(d.unmet.map(u => u.criterion)).toEqual(['evidence']);
      expect(d.unmet[0].message).toContain('collected in "shadow", not in "read-only"');
    });

    test('a phase without criteria', () => {
      const gate = new PromotionGate([{ phase: 'a', demotionTriggers: [] }, { phase: 'b', demotionTriggers: [] }]);
      const d = gate.check('b', good({ currentPhase: 'a' }));
      expect(d.unmet[0].criterion).toBe('step');
      expect(d.unmet[0].message).toContain('declares no promotion criteria');
    });

    test('unknown phases are validation errors naming field and value', () => {
      const problems = problemsOf(() => PromotionGate.evaluate(ladder, 'god-mode', good({ currentPhase: 'root' })));
      expect(problems.map(p => `${p.field}=${p.value}`)).toEqual(['toPhase="god-mode"', 'fromPhase="root"']);
      expect(problems[0].hint).toBe('use one of: shadow, read-only, limited-write, autonomous');
      const more = problemsOf(() => PromotionGate.evaluate(ladder, 'limited-write', good({ currentPhase: 'root' }), 'read-only'));
      expect(more.map(p => `${p.field}=${p.value}`)).toEqual(['evidence.currentPhase="root"']);
    });
  });

  describe('demotion triggers', () => {
    test('policy violation and security incident fire by default', () => {
      const due = PromotionGate.demotionsDue(ladder, good({ policyViolations: 1, securityIncidents: 2 }));
      expect(due).toEqual([
        { trigger: 'policy-violation', observed: '1 policy violation(s)', demoteTo: 'shadow' },
        { trigger: 'security-incident', observed: '2 security incident(s)', demoteTo: 'shadow' },
      ]);
      expect(PromotionGate.demotionsDue(ladder, good())).toEqual([]);
    });

    test('a success-rate drop fires only where it is a trigger (autonomous)', () => {
      const auto = good({ currentPhase: 'autonomous', successRate: 0.94 });
      expect(PromotionGate.demotionsDue(ladder, auto)).toEqual([
        { trigger: DemotionTrigger.SUCCESS_RATE_DROP.id, observed: 'rate 0.94 below 0.95', demoteTo: 'limited-write' },
      ]);
      expect(PromotionGate.demotionsDue(ladder, good({ successRate: 0.1 }))).toEqual([]);
    });

    test('custom triggers fire when reported; the lowest phase demotes to stopping', () => {
      const gate = new PromotionGate([{ phase: 'only', demotionTriggers: ['cost-overrun'] }]);
      expect(gate.demotionsFor(good({ currentPhase: 'only', triggeredEvents: ['cost-overrun', 'other'] })))
        .toEqual([{ trigger: 'cost-overrun', observed: 'reported in triggeredEvents', demoteTo: '(stop the agent)' }]);
    });

    test('a due demotion blocks an otherwise eligible promotion', () => {
      const gate = PromotionGate.fromLadder(ladder);
      const d = gate.check('limited-write', good({ triggeredEvents: [] , securityIncidents: 0 }));
      expect(d.eligible).toBe(true);
      const custom = new PromotionGate([
        { phase: 'read-only', demotionTriggers: ['cost-overrun'] },
        { phase: 'limited-write', criteria: ladder.definition(ladder.phase('limited-write')).promotion, demotionTriggers: [] },
      ]);
      const blocked = custom.check('limited-write', good({ triggeredEvents: ['cost-overrun'] }));
      expect(blocked.unmet).toEqual([]);
      expect(blocked.eligible).toBe(false);
    });
  });

  describe('evidence validation', () => {
    test('every problem is collected, naming field and value', () => {
      const problems = problemsOf(() => PromotionGate.parseEvidence({
        agent: '', currentPhase: 3, investigations: -1, successRate: 1.2, agreementRate: '0.9', policyViolations: 0.5,
        daysInPhase: 'two weeks', approvals: [{ approver: '' }, { approver: 'bob', approvedAt: 'yesterday' }], securityIncidents: null,
        triggeredEvents: 'x',
      }, 'evidence.json'));
      expect(problems.map(p => `${p.field}=${p.value}`)).toEqual([
        'agent=""', 'currentPhase=3', 'investigations=-1', 'policyViolations=0.5', 'securityIncidents=null',
        'successRate=1.2', 'agreementRate="0.9"', 'daysInPhase="two weeks"', 'approvals[0].approver=""',
        'approvals[1].approvedAt="yesterday"', 'triggeredEvents="x"',
      ]);
      expect(problems.every(p => p.path === 'evidence.json')).toBe(true);
    });

    test('a rate is required, and the document must be an object', () => {
      const { successRate: _, ...noRate } = good() as any;
      expect(problemsOf(() => PromotionGate.parseEvidence(noRate)).map(p => p.message)).toEqual(['is missing (and so is agreementRate)']);
      expect(problemsOf(() => PromotionGate.parseEvidence([good()]))[0].message).toBe('must be a JSON object');
      expect(problemsOf(() => PromotionGate.parseEvidence({ ...good(), approvals: 'alice' }))[0].field).toBe('approvals');
    });

    test('evaluate validates the evidence too', () => {
      expect(problemsOf(() => PromotionGate.evaluate(ladder, 'limited-write', good({ investigations: '50' })))[0].field).toBe('investigations');
    });
  });

  test('a gate from the contract uses its per-phase criteria and triggers', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'launcher', 'fixtures', 'diagnostics-contract.json'), 'utf8'));
    const gate = PromotionGate.fromContract(doc);
    expect(gate.phases).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
    expect(gate.criteriaOf('limited-write')).toEqual(ladder.definition(ladder.phase('limited-write')).promotion);
    expect(gate.criteriaOf('shadow')).toBeUndefined();
    expect(() => gate.criteriaOf('nope')).toThrow('unknown trust phase "nope"; this ladder has shadow, read-only, limited-write, autonomous');
    expect(gate.check('limited-write', good()).eligible).toBe(true);
    doc.phases.forEach((p: any) => delete p.demotionTriggers);
    expect(PromotionGate.fromContract(doc).demotionsFor(good({ policyViolations: 1 })).map(d => d.trigger)).toEqual(['policy-violation']);
  });

  test('property: eligible exactly when every figure meets its threshold', () => {
    const criteria = ladder.definition(ladder.phase('limited-write')).promotion!;
    fc.assert(fc.property(
      fc.nat(120), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(3), fc.double({ min: 0, max: 40, noNaN: true }),
      fc.array(fc.constantFrom('alice', 'bob', 'carol', 'Bob'), { maxLength: 4 }), fc.nat(2),
      (investigations, successRate, policyViolations, daysInPhase, approvers, securityIncidents) => {
        const ev = good({ investigations, successRate, policyViolations, daysInPhase, securityIncidents,
          approvals: approvers.map(a => ({ approver: a })) });
        const distinct = new Set(approvers.map(a => a.toLowerCase())).size;
        const expected = investigations >= criteria.minInvestigations && successRate >= criteria.minSuccessRate
          && policyViolations <= (criteria.maxPolicyViolations ?? 0) && daysInPhase >= criteria.minDays
          && distinct >= criteria.requiredApprovals && securityIncidents === 0;
        const d = PromotionGate.evaluate(ladder, 'limited-write', ev);
        expect(d.eligible).toBe(expected);
        expect(d.unmet.length === 0).toBe(expected);
      }), { numRuns: 1000 });
  });
});
