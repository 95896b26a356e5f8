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
import { App } from 'cdk8s';
import { defaultChart } from '../examples/default/k8s';
import { baselineClustersK8s, baselineK8s } from './baseline-k8s';
import { baselineVault } from './baseline-vault';
import {
  canonicalK8s, canonicalTerraform, firstDifferences, kindCounts, resourceCount, resourceCounts,
} from './compare';
import { FleetParams, clusterFleetParams, fleetParams } from './fleet-params';
import { defaultShapeK8s, defaultShapeVault, libraryClustersK8s, libraryK8s, libraryVault } from './library';
import { writeFleetOutput } from './verify-fleet';

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
  { series: 'agents', targets: 10, agents: 300 },
];
/** Clusters series (issue #12): each cluster with `targets` target namespaces, the benchmark's shape otherwise. */
interface ClusterCase { readonly clusters: number; readonly targets: number; readonly agents: number }
const CLUSTER_CASES: ClusterCase[] = [1, 5, 20].map(clusters => ({ clusters, targets: 100, agents: 1 }));

/**
 * Which parts run: `BENCH_SERIES=clusters` (or a comma list of synthesis,
 * clusters, shape, verify, launcher, synth) runs only those; unset, all.
 */
const SERIES = (process.env.BENCH_SERIES ?? '').split(',').map(x => x.trim()).filter(x => x !== '');
const PARTS = ['synthesis', 'clusters', 'shape', 'verify', 'launcher', 'synth'];
for (const part of SERIES) {
  if (!PARTS.includes(part)) throw new Error(`BENCH_SERIES: unknown part "${part}"; use a comma list of ${PARTS.join(', ')}`);
}
const runs = (part: string): boolean => SERIES.length === 0 || SERIES.includes(part);

/** `agent-trust verify` is timed on the same series, plus the fleet of issue #14 (1,000 target namespaces, 100 agents). */
const VERIFY_CASES: Case[] = [...CASES, { series: 'fleet', targets: 1000, agents: 100 }];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * CPU milliseconds of this process's main thread so far (Linux's
 * per-thread scheduler statistics, nanosecond resolution), or NaN where
 * they cannot be read. Process CPU also counts the collector's background
 * threads, whose work after each forced collection depends on the whole
 * heap of this process (both sides' modules and data), not on one synthesis.
 */
function mainThreadCpuMs(): number {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** Wall, CPU (user + system, whole process) and main-thread CPU milliseconds of `f`, after a full collection. */
function measure(f: () => unknown): { wall: number; cpu: number; main: number } {
  gc();
  const cpu = process.cpuUsage();
  const main = mainThreadCpuMs();
  const start = process.hrtime.bigint();
  f();
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const mainUsed = mainThreadCpuMs() - main;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000, main: mainUsed };
}


function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

let rssHighWater = 0;
function sampleRss(): void {
  rssHighWater = Math.max(rssHighWater, process.memoryUsage().rss);
}

/** Same objects on both sides? Count, kinds and canonical content, per cluster output and of the one Vault stack. */
function compareSides(lks: any[][], bks: any[][], lv: any, bv: any): { k8sObjects: number; tfResources: number; equal: boolean; notes: string[] } {
  const notes: string[] = [];
  if (lks.length !== bks.length) notes.push(`cluster outputs: library ${lks.length}, baseline ${bks.length}`);
  lks.forEach((lk, i) => {
    const bk = bks[i] ?? [];
    const where = lks.length > 1 ? `cluster ${i + 1}: ` : '';
    if (lk.length !== bk.length) notes.push(`${where}k8s object count: library ${lk.length}, baseline ${bk.length}`);
    if (JSON.stringify(kindCounts(lk)) !== JSON.stringify(kindCounts(bk))) {
      notes.push(`${where}k8s kinds: library ${JSON.stringify(kindCounts(lk))}, baseline ${JSON.stringify(kindCounts(bk))}`);
    }
    notes.push(...firstDifferences(canonicalK8s(lk), canonicalK8s(bk)).map(d => `${where}${d}`));
  });
  if (JSON.stringify(resourceCounts(lv)) !== JSON.stringify(resourceCounts(bv))) {
    notes.push(`terraform resources: library ${JSON.stringify(resourceCounts(lv))}, baseline ${JSON.stringify(resourceCounts(bv))}`);
  }
  notes.push(...firstDifferences(canonicalTerraform(lv), canonicalTerraform(bv)));
  const k8sObjects = lks.reduce((n, lk) => n + lk.length, 0);
  return { k8sObjects, tfResources: resourceCount(lv), equal: notes.length === 0, notes };
}

function checkEqual(p: FleetParams): { k8sObjects: number; tfResources: number; equal: boolean; notes: string[] } {
  return compareSides([libraryK8s(p)], [baselineK8s(p)], libraryVault(p, TF_OUT), baselineVault(p, TF_OUT));
}

function peakRssMiB(side: string, c: Case): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'peak.js'), side, `${c.targets}`, `${c.agents}`],
    { cwd: ROOT, encoding: 'utf8' });
  return Number(out.trim()) / 1024;
}

