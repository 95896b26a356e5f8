import * as fc from 'fast-check';
import { JobRenderer, RenderErrorCode } from '../../lib/launcher/job-renderer';
import { AdmissionRules, LauncherContract, TrustNames, TrustPhase } from '../../lib/model';
import { fleetWith, setup } from './fixtures';

const { Job } = require('kubernetes-models/batch/v1/Job');

// A read-only agent, so the ladder has phases both at/below and above the ceiling.
const s = setup(fleetWith({
  agents: [{ name: 'diagnostics', image: 'registry.example.com/agents/diagnostics:1.4.2', ceiling: TrustPhase.READ_ONLY }],
}));
const renderer = s.renderers.diagnostics;
const ladder = s.fleet.ladder.phases.map(p => p.name);

const ID_CHARS = 'abcxyz0189-'.split('');
const NASTY_IDS = ['', '-', 'a-', '-a', 'A', 'a_b', 'a.b', 'a b', 'x'.repeat(48), 'x'.repeat(49), 'x'.repeat(50), 'x'.repeat(64),
  '{{ investigation_id }}', 'a\nkind: Pod', '../etc', 'ａ', 'a\u0000', '__proto__'];
const NASTY_PHASES = ['', 'root', 'Read-Only', 'read-only ', ' shadow', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'autonomous\n'];

// Weighted so that roughly half the requests are accepted and both branches are exercised.
const ids = fc.oneof(
  { arbitrary: fc.string(), weight: 1 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 70 }), weight: 2 },
  { arbitrary: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,60}[a-z0-9])?$/), weight: 6 },
  { arbitrary: fc.constantFrom(...NASTY_IDS), weight: 1 },
);
const phases = fc.oneof(
  { arbitrary: fc.constantFrom(...ladder), weight: 6 },
  { arbitrary: fc.constantFrom(...NASTY_PHASES), weight: 1 },
  { arbitrary: fc.string(), weight: 1 },
);

function labelsValid(labels: { [k: string]: string }): boolean {
  return Object.entries(labels).every(([k, v]) => /^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k) && TrustNames.isLabelValue(v));
}

describe('(c) property: arbitrary ids and phases through renderer and admission', () => {
  test('an accepted request yields a valid Job the admission admits; anything else is refused with a code, never a malformed Job (2,000 runs)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(ids, phases, (investigationId, phase) => {
      let job: any;
      try {
        job = renderer.render({ investigationId, phase });
      } catch (e) {
        refused++;
        // Refused: a renderer refusal with a stable code, and for a reason that holds.
        const code = JobRenderer.errorCode(e);
        expect(RenderErrorCode.all()).toContain(code);
        const validId = TrustNames.isInvestigationId(investigationId);
        const allowed = renderer.allowedPhases.includes(phase);
        expect(validId && allowed).toBe(false);
        return;
      }
      accepted++;
      expect(TrustNames.isInvestigationId(investigationId)).toBe(true);
      expect(renderer.allowedPhases).toContain(phase);
      expect(job.metadata.name).toBe(`investigation-${investigationId}`);
      expect(TrustNames.isDnsLabel(job.metadata.name)).toBe(true);
      expect(labelsValid(job.metadata.labels)).toBe(true);
      expect(labelsValid(job.spec.template.metadata.labels)).toBe(true);
      expect(job.metadata.labels[LauncherContract.INVESTIGATION_LABEL]).toBe(investigationId);
      expect(job.metadata.labels[LauncherContract.PHASE_LABEL]).toBe(phase);
      const denials = s.harness.denials({ object: job, params: s.params });
      expect(denials.map(d => d.message)).toEqual([]);
    }), { numRuns: 2000 });
    // Both branches were exercised in earnest.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });

  test('accepted Jobs validate against the batch/v1 Job schema (kubernetes-models, 300 runs)', () => {
    const validIds = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,46}[a-z0-9])?$/);
    fc.assert(fc.property(validIds, fc.constantFrom(...renderer.allowedPhases), (investigationId, phase) => {
      const job = renderer.render({ investigationId, phase });
      expect(() => new Job(job).validate()).not.toThrow();
    }), { numRuns: 300 });
  });

  test('renderer and admission agree on the ceiling: with the ceiling forged away, admission admits exactly what the renderer accepts (1,000 runs)', () => {
    // A launcher that ignores the ceiling (same template, ceiling = highest phase).
    const forged = new JobRenderer({ ...renderer.contract, ceiling: s.fleet.ladder.highest.name });
    fc.assert(fc.property(ids, phases, (investigationId, phase) => {
      let job: any;
      try {
        job = forged.render({ investigationId, phase });
      } catch {
        return; // invalid id or unknown phase: nothing reaches the API server
      }
      const admitted = s.harness.admits({ object: job, params: s.params });
      let honest = true;
      try {
        renderer.render({ investigationId, phase });
      } catch (e) {
        expect(JobRenderer.errorCode(e)).toBe(RenderErrorCode.ABOVE_CEILING);
        honest = false;
      }
      expect(admitted).toBe(honest);
      if (!admitted) {
        expect(s.harness.denials({ object: job, params: s.params }).map(d => AdmissionRules.ruleIdOf(d.message!)))
          .toEqual([AdmissionRules.PHASE_WITHIN_CEILING]);
      }
    }), { numRuns: 1000 });
  });
});
