// A launcher as a platform team writes it in native ESM, in a project
// installed with `npm install --omit=peer cdk-agent-trust`: the launcher and
// check entries must load, with named imports, without cdk8s or cdktf.
// Usage: node launch.mjs <synth output dir> <terraform dir>
import assert from 'node:assert/strict';
import { JobRenderer, LauncherContractLoader } from 'cdk-agent-trust/launcher';
import { Verifier } from 'cdk-agent-trust/check';
import { TrustPhase } from 'cdk-agent-trust/model';

const [dist, terraform] = process.argv.slice(2);

for (const peer of ['cdk8s', 'cdktf', 'constructs']) {
  await assert.rejects(import(peer), { code: 'ERR_MODULE_NOT_FOUND' }, `${peer} is installed: the test needs a project without peers`);
}

const renderer = new JobRenderer(LauncherContractLoader.fromPath(dist, 'remediator'));
assert.deepEqual(renderer.allowedPhases, ['shadow', 'read-only', 'limited-write']);
const job = renderer.render({ investigationId: 'inc-2026-0042', phase: TrustPhase.LIMITED_WRITE.name });
assert.equal(job.metadata.name, 'investigation-inc-2026-0042');
assert.equal(job.metadata.namespace, 'ai-ops');
assert.equal(job.spec.template.spec.serviceAccountName, 'agent-phase-limited-write');
assert.throws(() => renderer.render({ investigationId: 'inc-2026-0043', phase: 'autonomous' }),
  e => JobRenderer.errorCode(e) === 'ABOVE_CEILING');

const report = Verifier.verifyPaths(dist, terraform);
assert.equal(report.findings.length, 0, Verifier.formatText(report));
assert.deepEqual([...report.agents].sort(), ['remediator', 'triage']);
console.log(`ESM launcher: rendered ${job.metadata.name} as ${job.spec.template.spec.serviceAccountName}; verify: no findings`);
