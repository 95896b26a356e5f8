import { parseArgs } from 'util';
import { AgentTrustErrors } from '../lib/model/validation';
import { ProblemCollector } from '../lib/model/private/problem-collector';

/** Exit codes a pipeline can act on. */
export const ExitCode = {
  /** Done: rendered, eligible, report written without findings. */
  OK: 0,
  /** Refused by the rules: render refused, promotion not eligible, report with findings. */
  REFUSED: 1,
  /** Wrong command line: unknown command or flag, missing or bad flag value. */
  USAGE: 2,
  /** Input unreadable or invalid: contract, evidence or manifests missing, unparsable or failing validation. */
  INPUT: 3,
} as const;

/** Where a command writes. Tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A subcommand of `agent-trust`. Add a command by adding one to `COMMANDS` in agent-trust.ts. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(args: string[], io: CliIo): number;
}

/** An error that ends a command with an exit code; `lines` go to stderr one per line. */
export class CliError extends Error {
  public constructor(public readonly exitCode: number, public readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** Throw a usage error (exit 2). */
export function usage(...lines: string[]): never {
  throw new CliError(ExitCode.USAGE, lines);
}

type Options = { [name: string]: { type: 'string' | 'boolean'; short?: string } };

/** Parse flags strictly: unknown flags and positionals are usage errors naming them. */
export function parseFlags(command: string, args: string[], options: Options): { [name: string]: string | boolean | undefined } {
  try {
    const { values } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    return values as { [name: string]: string | boolean | undefined };
  } catch (e) {
    usage(`${(e as Error).message.split('\n')[0]}`, `run \`agent-trust ${command} --help\` for the flags`);
  }
}

/** Every missing required flag at once. */
export function requireFlags(command: string, values: { [name: string]: unknown }, names: string[]): void {
  const missing = names.filter(n => typeof values[n] !== 'string' || values[n] === '');
  if (missing.length > 0) {
    usage(...missing.map(n => `missing required flag --${n}`), `run \`agent-trust ${command} --help\` for the flags`);
  }
}

/** Check an enumerated flag value. */
export function oneOf(flag: string, value: string | undefined, allowed: string[], fallback: string): string {
  const v = value ?? fallback;
  if (!allowed.includes(v)) {
    usage(`--${flag} ${JSON.stringify(v)} is not one of: ${allowed.join(', ')}`);
  }
  return v;
}

/**
 * Run `fn`, turning this library's validation errors into one stderr line
 * per problem with exit code `code` (the caller decides whether bad data is
 * an input error or a usage error).
 */
export function withProblems<T>(code: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (AgentTrustErrors.isValidationError(e)) {
      throw new CliError(code, AgentTrustErrors.problemsOf(e).map(p => ProblemCollector.format(p)));
    }
    throw e;
  }
}