/** One size of a series, library against baseline (`timedComparison`). */
interface Comparison {
  readonly k8sObjects: number;
  readonly tfResources: number;
  readonly equal: boolean;
  readonly ms: { [key: string]: number };
  readonly reps: number;
  /** Library / baseline: CPU of the halves and in total, main-thread CPU in total (NaN where unreadable), wall. */
  readonly ratio: { k8s: number; vault: number; total: number; main: number; wall: number };
  readonly usPerObject: { library: number; baseline: number };
}

interface CaseResult extends Comparison {
  readonly case: Case;
  readonly peakRssMiB: { library: number; baseline: number; modulesOnly: number };
}

interface ShapeResult {
  readonly case: Case;
  readonly k8sObjects: number;
  readonly tfResources: number;
  readonly reps: number;
  /** Median CPU ms per synthesis (k8s + vault) of the benchmark's shape and of the default example's shape. */
  readonly benchShapeCpu: number;
  readonly defaultShapeCpu: number;
}

/**
 * The library alone on the default example's shape (every guard, egress proxy
 * allowlist, API server egress and token, Vault engine Roles, alerts, dashboard)
 * against the benchmark's shape (what the baseline types), alternating in one process.
 */
function shapeCase(c: Case): ShapeResult {
  const p = fleetParams(c.targets, c.agents);
  const bench = (): void => { libraryK8s(p); libraryVault(p, TF_OUT); };
  const full = (): void => { defaultShapeK8s(p); defaultShapeVault(p, TF_OUT); };
  const first = measure(bench).cpu;
  measure(full);
  const reps = Math.max(1, Math.min(50, Math.round(150 / Math.max(1, first))));
  const batch = (f: () => void): number => measure(() => { for (let i = 0; i < reps; i++) f(); }).cpu / reps;
  const b: number[] = [];
  const d: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) { b.push(batch(bench)); d.push(batch(full)); } else { d.push(batch(full)); b.push(batch(bench)); }
    sampleRss();
  }
  return {
    case: c, k8sObjects: defaultShapeK8s(p).length, tfResources: resourceCount(defaultShapeVault(p, TF_OUT)), reps,
    benchShapeCpu: median(b), defaultShapeCpu: median(d),
  };
}

/** Why the default example's composition refuses the fleet of `c` at synth (its first problem), or undefined. */
function defaultShapeRefusal(c: Case): string | undefined {
  try {
    defaultShapeK8s(fleetParams(c.targets, c.agents));
    return undefined;
  } catch (e) {
    return String((e as Error).message ?? e).split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ');
  }
}

/** Median wall, CPU and main-thread CPU ms of each half of each side (keys libK8s, baseVaultCpu, lib, baseCpu, libMain, …) and the batch size. */
interface SideTimes { readonly ms: { [key: string]: number }; readonly reps: number }

/**
 * Times the library and the baseline, each as its Kubernetes half then its
 * Vault half, alternating which side goes first after a warm-up.
 */
function timeSides(lib: { k8s: () => unknown; vault: () => unknown }, base: { k8s: () => unknown; vault: () => unknown }): SideTimes {
  const runs: { [key: string]: number[] } = {
    libK8s: [], baseK8s: [], libVault: [], baseVault: [], lib: [], base: [],
    libCpu: [], baseCpu: [], libK8sCpu: [], baseK8sCpu: [], libVaultCpu: [], baseVaultCpu: [], libMain: [], baseMain: [],
  };
  // Small fleets synthesize in a few milliseconds: time a batch of `reps`
  // syntheses (at least ~300 ms of work) so timer, scheduler and the
  // collector's background threads do not dominate; each side pays for its own garbage.
  let reps = 1;
  const batch = (f: () => unknown): { wall: number; cpu: number; main: number } => {
    const t = measure(() => { for (let i = 0; i < reps; i++) f(); });
    return { wall: t.wall / reps, cpu: t.cpu / reps, main: t.main / reps };
  };
  const side = (name: 'lib' | 'base', k8s: () => unknown, vault: () => unknown): void => {
    const k = batch(k8s);
    const v = batch(vault);
    runs[`${name}K8s`].push(k.wall); runs[`${name}Vault`].push(v.wall); runs[name].push(k.wall + v.wall);
    runs[`${name}K8sCpu`].push(k.cpu); runs[`${name}VaultCpu`].push(v.cpu); runs[`${name}Cpu`].push(k.cpu + v.cpu);
    runs[`${name}Main`].push(k.main + v.main);
    sampleRss();
  };
  const libSide = (): void => side('lib', lib.k8s, lib.vault);
  const baseSide = (): void => side('base', base.k8s, base.vault);
  // Warm-up (JIT, module caches) and calibration, then alternate which side goes first.
  libSide(); baseSide();
  reps = Math.max(1, Math.min(100, Math.round(150 / Math.min(runs.libK8s[0], runs.baseK8s[0], runs.libVault[0], runs.baseVault[0]))));
  for (const key of Object.keys(runs)) runs[key] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) { libSide(); baseSide(); } else { baseSide(); libSide(); }
  }
  return { ms: Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs)])), reps };
}

