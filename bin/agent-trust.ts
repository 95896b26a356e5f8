#!/usr/bin/env node
import { CliError, CliIo, Command, ExitCode } from './cli-support';
import { promoteCheckCommand } from './promote-check-command';
import { renderCommand } from './render-command';
import { reportCommand } from './report-command';
import { verifyCommand } from './verify-command';

/**
 * The commands, in help order. A new command (e.g. `verify`) is one module
 * exporting a `Command` and one entry here.
 */
export const COMMANDS: Command[] = [renderCommand, promoteCheckCommand, reportCommand, verifyCommand];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length));
  return `Usage: agent-trust <command> [flags]

Launcher contract, promotion gates and review reports of cdk-agent-trust.

Commands:
${COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`agent-trust <command> --help\` for the flags of a command.

Exit codes:
  0  ok (rendered, eligible, report without findings)
  1  refused by the rules (render refused, not eligible, report with findings)
  2  usage error (unknown command or flag, missing or bad flag value)
  3  input unreadable or invalid (contract, evidence or manifests)
Errors go to stderr, one per line, naming the flag or field and its value.
`;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export function main(argv: string[], io: CliIo): number {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(topHelp());
    return ExitCode.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return ExitCode.OK;
  }
  const command = COMMANDS.find(c => c.name === name);
  if (!command) {
    io.err(`agent-trust: unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map(c => c.name).join(', ')}`);
    return ExitCode.USAGE;
  }
  try {
    return command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      e.lines.forEach(line => io.err(`agent-trust ${command.name}: ${line}`));
      return e.exitCode;
    }
    // Anything else is a bug or an environment failure: say so in one line, never exit 0.
    // The stack is for a bug report, not for the pipeline log: AGENT_TRUST_DEBUG=1 prints it.
    const first = String((e as Error)?.message ?? e).split('\n')[0];
    io.err(`agent-trust ${command.name}: unexpected error (${(e as Error)?.name ?? typeof e}): ${first}; `
      + 'please report it with the stack printed by AGENT_TRUST_DEBUG=1');
    if (process.env.AGENT_TRUST_DEBUG) {
      io.err(String((e as Error)?.stack ?? e));
    }
    return ExitCode.INPUT;
  }
}

if (require.main === module) {
  // `agent-trust report … | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') {
      throw e;
    }
  });
  const io: CliIo = {
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(`${text}\n`),
  };
  process.exitCode = main(process.argv.slice(2), io);
}
