/**
 * `npm run bench`: library versus hand-written baseline at fleet scale, the
 * whole `npm run synth`, and the launcher's load time and render rate.
 * Prints Markdown tables (pasted into docs/performance.md) and writes the
 * raw figures to .bench-out/results.json.
 *
 * Run with `--expose-gc` (the npm script does): every timed synthesis starts
 * after a full collection, so neither side pays for the other's garbage.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baselineK8s } from './baseline-k8s';
import { baselineVault } from './baseline-vault';
import {
  canonicalK8s, canonicalTerraform, firstDifferences, kindCounts, resourceCount, resourceCounts,
} from './compare';
import { FleetParams, fleetParams } from './fleet-params';
import { libraryK8s, libraryVault } from './library';

const ROOT = path.resolve(__dirname, '..', '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TF_OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-bench-'));
const gc: () => void = (global as any).gc ?? (() => undefined);

interface Case { readonly series: string; readonly targets: number; readonly agents: number }
const CASES: Case[] = [
  { series: 'namespaces', targets: 10, agents: 1 },
  { series: 'namespaces', targets: 100, agents: 1 },
  { series: 'namespaces', targets: 1000, agents: 1 },
  { series: 'agents', targets: 10, agents: 10 },
  { series: 'agents', targets: 10, agents: 100 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeMs(f: () => unknown): number {
  gc();
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

let rssHighWater = 0;
function sampleRss(): void {
  rssHighWater = Math.max(rssHighWater, process.memoryUsage().rss);
}

/** Same objects on both sides? Count, kinds and canonical content. */
function checkEqual(p: FleetParams): { k8sObjects: number; tfResources: number; equal: boolean; notes: string[] } {
  const lk = libraryK8s(p);
  const bk = baselineK8s(p);
  const lv = libraryVault(p, TF_OUT);
  const bv = baselineVault(p, TF_OUT);
  const notes: string[] = [];
  if (lk.length !== bk.length) notes.push(`k8s object count: library ${lk.length}, baseline ${bk.length}`);
  if (JSON.stringify(kindCounts(lk)) !== JSON.stringify(kindCounts(bk))) {
    notes.push(`k8s kinds: library ${JSON.stringify(kindCounts(lk))}, baseline ${JSON.stringify(kindCounts(bk))}`);
  }
  notes.push(...firstDifferences(canonicalK8s(lk), canonicalK8s(bk)));
  if (JSON.stringify(resourceCounts(lv)) !== JSON.stringify(resourceCounts(bv))) {
    notes.push(`terraform resources: library ${JSON.stringify(resourceCounts(lv))}, baseline ${JSON.stringify(resourceCounts(bv))}`);
  }
  notes.push(...firstDifferences(canonicalTerraform(lv), canonicalTerraform(bv)));
  return { k8sObjects: lk.length, tfResources: resourceCount(lv), equal: notes.length === 0, notes };
}

function peakRssMiB(side: string, c: Case): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'peak.js'), side, `${c.targets}`, `${c.agents}`],
    { cwd: ROOT, encoding: 'utf8' });
  return Number(out.trim()) / 1024;
}

interface CaseResult {
  readonly case: Case;
  readonly k8sObjects: number;
  readonly tfResources: number;
  readonly equal: boolean;
  readonly ms: { [key: string]: number };
  readonly ratio: { k8s: number; vault: number; total: number };
  readonly usPerObject: { library: number; baseline: number };
  readonly peakRssMiB: { library: number; baseline: number; modulesOnly: number };
}

function benchCase(c: Case, modulesOnly: number): CaseResult {
  const p = fleetParams(c.targets, c.agents);
  const eq = checkEqual(p);
  if (!eq.equal) {
    process.stdout.write(`!! ${c.targets} namespaces / ${c.agents} agents: library and baseline differ:\n  ${eq.notes.join('\n  ')}\n`);
  }
  const runs: { [key: string]: number[] } = { libK8s: [], baseK8s: [], libVault: [], baseVault: [], lib: [], base: [] };
  const lib = (): void => {
    const k = timeMs(() => libraryK8s(p));
    const v = timeMs(() => libraryVault(p, TF_OUT));
    runs.libK8s.push(k); runs.libVault.push(v); runs.lib.push(k + v);
    sampleRss();
  };
  const base = (): void => {
    const k = timeMs(() => baselineK8s(p));
    const v = timeMs(() => baselineVault(p, TF_OUT));
    runs.baseK8s.push(k); runs.baseVault.push(v); runs.base.push(k + v);
    sampleRss();
  };
  // Warm-up (JIT, module caches), then alternate which side goes first.
  lib(); base();
  for (const key of Object.keys(runs)) runs[key] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) { lib(); base(); } else { base(); lib(); }
  }
  const ms = Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs)]));
  const objects = eq.k8sObjects + eq.tfResources;
  return {
    case: c,
    k8sObjects: eq.k8sObjects,
    tfResources: eq.tfResources,
    equal: eq.equal,
    ms,
    ratio: { k8s: ms.libK8s / ms.baseK8s, vault: ms.libVault / ms.baseVault, total: ms.lib / ms.base },
    usPerObject: { library: (ms.lib * 1000) / objects, baseline: (ms.base * 1000) / objects },
    peakRssMiB: { library: peakRssMiB('library', c), baseline: peakRssMiB('baseline', c), modulesOnly },
  };
}

