import { execFileSync } from 'child_process';
import * as path from 'path';
import { JobRenderer, RenderErrorCode } from '../../lib/launcher';
import { LauncherContract } from '../../lib/model/launcher-contract';
import { TrustNames } from '../../lib/model/trust-names';
import { AgentTrustErrors } from '../../lib/model/validation';
import { compileCli, removeCompiled } from '../cli/compile';
import { contractFixture, FIXTURE_FILE } from './fixtures';

const { Job } = require('kubernetes-models/batch/v1/Job');

function refusal(fn: () => unknown): { code: string | undefined; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: JobRenderer.errorCode(e), message: (e as Error).message };
  }
  throw new Error('expected the renderer to refuse');
}

describe('JobRenderer', () => {
  describe('happy path', () => {
    // GIVEN the contract with its ceiling raised to the top, so every phase renders
    const doc = { ...contractFixture(), ceiling: 'autonomous' };
    const renderer = new JobRenderer(doc);

    test.each(['shadow', 'read-only', 'limited-write', 'autonomous'])('renders a complete Job for phase %s', phase => {
      // WHEN
      const job = renderer.render({ investigationId: 'inv-20261125-0042', phase });
      const row = doc.phases.find((p: any) => p.name === phase);

      // THEN: every field the renderer sets
      expect(job.apiVersion).toBe('batch/v1');
      expect(job.kind).toBe('Job');
      expect(job.metadata.name).toBe('investigation-inv-20261125-0042');
      expect(job.metadata.name).toBe(TrustNames.jobName('inv-20261125-0042'));
      expect(job.metadata.namespace).toBe('agents');
      const labels = {
        'app': 'autonomous-diagnostics',
        'agent-trust.io/agent': 'diagnostics',
        'investigation-id': 'inv-20261125-0042',
        'trust-phase': phase,
      };
      expect(job.metadata.labels).toEqual(labels);
      expect(job.spec.template.metadata.labels).toEqual(labels);
      expect(job.spec.template.spec.serviceAccountName).toBe(`agent-phase-${phase}`);
      expect(job.spec.template.spec.serviceAccountName).toBe(row.serviceAccount);
      expect(job.spec.template.metadata.annotations).toEqual({
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/agent-pre-populate-only': 'true',
        'vault.hashicorp.com/role': `agent-phase-${phase}`,
      });
      const env = job.spec.template.spec.containers[0].env;
      const byName = Object.fromEntries(env.map((e: any) => [e.name, e.value]));
      expect(byName.INVESTIGATION_ID).toBe('inv-20261125-0042');
      expect(byName.TRUST_PHASE).toBe(phase);
      expect(byName.VAULT_ROLE).toBe(`agent-phase-${phase}`);
      expect(byName.OTEL_RESOURCE_ATTRIBUTES).toBe(
        `service.name=diagnostics,investigation.id=inv-20261125-0042,agent.name=diagnostics,agent.trust_phase=${phase},deployment.environment=production`);
      // Template values untouched, each env name once
      expect(byName.VAULT_ADDR).toBe('https://vault.vault.svc:8200');
      expect(new Set(env.map((e: any) => e.name)).size).toBe(env.length);
      expect(job.spec.backoffLimit).toBe(0);
      expect(job.spec.activeDeadlineSeconds).toBe(900);
      expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
      // The result is a valid batch/v1 Job for the Kubernetes schema
      expect(() => new Job(job).validate()).not.toThrow();
    });

    test('snapshot of a read-only Job', () => {
      const job = new JobRenderer(contractFixture()).render({ investigationId: 'inv-42', phase: 'read-only' });
      expect(job.metadata.name).toBe('investigation-inv-42');
      expect(job.spec.template.spec.serviceAccountName).toBe('agent-phase-read-only');
      expect(job).toMatchSnapshot();
    });
  });

  test('exposes the phases, the allowed phases and the ceiling', () => {
    const renderer = new JobRenderer(contractFixture());
    expect(renderer.phases).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
    expect(renderer.allowedPhases).toEqual(['shadow', 'read-only']);
    expect(renderer.ceiling).toBe('read-only');
    expect(renderer.agent).toBe('diagnostics');
    expect(renderer.namespace).toBe('agents');
  });

  describe('refusals', () => {
    const renderer = new JobRenderer(contractFixture());

    test.each([
      ['uppercase', 'INV-1'],
      ['underscore', 'inv_1'],
      ['leading dash', '-inv'],
      ['trailing dash', 'inv-'],
      ['empty', ''],
      ['dot', 'inv.1'],
      ['YAML injection', 'x\nkind: Pod'],
      ['template injection', '{{ investigation_id }}'],
      ['unicode', 'inv-é'],
    ])('INVALID_ID for an id with %s', (_, id) => {
      const r = refusal(() => renderer.render({ investigationId: id, phase: 'shadow' }));
      expect(r.code).toBe(RenderErrorCode.INVALID_ID);
      expect(r.message).toContain('investigationId');
      expect(r.message).toContain(JSON.stringify(id));
      expect(r.message).toContain('RFC 1123');
    });

    test('ID_TOO_LONG just past the limit, accepted at the limit', () => {
      const max = 'a'.repeat(TrustNames.MAX_INVESTIGATION_ID);
      expect(TrustNames.MAX_INVESTIGATION_ID).toBe(49);
      expect(renderer.render({ investigationId: max, phase: 'shadow' }).metadata.name).toHaveLength(63);
      const r = refusal(() => renderer.render({ investigationId: `${max}b`, phase: 'shadow' }));
      expect(r.code).toBe(RenderErrorCode.ID_TOO_LONG);
      expect(r.message).toContain('is 50 characters');
      expect(r.message).toContain('at most 49');
    });

    test('a very long garbage id is shown truncated', () => {
      const r = refusal(() => renderer.render({ investigationId: 'X'.repeat(10000), phase: 'shadow' }));
      expect(r.code).toBe(RenderErrorCode.INVALID_ID);
      expect(r.message.length).toBeLessThan(400);
      expect(r.message).toContain('10000 characters');
    });

    test('UNKNOWN_PHASE names the phase and the allowed ones', () => {
      const r = refusal(() => renderer.render({ investigationId: 'inv-1', phase: 'root' }));
      expect(r.code).toBe(RenderErrorCode.UNKNOWN_PHASE);
      expect(r.message).toContain('phase "root" is not in the contract of agent "diagnostics"');
      expect(r.message).toContain('use one of: shadow, read-only');
    });

    test.each(['limited-write', 'autonomous'])('ABOVE_CEILING for %s', phase => {
      const r = refusal(() => renderer.render({ investigationId: 'inv-1', phase }));
      expect(r.code).toBe(RenderErrorCode.ABOVE_CEILING);
      expect(r.message).toContain(`phase "${phase}" is above the ceiling "read-only"`);
    });

    test.each([
      ['null request', null, 'the request must be an object'],
      ['string request', 'inv-1', 'the request must be an object'],
      ['numeric id', { investigationId: 42, phase: 'shadow' }, 'investigationId must be a string, got a number'],
      ['missing id', { phase: 'shadow' }, 'investigationId must be a string, got a undefined'],
      ['array phase', { investigationId: 'inv-1', phase: ['shadow'] }, 'phase must be a string, got a object'],
      ['null phase', { investigationId: 'inv-1', phase: null }, 'phase must be a string, got a null'],
      ['request with other fields', { investigationId: 'inv-1', phase: 'shadow', serviceAccountName: 'default', image: 'x' },
        'unknown request field(s) "serviceAccountName", "image": a launcher chooses only investigationId and phase'],
    ])('INVALID_REQUEST for a %s', (_, request, message) => {
      const r = refusal(() => renderer.render(request as any));
      expect(r.code).toBe(RenderErrorCode.INVALID_REQUEST);
      expect(r.message).toContain(message);
    });

    test('phase names are matched exactly (no case folding, no trimming)', () => {
      expect(refusal(() => renderer.render({ investigationId: 'inv-1', phase: 'Shadow' })).code).toBe(RenderErrorCode.UNKNOWN_PHASE);
      expect(refusal(() => renderer.render({ investigationId: 'inv-1', phase: ' shadow' })).code).toBe(RenderErrorCode.UNKNOWN_PHASE);
      expect(refusal(() => renderer.render({ investigationId: 'inv-1', phase: '__proto__' })).code).toBe(RenderErrorCode.UNKNOWN_PHASE);
    });

    test('errorCode is undefined for errors that are not refusals', () => {
      const fsError = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      expect(JobRenderer.errorCode(fsError)).toBeUndefined();
      expect(JobRenderer.errorCode('INVALID_ID')).toBeUndefined();
      expect(JobRenderer.isRefusal(new Error('x'))).toBe(false);
      expect(RenderErrorCode.all()).toEqual(['INVALID_REQUEST', 'INVALID_ID', 'ID_TOO_LONG', 'UNKNOWN_PHASE', 'ABOVE_CEILING']);
    });
  });

  describe('isolation', () => {
    test('rendering never mutates the template, and Jobs share no objects', () => {
      const doc = contractFixture();
      const before = JSON.parse(JSON.stringify(doc));
      const renderer = new JobRenderer(doc);
      const a = renderer.render({ investigationId: 'a', phase: 'shadow' });
      a.spec.template.spec.containers[0].env.push({ name: 'EVIL', value: '1' });
      a.metadata.labels['trust-phase'] = 'autonomous';
      a.spec.template.spec.containers[0].securityContext.privileged = true;
      const b = renderer.render({ investigationId: 'b', phase: 'read-only' });
      expect(doc).toEqual(before);
      expect(renderer.contract).toEqual(before);
      expect(b.spec.template.spec.containers[0].env.map((e: any) => e.name)).not.toContain('EVIL');
      expect(b.spec.template.spec.containers[0].securityContext.privileged).toBeUndefined();
      expect(b.metadata.labels['trust-phase']).toBe('read-only');
    });

    test('later changes to the caller\'s document do not change what is rendered', () => {
      const doc = contractFixture();
      const renderer = new JobRenderer(doc);
      doc.ceiling = 'autonomous';
      doc.phases[0].serviceAccount = 'cluster-admin';
      doc.jobTemplate.spec.template.spec.hostNetwork = true;
      const job = renderer.render({ investigationId: 'a', phase: 'shadow' });
      expect(job.spec.template.spec.serviceAccountName).toBe('agent-phase-shadow');
      expect(job.spec.template.spec.hostNetwork).toBeUndefined();
      expect(() => renderer.render({ investigationId: 'a', phase: 'autonomous' })).toThrow(/above the ceiling/);
    });

    test('a template cannot spoof our OpenTelemetry attributes; its own ones survive', () => {
      const doc = contractFixture();
      const env = doc.jobTemplate.spec.template.spec.containers[0].env;
      env.find((e: any) => e.name === 'OTEL_RESOURCE_ATTRIBUTES').value = 'investigation.id=evil, team=sre ,agent.trust_phase=autonomous,constructor=x';
      const job = new JobRenderer(doc).render({ investigationId: 'inv-7', phase: 'shadow' });
      const otel = job.spec.template.spec.containers[0].env.find((e: any) => e.name === 'OTEL_RESOURCE_ATTRIBUTES').value;
      expect(otel).toBe('service.name=diagnostics,investigation.id=inv-7,agent.name=diagnostics,agent.trust_phase=shadow,team=sre,constructor=x');
    });

    test('without template annotations or OTEL value the renderer adds only its own', () => {
      const doc = contractFixture();
      delete doc.jobTemplate.spec.template.metadata;
      delete doc.jobTemplate.metadata.labels;
      const c = doc.jobTemplate.spec.template.spec.containers[0];
      c.env = c.env.filter((e: any) => e.name !== 'OTEL_RESOURCE_ATTRIBUTES');
      doc.phases.forEach((p: any) => delete p.podAnnotations);
      const job = new JobRenderer(doc).render({ investigationId: 'inv-7', phase: 'shadow' });
      expect(job.spec.template.metadata).toEqual({
        labels: { [LauncherContract.AGENT_LABEL]: 'diagnostics', 'investigation-id': 'inv-7', 'trust-phase': 'shadow' },
      });
      expect(job.metadata.labels).toEqual(job.spec.template.metadata.labels);
      expect(c.env.length + 4).toBe(job.spec.template.spec.containers[0].env.length);
      expect(job.spec.template.spec.containers[0].env.at(-1).value)
        .toBe('service.name=diagnostics,investigation.id=inv-7,agent.name=diagnostics,agent.trust_phase=shadow');
    });

    test('phase annotations win over template annotations of the same key', () => {
      const doc = contractFixture();
      doc.jobTemplate.spec.template.metadata.annotations['vault.hashicorp.com/role'] = 'agent-phase-autonomous';
      const job = new JobRenderer(doc).render({ investigationId: 'inv-7', phase: 'shadow' });
      expect(job.spec.template.metadata.annotations['vault.hashicorp.com/role']).toBe('agent-phase-shadow');
    });
  });

  test('refuses to build a renderer from an invalid contract, listing every problem', () => {
    const doc = contractFixture();
    doc.ceiling = 'god-mode';
    doc.jobTemplate.spec.template.spec.serviceAccountName = 'default';
    let error: unknown;
    try {
      new JobRenderer(doc);
    } catch (e) {
      error = e;
    }
    expect(AgentTrustErrors.isValidationError(error)).toBe(true);
    const fields = AgentTrustErrors.problemsOf(error).map(p => `${p.field}=${p.value}`);
    expect(fields).toEqual(['ceiling="god-mode"', 'jobTemplate.spec.template.spec.serviceAccountName="default"']);
  });

  test('renders at least 50,000 Jobs per second (compiled, in a plain node process)', () => {
    // Jest's sandbox slows object-heavy code about tenfold, so measure the
    // compiled renderer the way a launcher runs it.
    const dir = compileCli();
    try {
      const script = `
        const { JobRenderer, LauncherContractLoader } = require(${JSON.stringify(path.join(dir, 'lib/launcher/index.js'))});
        const r = new JobRenderer(LauncherContractLoader.fromFile(${JSON.stringify(FIXTURE_FILE)}));
        for (let i = 0; i < 50000; i++) r.render({ investigationId: 'warm-' + i, phase: 'shadow' });
        // CPU time, not wall time: the machine is shared, and waiting for a core is not rendering.
        let best = 0;
        for (let round = 0; round < 5; round++) {
          const n = 50000, c = process.cpuUsage();
          for (let i = 0; i < n; i++) r.render({ investigationId: 'inv-' + i, phase: i % 2 ? 'shadow' : 'read-only' });
          const used = process.cpuUsage(c);
          best = Math.max(best, n / ((used.user + used.system) / 1e6));
        }
        process.stdout.write(String(Math.round(best)));`;
      const rate = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
      console.log(`JobRenderer: ${rate} renders per CPU-second`);
      expect(rate).toBeGreaterThanOrEqual(50000);
    } finally {
      removeCompiled(dir);
    }
  });
});
