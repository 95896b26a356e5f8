#!/usr/bin/env node
// `npm run synth`: compile when the sources changed, then run both apps of
// cdk8s.yaml and cdktf.json in THIS process, writing what `cdk8s synth` and
// `cdktf synth` write (the CLIs spend seconds starting up around apps of
// ~0.5 s; the two apps share most modules here). Each app runs with the
// environment its CLI gives it and the CLIs' steps around it are repeated:
// cdk8s empties its output folder first; cdktf removes stack folders the app
// no longer writes and fails on error annotations. `npm run synth:cli` runs the
// real CLIs; CI checks that both write the same bytes.
'use strict';
const fs = require('fs');
const path = require('path');
const { root, offlineEnv, buildIfStale, readConfigs, parseArgs } = require('./synth-common');

const started = process.hrtime.bigint();
const elapsed = () => `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`;
const options = parseArgs(process.argv.slice(2), 'usage: node scripts/synth.js [--k8s-output <dir>] [--vault-output <dir>]');
process.chdir(root);
Object.assign(process.env, offlineEnv);
buildIfStale();
const config = readConfigs();

/** The compiled app module of an `app: node <file>.js` command, which must export `synth()`. */
function appModule(tool, configFile, command) {
  const match = /^node\s+(\S+\.js)$/.exec(String(command).trim());
  if (!match) {
    throw new Error(`${configFile}: app "${command}" is not "node <file>.js", which this script can run in-process; `
      + 'use `npm run synth:cli` (the real CLIs) or make the app such a file');
  }
  const mod = require(path.resolve(root, match[1]));
  if (typeof mod.synth !== 'function') {
    throw new Error(`${match[1]} (the ${tool} app of ${configFile}) exports no synth() function: export the body of its `
      + '`require.main === module` block as `synth()` (see examples/default/k8s.ts), or use `npm run synth:cli`');
  }
  return mod;
}

/** Runs `f` with the variables set (undefined = removed) and restores the environment after. */
function withEnv(vars, f) {
  const saved = Object.fromEntries(Object.keys(vars).map(k => [k, process.env[k]]));
  const set = values => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return f();
  } finally {
    set(saved);
  }
}

/** As `cdk8s synth`: empty the output folder, run the app with CDK8S_OUTDIR, expect the folder. */
function synthK8s() {
  const outdir = options.k8sOutput ?? config.k8s.output;
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = appModule('cdk8s', 'cdk8s.yaml', config.k8s.app);
  withEnv({
    CDK8S_OUTDIR: outdir,
    CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA ?? 'false',
  }, () => app.synth());
  if (!fs.existsSync(outdir)) throw new Error(`synthesis failed, app expected to create "${outdir}"`);
  const files = [];
  const visit = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(p);
      else files.push(p);
    }
  };
  visit(outdir);
  console.log(`cdk8s app (${config.k8s.app}) wrote ${files.join(', ')} (${elapsed()})`);
}

/** As `cdktf synth`: the CLI's environment for the app, then its checks of manifest.json. */
function synthVault() {
  const outdir = options.vaultOutput ?? config.vault.output;
  const stacksDir = path.join(outdir, 'stacks');
  const existing = fs.existsSync(stacksDir)
    ? fs.readdirSync(stacksDir, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name)
    : [];
  const app = appModule('cdktf', 'cdktf.json', config.vault.app);
  // The CLI keeps Terraform variables (TF_VAR_*) from the app: they are for plan/apply only.
  const noTfVars = Object.fromEntries(Object.keys(process.env).filter(k => k.startsWith('TF_VAR_')).map(k => [k, undefined]));
  withEnv({
    ...noTfVars,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
    CDKTF_CONTEXT_JSON: JSON.stringify(config.vault.context),
    SYNTH_HCL_OUTPUT: 'false',
  }, () => app.synth());
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`synthesis failed: the app did not call synth(), "${manifestFile}" was not created`);
  }
  const stacks = Object.values(JSON.parse(fs.readFileSync(manifestFile, 'utf8')).stacks);
  if (stacks.length === 0) throw new Error('No Terraform code synthesized.');
  let errors = 0;
  for (const stack of stacks) {
    for (const a of stack.annotations ?? []) {
      const level = { '@cdktf/info': 'INFO', '@cdktf/warn': 'WARN', '@cdktf/error': 'ERROR' }[a.level] ?? a.level;
      console.log(`${level} [${a.constructPath}]: ${a.message}`);
      if (a.level === '@cdktf/error') errors++;
    }
  }
  if (errors > 0) throw new Error('While synthesizing one or more error annotations have been encountered. Please check the log output above.');
  for (const orphan of existing.filter(name => !stacks.some(s => s.name === name))) {
    fs.rmSync(path.join(stacksDir, orphan), { recursive: true });
  }
  console.log(`cdktf app (${config.vault.app}) generated Terraform code for the stacks: ${stacks.map(s => s.name).join(', ')} (${elapsed()})`);
}

let failed = false;
for (const [tool, step] of [['cdk8s', synthK8s], ['cdktf', synthVault]]) {
  try {
    step();
  } catch (err) {
    failed = true;
    console.error(`${tool} synth failed: ${err && err.stack ? err.stack : err}`);
  }
}
process.exitCode = failed ? 1 : 0;