/**
 * One size of a series: warn when the sides differ, time both halves of
 * both sides, and derive the ratios and CPU µs per object.
 */
function timedComparison(label: string, eq: { equal: boolean; notes: string[]; k8sObjects: number; tfResources: number },
  library: { k8s: () => unknown; vault: () => unknown }, baseline: { k8s: () => unknown; vault: () => unknown }): Comparison {
  if (!eq.equal) {
    process.stdout.write(`!! ${label}: library and baseline differ:\n  ${eq.notes.join('\n  ')}\n`);
  }
  const { ms, reps } = timeSides(library, baseline);
  const objects = eq.k8sObjects + eq.tfResources;
  return {
    k8sObjects: eq.k8sObjects,
    tfResources: eq.tfResources,
    equal: eq.equal,
    ms,
    reps,
    ratio: {
      k8s: ms.libK8sCpu / ms.baseK8sCpu, vault: ms.libVaultCpu / ms.baseVaultCpu, total: ms.libCpu / ms.baseCpu,
      main: ms.libMain / ms.baseMain, wall: ms.lib / ms.base,
    },
    usPerObject: { library: (ms.libCpu * 1000) / objects, baseline: (ms.baseCpu * 1000) / objects },
  };
}

function benchCase(c: Case, modulesOnly: number): CaseResult {
  const p = fleetParams(c.targets, c.agents);
  return {
    case: c,
    ...timedComparison(`${c.targets} namespaces / ${c.agents} agents`, checkEqual(p),
      { k8s: () => libraryK8s(p), vault: () => libraryVault(p, TF_OUT) },
      { k8s: () => baselineK8s(p), vault: () => baselineVault(p, TF_OUT) }),
    peakRssMiB: { library: peakRssMiB('library', c), baseline: peakRssMiB('baseline', c), modulesOnly },
  };
}

interface ClusterResult extends Comparison {
  readonly case: ClusterCase;
  /** Kubernetes CPU ms per cluster output. */
  readonly k8sPerCluster: { library: number; baseline: number };
  /** `Verifier.verifyClusterPaths` over the default shape's output of every cluster and the one stack (median CPU ms), and its objects. */
  readonly verify: { cpuMs: number; objects: number; usPerObject: number };
}

/**
 * A fleet declared in `c.clusters` clusters: the library writes one chart
 * per cluster view and one Vault stack with a Kubernetes and a JWT mount
 * per cluster; the baseline writes the same by hand. Both halves timed.
 */
function clusterCase(c: ClusterCase): ClusterResult {
  const p = clusterFleetParams(c.clusters, c.targets, c.agents);
  const timed = timedComparison(`${c.clusters} clusters × ${c.targets} namespaces`,
    compareSides(libraryClustersK8s(p), baselineClustersK8s(p), libraryVault(p, TF_OUT), baselineVault(p, TF_OUT)),
    { k8s: () => libraryClustersK8s(p), vault: () => libraryVault(p, TF_OUT) },
    { k8s: () => baselineClustersK8s(p), vault: () => baselineVault(p, TF_OUT) });
  return {
    case: c,
    ...timed,
    k8sPerCluster: { library: timed.ms.libK8sCpu / c.clusters, baseline: timed.ms.baseK8sCpu / c.clusters },
    verify: verifyClusters(p),
  };
}

/** `agent-trust verify --clusters` in this process on the default shape's output of every cluster and the one stack. */
function verifyClusters(p: FleetParams): { cpuMs: number; objects: number; usPerObject: number } {
  const { Verifier } = require(path.join(ROOT, 'build', 'lib', 'check', 'verifier')) as typeof import('../lib/check/verifier');
  const { SynthOutput } = require(path.join(ROOT, 'build', 'lib', 'launcher', 'synth-output')) as typeof import('../lib/launcher/synth-output');
  const { TerraformOutput } = require(path.join(ROOT, 'build', 'lib', 'check', 'terraform-output')) as typeof import('../lib/check/terraform-output');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-verify-clusters-'));
  const files = writeFleetOutput(p, dir);
  const verify = (): void => {
    const report = Verifier.verifyClusterPaths(files.clusterDirs, files.tfDir);
    if (report.findings.length > 0) {
      throw new Error(`verify found ${report.findings.length} finding(s) in ${files.clusterDirs.length} clusters: ${report.findings[0].message}`);
    }
  };
  verify(); // warm-up
  const cpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    cpu.push(measure(verify).cpu);
    sampleRss();
  }
  const objects = files.clusterDirs.reduce((n, d) => n + SynthOutput.readDirectory(d.kubernetesPath).length, 0)
    + TerraformOutput.fromPath(files.tfDir).resources.length;
  fs.rmSync(dir, { recursive: true, force: true });
  return { cpuMs: median(cpu), objects, usPerObject: (median(cpu) * 1000) / objects };
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

