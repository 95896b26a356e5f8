/**
 * Child process of the benchmark: synthesizes one fleet once (both halves)
 * with one side and prints the process's peak resident set size in KiB
 * (`process.resourceUsage().maxRSS`). `none` only loads the modules: the
 * floor both sides share.
 */
import * as os from 'os';
import * as path from 'path';
import { baselineK8s } from './baseline-k8s';
import { baselineVault } from './baseline-vault';
import { fleetParams } from './fleet-params';
import { libraryK8s, libraryVault } from './library';

const [side, targets, agents] = process.argv.slice(2);
const p = fleetParams(Number(targets ?? 1), Number(agents ?? 1));
const outdir = path.join(os.tmpdir(), 'agent-trust-bench-cdktf');
if (side === 'library') {
  libraryK8s(p);
  libraryVault(p, outdir);
} else if (side === 'baseline') {
  baselineK8s(p);
  baselineVault(p, outdir);
} else if (side !== 'none') {
  throw new Error(`usage: peak.js library|baseline|none <targets> <agents>; got ${side}`);
}
process.stdout.write(`${process.resourceUsage().maxRSS}\n`);