/** CPU seconds (user + system) of every child this process has waited for; Linux only (else NaN). */
function childCpuSeconds(): number {
  try {
    // /proc/self/stat: fields 16 and 17 (cutime, cstime) in clock ticks, counted after the command name.
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

interface CommandTiming { medianMs: number; cpuMs: number; all: number[]; ok: boolean }

function timeCommand(cmd: string, args: string[], runs: number, env?: { [k: string]: string }): CommandTiming {
  const all: number[] = [];
  const cpu: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const cpuBefore = childCpuSeconds();
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
    all.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push((childCpuSeconds() - cpuBefore) * 1000);
    if (r.status !== 0) {
      ok = false;
      process.stdout.write(`!! ${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-800)}\n`);
    }
  }
  return { medianMs: median(all), cpuMs: median(cpu), all, ok };
}

function launcherFigures(): { loadMs: number; bareNodeMs: number; entryMs: number; rendersPerSecond: number; jobs: number } {
  const load = timeCommand(process.execPath, ['-e', "require('./build/lib/launcher')"], 15);
  const bare = timeCommand(process.execPath, ['-e', ''], 15);
  // The contract of the default-sized fleet, as the launcher reads it from the ConfigMap.
  const objects = libraryK8s(fleetParams(2, 1));
  const contract = JSON.parse(objects.find(o => o.kind === 'ConfigMap').data['contract.json']);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JobRenderer } = require(path.join(ROOT, 'build', 'lib', 'launcher'));
  const renderer = new JobRenderer(contract);
  const phases: string[] = renderer.allowedPhases;
  const jobs = 100_000;
  const rates: number[] = [];
  let sink = 0;
  for (let round = 0; round < 4; round++) {
    const ms = timeMs(() => {
      for (let i = 0; i < jobs; i++) {
        const job = renderer.render({ investigationId: `inv-${round}-${i}`, phase: phases[i % phases.length] });
        sink += job.metadata.name.length;
      }
    });
    if (round > 0) rates.push(jobs / (ms / 1000));
  }
  if (sink === 0) throw new Error('renderer produced nothing');
  return { loadMs: load.medianMs, bareNodeMs: bare.medianMs, entryMs: load.medianMs - bare.medianMs, rendersPerSecond: median(rates), jobs };
}

