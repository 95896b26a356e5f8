// The same entries from CommonJS, without peers.
'use strict';
const assert = require('node:assert/strict');
const { JobRenderer, LauncherContractLoader } = require('cdk-agent-trust/launcher');
const { Verifier } = require('cdk-agent-trust/check');

assert.throws(() => require('cdk8s'), { code: 'MODULE_NOT_FOUND' });
// The package root loads the constructs: it needs the peers, and says so.
assert.throws(() => require('cdk-agent-trust'), { code: 'MODULE_NOT_FOUND' });
// Only the declared entries are reachable.
assert.throws(() => require('cdk-agent-trust/build/lib/launcher/job-renderer'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
const schema = require('cdk-agent-trust/schema/launcher-contract.schema.json');
assert.equal(typeof schema, 'object');

const job = new JobRenderer(LauncherContractLoader.fromPath(process.argv[2], 'triage')).render({ investigationId: 'inc-1', phase: 'shadow' });
assert.equal(job.spec.template.spec.serviceAccountName, 'agent-phase-shadow');
assert.equal(typeof Verifier.verifyPaths, 'function');
console.log(`CommonJS launcher: rendered ${job.metadata.name}`);