/** Wall and CPU ms of `require(entry)` measured inside a fresh node process (node's own start excluded). */
function requireCost(entry: string): { wall: number; cpu: number } {
  const script = `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(entry)});`
    + 'const w=Number(process.hrtime.bigint()-t)/1e6,u=process.cpuUsage(c);console.log(w+" "+(u.user+u.system)/1000)';
  const [wall, cpu] = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim().split(' ').map(Number);
  return { wall, cpu };
}

interface LauncherFigures {
  processMs: number; bareNodeMs: number; processCpuMs: number; bareNodeCpuMs: number;
  requireWallMs: number; requireCpuMs: number; rendersPerSecond: number; jobs: number;
}

function launcherFigures(): LauncherFigures {
  const load = timeCommand(process.execPath, ['-e', "require('./build/lib/launcher')"], 15);
  const bare = timeCommand(process.execPath, ['-e', ''], 15);
  const inside = Array.from({ length: 15 }, () => requireCost('./build/lib/launcher'));
  // The default example's contract (every guard, API token, egress proxy), as the launcher reads it from the ConfigMap.
  const objects = defaultChart(new App()).toJson();
  const contract = JSON.parse(objects.find(o => o.kind === 'ConfigMap' && o.data?.['contract.json']).data['contract.json']);
  const { JobRenderer } = require(path.join(ROOT, 'build', 'lib', 'launcher'));
  const renderer = new JobRenderer(contract);
  const phases: string[] = renderer.allowedPhases;
  const jobs = 100_000;
  const rates: number[] = [];
  let sink = 0;
  for (let round = 0; round < 4; round++) {
    const t = measure(() => {
      for (let i = 0; i < jobs; i++) {
        const job = renderer.render({ investigationId: `inv-${round}-${i}`, phase: phases[i % phases.length] });
        sink += job.metadata.name.length;
      }
    });
    if (round > 0) rates.push(jobs / (t.cpu / 1000));
  }
  if (sink === 0) throw new Error('renderer produced nothing');
  return {
    processMs: load.medianMs, bareNodeMs: bare.medianMs, processCpuMs: load.cpuMs, bareNodeCpuMs: bare.cpuMs,
    requireWallMs: median(inside.map(i => i.wall)), requireCpuMs: median(inside.map(i => i.cpu)),
    rendersPerSecond: median(rates), jobs,
  };
}

interface VerifyResult {
  readonly case: Case;
  readonly objects: number;
  readonly megabytes: number;
  /** In-process `Verifier.verifyPaths` (read + check), median CPU ms over the rounds. */
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly usPerObject: number;
  /** A fresh process as the CLI runs (node start and module loading included). */
  readonly process: { wallMs: number; cpuMs: number; maxRssMiB: number; findings: number; summary: string };
}

/** Cases whose default-shape output cannot be synthesized (so not verified). */
const verifyRefused: Case[] = [];

