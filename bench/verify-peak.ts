/**
 * Child process of the benchmark: `agent-trust verify` of one synthesized
 * fleet as the CLI runs it (load the verifier, read, check, format the
 * text report), then prints JSON: this process's CPU ms, peak RSS KiB, the
 * number of findings and the summary line.
 */
import { Verifier } from '../lib/check/verifier';

const [k8sDir, tfDir] = process.argv.slice(2);
const report = Verifier.verifyPaths(k8sDir, tfDir);
const text = Verifier.formatText(report);
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({
  cpuMs: (cpu.user + cpu.system) / 1000,
  maxRssKiB: process.resourceUsage().maxRSS,
  findings: report.findings.length,
  summary: text.trim().split('\n').pop(),
})}\n`);
