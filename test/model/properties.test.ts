import fc from 'fast-check';
import {
  AgentFleet, AgentTrustErrors, TrustDuration, TrustNames, ResourceQuantity, TrustLadder, TrustPhase,
} from '../../lib';
import { fleetProps } from './helpers';
import { ProblemCollector } from '../../lib/model/private/problem-collector';

const RUNS = { numRuns: 1000 };
// Strings that are often valid labels, plus anything at all.
const labelish = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,70}[a-z0-9])?$/),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

function referenceDnsLabel(s: string): boolean {
  if (s.length < 1 || s.length > 63) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(c === '-' && i > 0 && i < s.length - 1)) return false;
  }
  return true;
}

describe('property: names taken from users', () => {
  test('isDnsLabel agrees with a character-by-character reference', () => {
    fc.assert(fc.property(labelish, s => TrustNames.isDnsLabel(s) === referenceDnsLabel(s)), RUNS);
  });

  test('checkDnsLabel accepts exactly the labels within the limit and names the value otherwise', () => {
    fc.assert(fc.property(labelish, fc.integer({ min: 1, max: 63 }), (s, max) => {
      const problems = new ProblemCollector();
      const ok = TrustNames._checkDnsLabel(problems, 'p', 'f', s, max);
      expect(ok).toBe(referenceDnsLabel(s) && s.length <= max);
      if (!ok) {
        expect(problems.problems).toHaveLength(1);
        expect(problems.problems[0].value).toBe(JSON.stringify(s));
        expect(problems.problems[0].field).toBe('f');
      }
    }), RUNS);
  });

  test('an accepted investigation id always yields a valid Job name and label value', () => {
    fc.assert(fc.property(labelish, id => {
      if (TrustNames.isInvestigationId(id)) {
        expect(TrustNames.isDnsLabel(TrustNames.jobName(id))).toBe(true);
        expect(TrustNames.isLabelValue(id)).toBe(true);
      } else {
        expect(referenceDnsLabel(id) && id.length <= 49).toBe(false);
      }
    }), RUNS);
  });

  test('a fleet built from arbitrary namespace, target and agent names is valid or fails with a validation error naming the value', () => {
    fc.assert(fc.property(labelish, labelish, labelish, (ns, target, agent) => {
      try {
        const fleet = new AgentFleet(fleetProps({
          namespace: ns, targetNamespaces: [target],
          agents: [{ name: agent, image: 'registry.example.com/a:1' }],
        }));
        expect([ns, target, agent].every(referenceDnsLabel)).toBe(true);
        expect(fleet.namespace).toBe(ns);
      } catch (e) {
        expect(AgentTrustErrors.isValidationError(e)).toBe(true);
        const values = AgentTrustErrors.problemsOf(e).map(p => p.value);
        const bad = [ns, target, agent].filter(v => !referenceDnsLabel(v));
        if (bad.length > 0) {
          expect(values).toEqual(expect.arrayContaining(bad.map(v => JSON.stringify(v))));
        } else {
          expect(target).toBe(ns); // the only other failure: the agent namespace as its own target
        }
      }
    }), { numRuns: 300 });
  });

  test('arbitrary phase names: a ladder accepts exactly DNS labels that fit agent-phase-<name>', () => {
    fc.assert(fc.property(labelish, name => {
      const ladder = new TrustLadder([{ phase: TrustPhase.of(name), description: 'x',
        kubernetesRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }]);
      let accepted = true;
      try {
        new AgentFleet(fleetProps({ ladder }));
      } catch (e) {
        expect(AgentTrustErrors.isValidationError(e)).toBe(true);
        accepted = false;
      }
      expect(accepted).toBe(referenceDnsLabel(name) && name.length <= TrustNames.MAX_PHASE_NAME);
      if (accepted) {
        expect(TrustNames.isDnsLabel(TrustNames.serviceAccount(name))).toBe(true);
      }
    }), { numRuns: 300 });
  });
});

describe('quantities and durations', () => {
  test.each([
    ['500m', 0.5], ['2', 2], ['1Gi', 2 ** 30], ['4Gi', 4 * 2 ** 30], ['128974848', 128974848], ['129e6', 129e6],
    ['123Mi', 123 * 2 ** 20], ['1.5', 1.5], ['100k', 1e5],
  ])('%s = %d', (text, value) => {
    expect(ResourceQuantity.parse(text)).toBeCloseTo(value);
    expect(ResourceQuantity.isValid(text)).toBe(true);
  });

  test.each(['', '1GB', 'abc', '1 Gi', '--1', '1.2.3'])('%s is not a quantity', text => {
    expect(ResourceQuantity.isValid(text)).toBe(false);
    expect(() => ResourceQuantity.parse(text)).toThrow(/is not a Kubernetes quantity/);
  });

  test('binary suffixes order correctly for any pair of amounts', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4096 }), n => {
      expect(ResourceQuantity.parse(`${n}Mi`)).toBeLessThan(ResourceQuantity.parse(`${n}Gi`));
      expect(ResourceQuantity.parse(`${n * 1000}m`)).toBeCloseTo(ResourceQuantity.parse(`${n}`));
    }), RUNS);
  });

  test('durations', () => {
    expect(TrustDuration.minutes(15).toSeconds()).toBe(900);
    expect(TrustDuration.hours(1).plus(TrustDuration.seconds(5)).toSeconds()).toBe(3605);
    expect(TrustDuration.days(1).toSeconds()).toBe(86400);
    expect(TrustDuration.minutes(15).toString()).toBe('15 minutes (900s)');
    expect(TrustDuration.seconds(1.5).isWholeSeconds()).toBe(false);
    expect(() => TrustDuration.seconds(-1)).toThrow(/non-negative number of seconds, got -1/);
    expect(() => TrustDuration.minutes(NaN)).toThrow(/got NaN/);
  });
});