/** `agent-trust verify` on the synthesized output of each case (the default example's composition, every guard on). */
function verifyFigures(): VerifyResult[] {
  const { Verifier } = require(path.join(ROOT, 'build', 'lib', 'check', 'verifier')) as typeof import('../lib/check/verifier');
  const out: VerifyResult[] = [];
  for (const c of VERIFY_CASES) {
    const why = defaultShapeRefusal(c);
    if (why) {
      verifyRefused.push(c);
      continue;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-verify-'));
    const files = writeFleetOutput(fleetParams(c.targets, c.agents), dir);
    let objects = 0;
    const rounds = Math.max(3, Math.min(ROUNDS, 5));
    const cpu: number[] = [];
    const wall: number[] = [];
    Verifier.verifyPaths(files.k8sDir, files.tfDir); // warm-up
    for (let r = 0; r < rounds; r++) {
      const t = measure(() => {
        const report = Verifier.verifyPaths(files.k8sDir, files.tfDir);
        if (report.findings.length > 0) throw new Error(`verify found ${report.findings.length} finding(s) in the ${c.targets}/${c.agents} fleet`);
      });
      cpu.push(t.cpu);
      wall.push(t.wall);
      sampleRss();
    }
    const { SynthOutput } = require(path.join(ROOT, 'build', 'lib', 'launcher', 'synth-output')) as typeof import('../lib/launcher/synth-output');
    const { TerraformOutput } = require(path.join(ROOT, 'build', 'lib', 'check', 'terraform-output')) as typeof import('../lib/check/terraform-output');
    objects = SynthOutput.readDirectory(files.k8sDir).length + TerraformOutput.fromPath(files.tfDir).resources.length;
    const started = process.hrtime.bigint();
    const child = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'verify-peak.js'), files.k8sDir, files.tfDir],
      { cwd: ROOT, encoding: 'utf8' }));
    const childWall = Number(process.hrtime.bigint() - started) / 1e6;
    out.push({
      case: c, objects, megabytes: files.bytes / 1e6, cpuMs: median(cpu), wallMs: median(wall), usPerObject: (median(cpu) * 1000) / objects,
      process: { wallMs: childWall, cpuMs: child.cpuMs, maxRssMiB: child.maxRssKiB / 1024, findings: child.findings, summary: child.summary },
    });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function synthFigures(): { [step: string]: CommandTiming } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-trust-synth-'));
  const figures: { [step: string]: CommandTiming } = {};
  const npm = (script: string): CommandTiming => timeCommand('npm', ['run', '--silent', script], 3);
  // scripts/synth.js: tsc only when a source is newer than build/, then both apps in this one process.
  figures['**npm run synth** (build up to date: both apps in one process)'] = npm('synth');
  // A real edit (a comment appended to a model file, restored afterwards): tsc parses the whole program again.
  const edited = path.join(ROOT, 'lib', 'model', 'trust-names.ts');
  const original = fs.readFileSync(edited, 'utf8');
  const edits: CommandTiming[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(edited, `${original}// bench edit ${i} ${Date.now()}\n`);
      edits.push(timeCommand('npm', ['run', '--silent', 'synth'], 1));
    }
  } finally {
    fs.writeFileSync(edited, original);
  }
  figures['**npm run synth after a source change** (a comment added to lib/model: tsc, then both apps in one process)'] = {
    medianMs: median(edits.map(e => e.medianMs)), cpuMs: median(edits.map(e => e.cpuMs)), all: edits.flatMap(e => e.all), ok: edits.every(e => e.ok),
  };
  timeCommand('npm', ['run', '--silent', 'build'], 1); // untimed: build/ in step with the restored source
  figures['npm run synth after a touch (no content change, as after a checkout: tsc -b finds nothing to rebuild)'] = timeCommand('sh', ['-c',
    'touch lib/model/trust-names.ts && npm run --silent synth'], 3);
  figures['node scripts/synth.js (the same without npm\'s own start)'] = timeCommand(process.execPath, ['scripts/synth.js'], 3);
  // scripts/synth-cli.js: the same check, then the real cdk8s and cdktf CLIs in parallel (what pipelines run).
  figures['npm run synth:cli (build up to date: both CLIs in parallel)'] = npm('synth:cli');
  figures['npm run build (tsc -b, nothing changed)'] = npm('build');
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
  figures['cdk8s --version (cdk8s CLI start alone)'] = timeCommand('npx', ['--no-install', 'cdk8s', '--version'], 3);
  figures['cdktf --version (cdktf CLI start alone; synth loads much more)'] = timeCommand('npx', ['--no-install', 'cdktf', '--version'], 3);
  fs.rmSync(tmp, { recursive: true, force: true });
  return figures;
}

