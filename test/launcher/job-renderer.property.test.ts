import * as fc from 'fast-check';
import { JobRenderer, RenderErrorCode } from '../../lib/launcher';
import { TrustNames } from '../../lib/model/trust-names';
import { contractFixture } from './fixtures';

const { Job } = require('kubernetes-models/batch/v1/Job');

const RUNS = 2000;
const doc = contractFixture();
const renderer = new JobRenderer(doc);
const pristine = JSON.stringify(doc);
const allowed = new Set(renderer.allowedPhases);

// Ids that look almost valid are where bugs hide: mix DNS-ish alphabets with arbitrary strings.
const dnsish = fc.string({ unit: fc.constantFrom(...'abcz09-.A_'.split('')), maxLength: 70 });
const ids = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 20 }), dnsish,
  fc.constantFrom('a', 'a'.repeat(49), 'a'.repeat(50), '0', '-', 'a-b', '\u0000', ' a'));
const phases = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...renderer.phases, 'Shadow', 'read_only', '', 'toString', '__proto__'));
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.array(fc.string()), fc.object());

function expectValidJob(job: any, id: string, phase: string): void {
  expect(job.metadata.name).toBe(`investigation-${id}`);
  expect(TrustNames.isDnsLabel(job.metadata.name)).toBe(true);
  for (const labels of [job.metadata.labels, job.spec.template.metadata.labels]) {
    for (const value of Object.values(labels)) {
      expect(TrustNames.isLabelValue(value as string)).toBe(true);
    }
    expect(labels['investigation-id']).toBe(id);
    expect(labels['trust-phase']).toBe(phase);
  }
  expect(job.spec.template.spec.serviceAccountName).toBe(`agent-phase-${phase}`);
}

describe('JobRenderer (property-based)', () => {
  test('any id/phase strings: a valid Job for accepted input, a coded refusal otherwise', () => {
    let accepted = 0;
    fc.assert(fc.property(ids, phases, (id, phase) => {
      let job: any;
      try {
        job = renderer.render({ investigationId: id, phase });
      } catch (e) {
        const code = JobRenderer.errorCode(e);
        expect(RenderErrorCode.all()).toContain(code);
        // The refusal is justified by the input, never spurious.
        expect(TrustNames.isInvestigationId(id) && allowed.has(phase)).toBe(false);
        return;
      }
      accepted++;
      expect(TrustNames.isInvestigationId(id)).toBe(true);
      expect(allowed.has(phase)).toBe(true);
      expectValidJob(job, id, phase);
    }), { numRuns: RUNS });
    expect(JSON.stringify(doc)).toBe(pristine);
    // Guard against a generator that never reaches the happy path.
    expect(accepted).toBeGreaterThan(0);
  });

  test('every valid id at every allowed phase renders a schema-valid Job', () => {
    const validId = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,47}[a-z0-9])?$/);
    fc.assert(fc.property(validId, fc.constantFrom(...renderer.allowedPhases), (id, phase) => {
      const job = renderer.render({ investigationId: id, phase });
      expectValidJob(job, id, phase);
      expect(() => new Job(job).validate()).not.toThrow();
    }), { numRuns: 1000 });
    expect(JSON.stringify(doc)).toBe(pristine);
  });

  test('non-string values are refused with INVALID_REQUEST, never rendered', () => {
    fc.assert(fc.property(anyValue, anyValue, (id, phase) => {
      fc.pre(typeof id !== 'string' || typeof phase !== 'string');
      expect(() => renderer.render({ investigationId: id, phase } as any)).toThrow();
      try {
        renderer.render({ investigationId: id, phase } as any);
      } catch (e) {
        expect(JobRenderer.errorCode(e)).toBe(RenderErrorCode.INVALID_REQUEST);
      }
    }), { numRuns: 1000 });
  });
});
