#!/usr/bin/env node
// `npm run synth`: compile when the sources changed, then run the real
// `cdk8s synth` and `cdktf synth` CLIs side by side (they are independent and
// each spends seconds starting up), offline, failing if either fails.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = name => path.join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  CDK8S_CHECK_UPGRADE: 'false',
  CHECKPOINT_DISABLE: '1',
  DISABLE_VERSION_CHECK: 'true',
  // A terraform binary, where one exists, otherwise warns about a missing CLI config.
  TF_CLI_CONFIG_FILE: process.env.TF_CLI_CONFIG_FILE ?? '/dev/null',
};

/** Newest modification time of the compiler's inputs. */
function newestSource() {
  let newest = 0;
  const visit = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(p);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of ['lib', 'bin', 'examples']) {
    if (fs.existsSync(path.join(root, dir))) visit(path.join(root, dir));
  }
  for (const file of ['tsconfig.json', 'package.json', 'package-lock.json']) {
    newest = Math.max(newest, fs.statSync(path.join(root, file)).mtimeMs);
  }
  return newest;
}

const buildInfo = path.join(root, 'build', '.tsbuildinfo');
if (!fs.existsSync(buildInfo) || fs.statSync(buildInfo).mtimeMs < newestSource()) {
  const tsc = spawnSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit', env });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  require('./bin-executable');
  // tsc leaves .tsbuildinfo untouched when nothing changed; mark the build current.
  const now = new Date();
  fs.utimesSync(buildInfo, now, now);
} else {
  console.log('build/ is up to date (sources older than build/.tsbuildinfo)');
}

const run = (name, args) => new Promise(resolve => {
  const child = spawn(bin(name), args, { cwd: root, stdio: 'inherit', env });
  child.on('error', err => { console.error(`${name}: ${err.message}`); resolve(1); });
  child.on('exit', code => resolve(code ?? 1));
});

Promise.all([run('cdk8s', ['synth', '--check-upgrade', 'false']), run('cdktf', ['synth'])]).then(([k8s, tf]) => {
  if (k8s !== 0) console.error(`cdk8s synth failed (exit ${k8s})`);
  if (tf !== 0) console.error(`cdktf synth failed (exit ${tf})`);
  process.exit(k8s !== 0 ? k8s : tf);
});
