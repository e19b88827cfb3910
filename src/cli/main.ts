// The `assay` command line: a thin shell over the library. Each command lives in
// commands/<name>.ts and registers itself on the program; errors become one line and an exit code.
import { Command, CommanderError } from 'commander';
import { isAssayError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { type CliIO, processIO } from './io.js';
import { registerScore } from './commands/score.js';
import { registerSignificance } from './commands/significance.js';
import { registerAgreement } from './commands/agreement.js';
import { registerRank } from './commands/rank.js';
import { registerCache } from './commands/cache.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerTasks } from './commands/tasks.js';
import { registerJudge } from './commands/judge.js';

/** Every command, in the order `assay --help` lists them. */
const COMMANDS: ReadonlyArray<(program: Command, io: CliIO) => void> = [registerRun, registerScore, registerSignificance, registerAgreement, registerRank, registerCache, registerRuns, registerTasks, registerJudge];

export function buildProgram(io: CliIO): Command {
  const program = new Command('assay')
    .description('LLM evaluation toolkit: reference-exact metrics, harness-exact benchmarks, statistics everywhere.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showSuggestionAfterError(true);
  for (const register of COMMANDS) register(program, io);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs the CLI and returns the exit status; never throws for bad input. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.status ?? 0;
  } catch (error) {
    return reportError(error, io);
  }
}

export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Help and version "errors" are successful exits; commander already printed the message.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  if (isAssayError(error)) {
    io.err(`assay: error: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`assay: internal error: ${message}\n`);
  if (process.env.ASSAY_DEBUG && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err('(set ASSAY_DEBUG=1 for the stack trace, and please report it)\n');
  return 1;
}
