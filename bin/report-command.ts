import * as fs from 'fs';
import { PhaseDeltaReport } from '../lib/check/phase-delta-report';
import { LauncherContractLoader } from '../lib/launcher/launcher-contract-loader';
import { SynthOutput } from '../lib/launcher/synth-output';
import { Command, ExitCode, parseFlags, requireFlags, withProblems } from './cli-support';

const FLAGS = {
  contract: { type: 'string' as const },
  agent: { type: 'string' as const },
  from: { type: 'string' as const },
  to: { type: 'string' as const },
};

/** `agent-trust report`: what each promotion adds, as Markdown a reviewer signs. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'print what each promotion adds (Kubernetes verbs, Vault paths, egress) as Markdown to sign',
  help: `Usage: agent-trust report --contract <dir|file> [--agent <name>] [--from <phase>] [--to <phase>]

Print, as Markdown a security reviewer signs, what each promotion step of the
agent adds: Kubernetes verbs per resource and namespace (the effective RBAC of
the synthesized Roles, ClusterRoles and bindings), Vault credential paths and
egress endpoints (from the launcher contract), the promotion criteria and the
demotion triggers, with a sign-off block and the contract's SHA-256. On top,
a Mermaid flowchart of the ladder (renders on GitHub and GitLab): what each
phase adds, the agent's ceiling and the step under review marked.

Flags:
  --contract <dir|file>  synth output folder such as dist/ (or one manifest file)
                         holding the contract ConfigMap AND the RBAC objects
  --agent <name>         the agent (default: the only agent with a contract there)
  --from <phase>         lower phase of a single step (default: the phase below --to)
  --to <phase>           upper phase of a single step (default: the phase above --from)
                         (without --from/--to: every step of the ladder)
  -h, --help             this help

Exit codes: 0 report printed; 1 report printed with warnings (missing RBAC,
non-monotonic ladder, dangling bindings); 2 usage error (incl. unknown phases);
3 input unreadable or invalid.
`,
  run(args, io) {
    const values = parseFlags('report', args, FLAGS);
    if (values.help) {
      io.out(reportCommand.help);
      return ExitCode.OK;
    }
    requireFlags('report', values, ['contract']);
    const source = values.contract as string;
    const { doc, objects } = withProblems(ExitCode.INPUT, () => {
      let isDir = false;
      try {
        isDir = fs.statSync(source).isDirectory();
      } catch {
        // Reported by readFile with the reason.
      }
      const all = isDir ? SynthOutput.readDirectory(source) : SynthOutput.readFile(source);
      return { doc: LauncherContractLoader.fromObjects(all, source, values.agent as string | undefined), objects: all };
    });
    const report = withProblems(ExitCode.USAGE, () => PhaseDeltaReport.compute(doc, objects, {
      fromPhase: values.from as string | undefined,
      toPhase: values.to as string | undefined,
      source,
    }));
    io.out(report.toMarkdown());
    report.warnings.forEach(w => io.err(`warning: ${w}`));
    return report.warnings.length > 0 ? ExitCode.REFUSED : ExitCode.OK;
  },
};
