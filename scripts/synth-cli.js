#!/usr/bin/env node
// `npm run synth:cli`: what pipelines run as `cdk8s synth` / `cdktf synth`.
// Compiles when the sources changed, then runs the real CLIs side by side
// (they are independent and each spends seconds starting up), offline,
// failing if either fails. `npm run synth` writes the same files in one
// process (scripts/synth.js); CI checks both byte for byte.
'use strict';
const { spawn } = require('child_process');
const { root, bin, offlineEnv, buildIfStale, parseArgs } = require('./synth-common');

const options = parseArgs(process.argv.slice(2), 'usage: node scripts/synth-cli.js [--k8s-output <dir>] [--vault-output <dir>]');
buildIfStale();

const env = { ...process.env, ...offlineEnv };
const run = (name, args) => new Promise(resolve => {
  const child = spawn(bin(name), args, { cwd: root, stdio: 'inherit', env });
  child.on('error', err => { console.error(`${name}: ${err.message}`); resolve(1); });
  child.on('exit', code => resolve(code ?? 1));
});

const k8sArgs = ['synth', '--check-upgrade', 'false', ...(options.k8sOutput ? ['--output', options.k8sOutput] : [])];
const vaultArgs = ['synth', ...(options.vaultOutput ? ['--output', options.vaultOutput] : [])];
Promise.all([run('cdk8s', k8sArgs), run('cdktf', vaultArgs)]).then(([k8s, tf]) => {
  if (k8s !== 0) console.error(`cdk8s synth failed (exit ${k8s})`);
  if (tf !== 0) console.error(`cdktf synth failed (exit ${tf})`);
  process.exit(k8s !== 0 ? k8s : tf);
});
