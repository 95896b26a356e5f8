import * as fc from 'fast-check';
import { KubernetesRule, PermissionSet, TrustLadder } from '../../lib';
import { RuleCoverage } from '../../lib/model/private/rule-coverage';

// RuleCoverage is the quick path of the monotonicity checks (TrustLadder,
// LadderServiceAccounts): it may only say "covers" when the exact
// permission sets agree; when it says no, the exact comparison runs.
const word = fc.constantFrom('', 'apps', 'batch', 'pods', 'pods/log', 'deployments', 'get', 'list', 'delete', 'a', 'b');
const rule: fc.Arbitrary<KubernetesRule> = fc.record({
  apiGroups: fc.array(word, { minLength: 1, maxLength: 3 }),
  resources: fc.array(word, { minLength: 1, maxLength: 3 }),
  verbs: fc.array(word, { minLength: 1, maxLength: 3 }),
  resourceNames: fc.option(fc.array(word, { maxLength: 2 }), { nil: undefined }),
  clusterScoped: fc.option(fc.boolean(), { nil: undefined }),
});
const covers = (higher: KubernetesRule[], lower: KubernetesRule[]): boolean =>
  PermissionSet.fromRules(higher, ['ns']).missing(PermissionSet.fromRules(lower, ['ns'])).length === 0;

describe('RuleCoverage.repeatsAll', () => {
  test('property: when it says a phase repeats every rule below, the phase grants at least as much', () => {
    fc.assert(fc.property(fc.array(rule, { maxLength: 5 }), fc.array(rule, { maxLength: 5 }), fc.boolean(), (extra, lower, copy) => {
      // Higher phases built as users and the standard ladder build them: the lower rules (or copies) plus more.
      const repeated = copy ? lower.map(r => ({ ...r })) : lower;
      const higher = [...extra, ...repeated];
      expect(RuleCoverage.repeatsAll(higher, lower)).toBe(true);
      expect(covers(higher, lower)).toBe(true);
    }), { numRuns: 300 });
  });

  test('property: it never says yes where the exact sets find a missing grant', () => {
    fc.assert(fc.property(fc.array(rule, { maxLength: 4 }), fc.array(rule, { maxLength: 4 }), (higher, lower) => {
      if (RuleCoverage.repeatsAll(higher, lower)) {
        expect(covers(higher, lower)).toBe(true);
      }
    }), { numRuns: 500 });
  });

  test('a rule missing above, a changed verb or a different scope is not "repeated"; empty and absent names are the same', () => {
    const r: KubernetesRule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
    expect(RuleCoverage.repeatsAll([], [r])).toBe(false);
    expect(RuleCoverage.repeatsAll([{ ...r, verbs: ['list'] }], [r])).toBe(false);
    expect(RuleCoverage.repeatsAll([{ ...r, clusterScoped: true }], [r])).toBe(false);
    expect(RuleCoverage.repeatsAll([{ ...r, resourceNames: ['x'] }], [r])).toBe(false);
    expect(RuleCoverage.repeatsAll([{ ...r, resourceNames: [] }], [r])).toBe(true);
    expect(RuleCoverage.repeatsAll([{ ...r, clusterScoped: false }], [r])).toBe(true);
  });

  test('the standard ladder takes the quick path for every pair of phases', () => {
    const ladder = TrustLadder.standard();
    const defs = ladder.phases.map(p => ladder.definition(p));
    for (let i = 1; i < defs.length; i++) {
      expect(RuleCoverage.repeatsAll(defs[i].kubernetesRules, defs[i - 1].kubernetesRules)).toBe(true);
    }
  });
});
