import { JobRenderer } from '../lib/launcher/job-renderer';
import { LauncherContractLoader } from '../lib/launcher/launcher-contract-loader';
import { CliError, Command, ExitCode, oneOf, parseFlags, requireFlags, withProblems } from './cli-support';

const FLAGS = {
  contract: { type: 'string' as const },
  agent: { type: 'string' as const },
  id: { type: 'string' as const },
  phase: { type: 'string' as const },
  output: { type: 'string' as const, short: 'o' },
};

/** `agent-trust render`: the Job of one investigation, ready for `kubectl create -f -`. */
export const renderCommand: Command = {
  name: 'render',
  summary: 'print the Job of one investigation (YAML or JSON) from the launcher contract',
  help: `Usage: agent-trust render --contract <file|dir> --agent <name> --id <id> --phase <phase> [--output yaml|json]

Print the complete batch/v1 Job of one investigation, rendered from the agent's
launcher contract as data (never by text substitution), ready for
\`kubectl create -f -\`.

Flags:
  --contract <file|dir>  a LauncherContract JSON file, a manifest file holding the
                         contract ConfigMap, or a synth output folder such as dist/
  --agent <name>         the agent whose contract to use
  --id <id>              investigation id: lowercase RFC 1123 label, at most 49 characters
  --phase <phase>        trust phase, at or below the agent's ceiling
  -o, --output yaml|json output format (default yaml)
  -h, --help             this help

Exit codes: 0 printed; 1 refused (stderr: "refused (<CODE>): …", CODE one of
INVALID_REQUEST, INVALID_ID, ID_TOO_LONG, UNKNOWN_PHASE, ABOVE_CEILING);
2 usage error; 3 contract unreadable or invalid (one line per problem naming the
file and field; a template breaking what admission enforces, e.g. backoffLimit
other than 0 or an image outside the contract's allowedRegistries, is invalid).

Example:
  agent-trust render --contract dist/ --agent diagnostics --id inv-42 --phase read-only | kubectl create -f -
`,
  run(args, io) {
    const values = parseFlags('render', args, FLAGS);
    if (values.help) {
      io.out(renderCommand.help);
      return ExitCode.OK;
    }
    requireFlags('render', values, ['contract', 'agent', 'id', 'phase']);
    const output = oneOf('output', values.output as string | undefined, ['yaml', 'json'], 'yaml');
    const renderer = withProblems(ExitCode.INPUT, () =>
      new JobRenderer(LauncherContractLoader.fromPath(values.contract as string, values.agent as string)));
    let job: any;
    try {
      job = renderer.render({ investigationId: values.id as string, phase: values.phase as string });
    } catch (e) {
      const code = JobRenderer.errorCode(e);
      if (code === undefined) {
        throw e;
      }
      throw new CliError(ExitCode.REFUSED, [`refused (${code}): ${(e as Error).message}`]);
    }
    if (output === 'json') {
      io.out(`${JSON.stringify(job, undefined, 2)}\n`);
    } else {
      const YAML = require('yaml') as typeof import('yaml');
      io.out(YAML.stringify(job));
    }
    return ExitCode.OK;
  },
};