function synthFigures(): { [step: string]: CommandTiming } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-synth-'));
  const figures: { [step: string]: CommandTiming } = {};
  const npm = (script: string): CommandTiming => timeCommand('npm', ['run', '--silent', script], 3);
  figures['**npm run synth** (build + cdk8s CLI + cdktf CLI, in sequence)'] = npm('synth');
  figures['npm run build (tsc, incremental, nothing changed)'] = npm('build');
  figures['npm run synth:k8s (cdk8s CLI, runs the k8s app)'] = npm('synth:k8s');
  figures['npm run synth:vault (cdktf CLI, runs the vault app)'] = npm('synth:vault');
  figures['node build/examples/default/k8s.js (the k8s app alone)'] = timeCommand(process.execPath, ['build/examples/default/k8s.js'], 3,
    { CDK8S_OUTDIR: path.join(tmp, 'k8s') });
  figures['node build/examples/default/vault.js (the vault app alone)'] = timeCommand(process.execPath, ['build/examples/default/vault.js'], 3,
    { CDKTF_OUTDIR: path.join(tmp, 'tf') });
  figures['terraform version -json (the cdktf CLI runs it 3×, plus terraform -v), when terraform is on PATH'] =
    timeCommand('sh', ['-c', 'command -v terraform >/dev/null && terraform version -json >/dev/null || true'], 3,
      { CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' });
  figures['node -e "" (bare node start)'] = timeCommand(process.execPath, ['-e', ''], 3);
  figures['what-if: build, then both CLIs in parallel'] = timeCommand('sh', ['-c',
    'npm run --silent build && { npm run --silent synth:k8s & npm run --silent synth:vault & wait; }'], 3);
  fs.rmSync(tmp, { recursive: true, force: true });
  return figures;
}

function main(): void {
  const started = Date.now();
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  process.stdout.write(`# cdk-agent-trust benchmark\n\n`);
  process.stdout.write(`node ${process.version}, ${os.cpus().length} CPUs (${cpu}), ${fmt(os.totalmem() / 2 ** 30)} GiB RAM, `
    + `load average at start ${os.loadavg().map(l => fmt(l, 2)).join(' ')}, `
    + `${ROUNDS} rounds after a warm-up, medians; gc ${(global as any).gc ? 'forced before each timed synthesis' : 'NOT exposed (run with --expose-gc)'}\n\n`);

  const modulesOnly = Number(execFileSync(process.execPath, [path.join(__dirname, 'peak.js'), 'none'], { cwd: ROOT, encoding: 'utf8' }).trim()) / 1024;
  const results = CASES.map(c => benchCase(c, modulesOnly));

  const header = '| series | target ns | agents | k8s objects | tf resources | same output | library ms (k8s + vault) | baseline ms (k8s + vault) | ratio k8s | ratio vault | **ratio total** | µs/object lib | µs/object base | peak RSS lib MiB | peak RSS base MiB |\n'
    + '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  process.stdout.write('## Synthesis: library vs hand-written baseline\n\n' + header);
  for (const r of results) {
    process.stdout.write(`| ${r.case.series} | ${r.case.targets} | ${r.case.agents} | ${r.k8sObjects} | ${r.tfResources} | ${r.equal ? 'yes' : '**NO**'} `
      + `| ${fmt(r.ms.lib)} (${fmt(r.ms.libK8s)} + ${fmt(r.ms.libVault)}) | ${fmt(r.ms.base)} (${fmt(r.ms.baseK8s)} + ${fmt(r.ms.baseVault)}) `
      + `| ${fmt(r.ratio.k8s, 2)} | ${fmt(r.ratio.vault, 2)} | **${fmt(r.ratio.total, 2)}** | ${fmt(r.usPerObject.library)} | ${fmt(r.usPerObject.baseline)} `
      + `| ${fmt(r.peakRssMiB.library)} | ${fmt(r.peakRssMiB.baseline)} |\n`);
  }
  const ns = results.filter(r => r.case.series === 'namespaces');
  const flat = ns[ns.length - 1].usPerObject.library / ns[0].usPerObject.library;
  process.stdout.write(`\nPeak RSS: maxRSS of a fresh child process that loads both sides' modules and synthesizes the fleet once (both halves); `
    + `loading the modules alone peaks at ${fmt(modulesOnly)} MiB. In-process RSS high-water of this run: ${fmt(rssHighWater / 2 ** 20)} MiB.\n`);
  process.stdout.write(`Library cost per object at ${ns[ns.length - 1].case.targets} vs ${ns[0].case.targets} target namespaces: ×${fmt(flat, 2)} `
    + `(1.00 = flat).\n\n`);

  process.stdout.write('## Launcher\n\n');
  const launcher = launcherFigures();
  process.stdout.write(`| figure | value |\n| --- | ---: |\n`
    + `| \`node -e "require('./build/lib/launcher')"\` (median of 15) | ${fmt(launcher.loadMs)} ms |\n`
    + `| \`node -e ''\` (median of 15) | ${fmt(launcher.bareNodeMs)} ms |\n`
    + `| **launcher entry load (difference)** | **${fmt(launcher.entryMs)} ms** |\n`
    + `| **JobRenderer.render** (median of 3 × ${launcher.jobs} Jobs) | **${Math.round(launcher.rendersPerSecond).toLocaleString('en-US')} Jobs/s** |\n\n`);

  process.stdout.write('## `npm run synth` of the default example (spawned from the repository root, median of 3)\n\n'
    + 'CPU = user + system time of the command and its children: on a busy machine wall time grows, CPU time barely does.\n\n'
    + '| step | wall ms | CPU ms |\n| --- | ---: | ---: |\n');
  const synth = process.env.BENCH_SKIP_SYNTH ? {} : synthFigures();
  for (const [step, t] of Object.entries(synth)) {
    process.stdout.write(`| ${step} | ${fmt(t.medianMs, 0)}${t.ok ? '' : ' (failed)'} | ${fmt(t.cpuMs, 0)} |\n`);
  }

  const out = path.join(ROOT, '.bench-out');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify({ node: process.version, cpu, results, launcher, synth }, undefined, 2));
  fs.rmSync(TF_OUT, { recursive: true, force: true });
  process.stdout.write(`\nload average at end ${os.loadavg().map(l => fmt(l, 2)).join(' ')}\n`);
  process.stdout.write(`\nbench finished in ${fmt((Date.now() - started) / 1000)} s; raw figures in .bench-out/results.json\n`);
  if (results.some(r => !r.equal)) {
    process.exitCode = 1;
  }
}

main();