/** The clusters series: library vs baseline per cluster count, printed as a Markdown table. */
function clusterSection(started: number): ClusterResult[] {
  // Warm both sides' cluster code paths first, so the first (smallest) case does not pay the JIT for the series.
  const warm = clusterFleetParams(2, 10, 1);
  for (let i = 0; i < 3; i++) {
    libraryClustersK8s(warm); libraryVault(warm, TF_OUT); baselineClustersK8s(warm); baselineVault(warm, TF_OUT);
  }
  const results = CLUSTER_CASES.map(c => {
    process.stderr.write(`bench: ${c.clusters} clusters × ${c.targets} target namespaces (${fmt((Date.now() - started) / 1000)} s)\n`);
    return clusterCase(c);
  });
  process.stdout.write('## Clusters: library vs hand-written baseline\n\n'
    + `One fleet (${CLUSTER_CASES[0].agents} agent, the benchmark's shape) declared in 1, 5 and 20 clusters (\`AgentCluster\`), each cluster with `
    + `${CLUSTER_CASES[0].targets} target namespaces: the Kubernetes half is one chart per cluster (\`fleet.clusterFleets\`, as examples/multi-cluster/k8s.ts), `
    + 'the Vault half one stack with a Kubernetes and a JWT auth mount per cluster; the baseline writes the same by hand. '
    + 'Per synthesis of all clusters, CPU, median of the rounds, batches as above. '
    + 'Verify: `Verifier.verifyClusterPaths` in this process over the default shape\'s output of every cluster and the one stack (median of 3, CPU; every fleet verifies clean).\n\n'
    + '| clusters | target ns per cluster | reps | k8s objects (all clusters) | tf resources | same output | library CPU ms (k8s + vault) | baseline CPU ms (k8s + vault) '
    + '| ratio k8s | ratio vault | **ratio total** | k8s ms per cluster lib / base | µs/object lib | µs/object base | verify CPU ms (µs/object) |\n'
    + '| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  for (const r of results) {
    process.stdout.write(`| ${r.case.clusters} | ${r.case.targets} | ${r.reps} | ${r.k8sObjects} | ${r.tfResources} | ${r.equal ? 'yes' : '**NO**'} `
      + `| ${fmt(r.ms.libCpu)} (${fmt(r.ms.libK8sCpu)} + ${fmt(r.ms.libVaultCpu)}) | ${fmt(r.ms.baseCpu)} (${fmt(r.ms.baseK8sCpu)} + ${fmt(r.ms.baseVaultCpu)}) `
      + `| ${fmt(r.ratio.k8s, 2)} | ${fmt(r.ratio.vault, 2)} | **${fmt(r.ratio.total, 2)}** `
      + `| ${fmt(r.k8sPerCluster.library)} / ${fmt(r.k8sPerCluster.baseline)} | ${fmt(r.usPerObject.library)} | ${fmt(r.usPerObject.baseline)} `
      + `| ${fmt(r.verify.cpuMs)} (${fmt(r.verify.usPerObject)}) |\n`);
  }
  const first = results[0];
  const last = results[results.length - 1];
  process.stdout.write(`\nCost per object at ${last.case.clusters} vs ${first.case.clusters} cluster(s): library ×${fmt(last.usPerObject.library / first.usPerObject.library, 2)}, `
    + `baseline ×${fmt(last.usPerObject.baseline / first.usPerObject.baseline, 2)}`
    + `, verify ×${fmt(last.verify.usPerObject / first.verify.usPerObject, 2)}`
    + ` (1.00 = flat; below 1, the fixed cost of a synthesis spreads over more objects).\n`);
  // What one more cluster costs, from the two largest cases: the flatness that matters at scale.
  const mid = results[results.length - 2];
  const added = last.k8sObjects + last.tfResources - mid.k8sObjects - mid.tfResources;
  const marginal = (key: 'libCpu' | 'baseCpu'): string => {
    const ms = (last.ms[key] - mid.ms[key]) / (last.case.clusters - mid.case.clusters);
    return `${fmt(ms)} ms per cluster, ${fmt(((last.ms[key] - mid.ms[key]) * 1000) / added)} µs per added object`;
  };
  process.stdout.write(`Marginal cost from ${mid.case.clusters} to ${last.case.clusters} clusters: library ${marginal('libCpu')}; baseline ${marginal('baseCpu')}. `
    + `Load average now ${os.loadavg().map(l => fmt(l, 2)).join(' ')}.\n\n`);
  return results;
}

