#!/usr/bin/env node
// `npm pack` / `npm publish` run this (prepack): one clean jsii build of what
// the package ships, so the tarball never depends on whichever build ran last.
// jsii compiles lib/ and bin/ in one program (build/lib with the runtime type
// info the Python/Java/Go bindings need, build/bin for the CLI) and writes
// .jsii; no source maps, so no sources are embedded in the package.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// build/ may hold `npm test`'s output (tests, examples, bench): never ship it.
for (const stale of ['build', '.jsii', 'tsconfig.jsii.json']) {
  fs.rmSync(path.join(root, stale), { recursive: true, force: true });
}

const jsii = spawnSync(path.join(root, 'node_modules', '.bin', 'jsii'),
  ['--silence-warnings=reserved-word', '--generate-tsconfig', 'tsconfig.jsii.json'],
  { cwd: root, stdio: 'inherit' });
if (jsii.status !== 0) {
  console.error(`prepack: jsii failed (exit ${jsii.status ?? jsii.signal})`);
  process.exit(1);
}
require('./bin-executable');
