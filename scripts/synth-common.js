// Shared by `npm run synth` (scripts/synth.js, both apps in this process) and
// `npm run synth:cli` (scripts/synth-cli.js, the real cdk8s and cdktf CLIs):
// the offline environment, the up-to-date build, the apps and output folders
// of cdk8s.yaml / cdktf.json, and the two scripts' common options.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = name => path.join(root, 'node_modules', '.bin', name);

/** Offline: no upgrade checks, no telemetry (only the npm registry is reachable). */
const offlineEnv = {
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

/** Runs `tsc` only when a source is newer than build/.tsbuildinfo (a fresh clone always compiles); exits on a compile error. */
function buildIfStale() {
  const buildInfo = path.join(root, 'build', '.tsbuildinfo');
  if (fs.existsSync(buildInfo) && fs.statSync(buildInfo).mtimeMs >= newestSource()) {
    console.log('build/ is up to date (sources older than build/.tsbuildinfo)');
    return;
  }
  // Build mode (-b): when the sources' content is unchanged (a checkout or touch), its up-to-date check
  // ends in ~1 s without parsing the program; `tsc -p` parses all of it (~4.5 s here) even then.
  const tsc = spawnSync(bin('tsc'), ['-b', 'tsconfig.json'], { cwd: root, stdio: 'inherit', env: { ...process.env, ...offlineEnv } });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  require('./bin-executable');
  // tsc leaves .tsbuildinfo untouched when nothing changed; mark the build current.
  const now = new Date();
  fs.utimesSync(buildInfo, now, now);
}

/**
 * The two apps as the CLIs see them: cdk8s.yaml's `app` and `output`,
 * cdktf.json's `app`, `output` and `context` (the cdktf CLI passes the
 * context, plus the relative Terraform modules, in CDKTF_CONTEXT_JSON).
 */
function readConfigs() {
  const YAML = require('yaml');
  const k8s = YAML.parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
  const tf = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
  const relativeModules = (tf.terraformModules ?? []).filter(m => {
    const source = typeof m === 'string' ? m : m.source;
    return source.startsWith('./') || source.startsWith('../');
  });
  return {
    k8s: { app: k8s.app, output: k8s.output ?? 'dist' },
    vault: { app: tf.app, output: tf.output ?? 'cdktf.out', context: { ...(tf.context ?? {}), cdktfRelativeModules: relativeModules } },
  };
}

/** `--k8s-output <dir>` and `--vault-output <dir>` override the configured folders (CI writes both paths side by side). */
function parseArgs(argv, usage) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--k8s-output' || flag === '--vault-output') && value !== undefined && !value.startsWith('--')) {
      options[flag === '--k8s-output' ? 'k8sOutput' : 'vaultOutput'] = value;
      i++;
    } else {
      console.error(`${usage}\nunknown or incomplete option: ${flag}`);
      process.exit(2);
    }
  }
  return options;
}

module.exports = { root, bin, offlineEnv, buildIfStale, readConfigs, parseArgs };