function main(): void {
  const started = Date.now();
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  process.stdout.write(`# cdk-agent-trust benchmark\n\n`);
  process.stdout.write(`node ${process.version}, ${os.cpus().length} CPUs (${cpu}), ${fmt(os.totalmem() / 2 ** 30)} GiB RAM, `
    + `load average at start ${os.loadavg().map(l => fmt(l, 2)).join(' ')}, `
    + `${ROUNDS} rounds after a warm-up, medians; gc ${(global as any).gc ? 'forced before each timed synthesis' : 'NOT exposed (run with --expose-gc)'}\n\n`);

  let results: CaseResult[] = [];
  if (runs('synthesis')) {
    const modulesOnly = Number(execFileSync(process.execPath, [path.join(__dirname, 'peak.js'), 'none'], { cwd: ROOT, encoding: 'utf8' }).trim()) / 1024;
    results = CASES.map(c => {
      process.stderr.write(`bench: ${c.targets} target namespaces, ${c.agents} agents (${fmt((Date.now() - started) / 1000)} s)\n`);
      return benchCase(c, modulesOnly);
    });

    const header = '| series | target ns | agents | reps | k8s objects | tf resources | same output | library CPU ms (k8s + vault) | baseline CPU ms (k8s + vault) | ratio k8s | ratio vault | **ratio total** | main-thread CPU lib / base ms (ratio) | wall lib / base ms (ratio) | µs/object lib | µs/object base | peak RSS lib / base MiB |\n'
      + '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
    process.stdout.write('## Synthesis: library vs hand-written baseline\n\n'
      + 'Per synthesis, median of the rounds; each round times a batch of syntheses (`reps`, ≥ ~150 ms of work per half) and divides. '
      + 'Ratios and µs/object use CPU time (user + system of this process). Main-thread CPU leaves out the collector\'s background threads, '
      + 'whose work after each forced collection follows this process\'s whole heap (both sides\' modules and data) more than one synthesis '
      + '(Linux only; n/a elsewhere); wall time is shown for reference.\n\n' + header);
    for (const r of results) {
      process.stdout.write(`| ${r.case.series} | ${r.case.targets} | ${r.case.agents} | ${r.reps} | ${r.k8sObjects} | ${r.tfResources} | ${r.equal ? 'yes' : '**NO**'} `
        + `| ${fmt(r.ms.libCpu)} (${fmt(r.ms.libK8sCpu)} + ${fmt(r.ms.libVaultCpu)}) | ${fmt(r.ms.baseCpu)} (${fmt(r.ms.baseK8sCpu)} + ${fmt(r.ms.baseVaultCpu)}) `
        + `| ${fmt(r.ratio.k8s, 2)} | ${fmt(r.ratio.vault, 2)} | **${fmt(r.ratio.total, 2)}** `
        + `| ${Number.isNaN(r.ratio.main) ? 'n/a' : `${fmt(r.ms.libMain)} / ${fmt(r.ms.baseMain)} (${fmt(r.ratio.main, 2)})`} `
        + `| ${fmt(r.ms.lib)} / ${fmt(r.ms.base)} (${fmt(r.ratio.wall, 2)}) `
        + `| ${fmt(r.usPerObject.library)} | ${fmt(r.usPerObject.baseline)} | ${fmt(r.peakRssMiB.library)} / ${fmt(r.peakRssMiB.baseline)} |\n`);
    }
    const ns = results.filter(r => r.case.series === 'namespaces');
    const flat = ns[ns.length - 1].usPerObject.library / ns[0].usPerObject.library;
    process.stdout.write(`\nPeak RSS: maxRSS of a fresh child process that loads both sides' modules and synthesizes the fleet once (both halves); `
      + `loading the modules alone peaks at ${fmt(modulesOnly)} MiB. In-process RSS high-water of this run: ${fmt(rssHighWater / 2 ** 20)} MiB.\n`);
    process.stdout.write(`Library cost per object at ${ns[ns.length - 1].case.targets} vs ${ns[0].case.targets} target namespaces: ×${fmt(flat, 2)} `
      + `(1.00 = flat).\n\n`);
  }

  let clusters: ClusterResult[] = [];
  if (runs('clusters')) {
    clusters = clusterSection(started);
  }

  const shapes: ShapeResult[] = [];
  if (runs('shape')) {
    process.stdout.write('## The default example\'s shape (library only)\n\n'
      + 'The baseline types the benchmark\'s shape: the identity guards (Pod, Job-contract, token-request, exec and params policies, '
      + 'Job-creator rule) off, no API server egress, the LLM and cloud domains as IP blocks, no egress proxy allowlist, '
      + 'no VaultKubernetesEngineAccess Roles, no alerts or dashboard. What users of the default example synthesize is the full shape; '
      + 'its cost over the benchmark\'s shape, both on the library, CPU per synthesis (k8s + vault), median of the rounds:\n\n'
      + '| series | target ns | agents | reps | k8s objects (full) | tf resources (full) | benchmark shape CPU ms | default shape CPU ms | **default / benchmark shape** | µs/object (full) |\n'
      + '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
    process.stderr.write(`bench: default shape (${fmt((Date.now() - started) / 1000)} s)\n`);
    const refused: string[] = [];
    for (const c of CASES) {
      const why = defaultShapeRefusal(c);
      if (why) refused.push(`${c.targets} target namespaces × ${c.agents} agents: ${why}`);
      else shapes.push(shapeCase(c));
    }
    for (const s of shapes) {
      process.stdout.write(`| ${s.case.series} | ${s.case.targets} | ${s.case.agents} | ${s.reps} | ${s.k8sObjects} | ${s.tfResources} `
        + `| ${fmt(s.benchShapeCpu)} | ${fmt(s.defaultShapeCpu)} | **${fmt(s.defaultShapeCpu / s.benchShapeCpu, 2)}** `
        + `| ${fmt((s.defaultShapeCpu * 1000) / (s.k8sObjects + s.tfResources))} |\n`);
    }
    process.stdout.write(refused.map(r => `\nNot synthesizable in the default shape: ${r}\n`).join('') + '\n');
  }

  let verify: VerifyResult[] = [];
  if (runs('verify')) {
    process.stdout.write('## `agent-trust verify` at scale\n\n'
      + 'Output of the default example\'s composition and fleet shape (every admission guard on, egress proxy, alerts, dashboard, contract files written), scaled to each fleet, '
      + 'verified in this process (`Verifier.verifyPaths`: read + every check; median of the rounds after a warm-up, CPU time) '
      + 'and as the CLI runs it in a fresh process (node start and module loading included; wall, CPU and peak RSS of that process). '
      + 'Every fleet verifies clean.\n\n'
      + '| series | target ns | agents | objects (k8s + tf) | output MB | verify CPU ms | µs/object | process wall ms | process CPU ms | process peak RSS MiB |\n'
      + '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
    process.stderr.write(`bench: verify (${fmt((Date.now() - started) / 1000)} s)\n`);
    verify = verifyFigures();
    for (const v of verify) {
      process.stdout.write(`| ${v.case.series} | ${v.case.targets} | ${v.case.agents} | ${v.objects} | ${fmt(v.megabytes)} | ${fmt(v.cpuMs)} | ${fmt(v.usPerObject)} `
        + `| ${fmt(v.process.wallMs, 0)} | ${fmt(v.process.cpuMs, 0)} | ${fmt(v.process.maxRssMiB)} |\n`);
    }
    for (const c of verifyRefused) {
      process.stdout.write(`| ${c.series} | ${c.targets} | ${c.agents} | not synthesizable in the default shape (see above) | | | | | | |\n`);
    }
    const vns = verify.filter(v => v.case.series === 'namespaces');
    process.stdout.write(`\nVerify cost per object at ${vns[vns.length - 1].case.targets} vs ${vns[0].case.targets} target namespaces: `
      + `×${fmt(vns[vns.length - 1].usPerObject / vns[0].usPerObject, 2)} (1.00 = flat). `
      + `Summary line of the largest fleet: \`${verify[verify.length - 1].process.summary}\`\n\n`);
  }

  let launcher: LauncherFigures | undefined;
  if (runs('launcher')) {
    process.stdout.write('## Launcher\n\n');
    process.stderr.write(`bench: launcher (${fmt((Date.now() - started) / 1000)} s)\n`);
    launcher = launcherFigures();
    process.stdout.write(`| figure | wall | CPU |\n| --- | ---: | ---: |\n`
      + `| \`node -e "require('./build/lib/launcher')"\` (whole process, median of 15) | ${fmt(launcher.processMs)} ms | ${fmt(launcher.processCpuMs)} ms |\n`
      + `| \`node -e ''\` (bare node, median of 15) | ${fmt(launcher.bareNodeMs)} ms | ${fmt(launcher.bareNodeCpuMs)} ms |\n`
      + `| difference | ${fmt(launcher.processMs - launcher.bareNodeMs)} ms | ${fmt(launcher.processCpuMs - launcher.bareNodeCpuMs)} ms |\n`
      + `| **\`require('./build/lib/launcher')\` timed inside the process** (median of 15) | **${fmt(launcher.requireWallMs)} ms** | ${fmt(launcher.requireCpuMs)} ms |\n`
      + `| **JobRenderer.render** (median of 3 × ${launcher.jobs} Jobs, per CPU second) | **${Math.round(launcher.rendersPerSecond).toLocaleString('en-US')} Jobs/s** | |\n\n`
      + 'Child-process CPU is counted in clock ticks (10 ms); the in-process figure is the precise one.\n\n');
  }

  let synth: { [step: string]: CommandTiming } = {};
  if (runs('synth')) {
    process.stdout.write('## `npm run synth` of the default example (spawned from the repository root, median of 3)\n\n'
      + 'CPU = user + system time of the command and its children: on a busy machine wall time grows, CPU time barely does.\n\n'
      + '| step | wall ms | CPU ms |\n| --- | ---: | ---: |\n');
    process.stderr.write(`bench: npm run synth (${fmt((Date.now() - started) / 1000)} s)\n`);
    synth = process.env.BENCH_SKIP_SYNTH ? {} : synthFigures();
    for (const [step, t] of Object.entries(synth)) {
      process.stdout.write(`| ${step} | ${fmt(t.medianMs, 0)}${t.ok ? '' : ' (failed)'} | ${fmt(t.cpuMs, 0)} |\n`);
    }
  }

  const out = path.join(ROOT, '.bench-out');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify({ node: process.version, cpu, results, clusters, shapes, verify, launcher, synth }, undefined, 2));
  fs.rmSync(TF_OUT, { recursive: true, force: true });
  process.stdout.write(`\nload average at end ${os.loadavg().map(l => fmt(l, 2)).join(' ')}\n`);
  process.stdout.write(`\nbench finished in ${fmt((Date.now() - started) / 1000)} s; raw figures in .bench-out/results.json\n`);
  if (results.some(r => !r.equal) || clusters.some(r => !r.equal)) {
    process.exitCode = 1;
  }
}

main();
