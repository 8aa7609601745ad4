// The glue between commander and the commands: one wrapper that runs a command's handler and
// prints its result, and the mapping of zod input errors to the service's validation-failed.
import type { Command } from 'commander';
import type { z } from 'zod';
import { AppError, type FieldError } from '../shared/errors.ts';
import type { CliContext } from './context.ts';
import { writeResult, type CliIo, type CommandResult } from './io.ts';

/** Shared by every command of one run: the streams, and whether --json was asked for. */
export interface CliRun {
  io: CliIo;
  json: boolean;
  /** Set by a command whose result is printed but that did not wholly succeed (an import with failed rows: 1). */
  exitCode?: number;
}

/** Makes a commander action from a handler that returns what to print. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that prints nothing returns nothing
export function action(run: CliRun, handler: (cmd: Command) => Promise<CommandResult | void>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    run.json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
    const result = await handler(cmd);
    if (result) writeResult(run.io, run.json, result);
    if (result?.exitCode) run.exitCode = result.exitCode;
  };
}

/**
 * Validates CLI input with the same zod schema the API uses, naming fields as the options the
 * user typed (`fullName` → `--name`), and fails with the service's own validation-failed.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  optionNames: Record<string, string>,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    return { field: optionNames[key] ?? key, message: issue.message };
  });
  throw new AppError('validation-failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/**
 * context.ts's withCliContext, loaded when a command first works on the local database: the files
 * that register commands must not load the database drivers, migrations and services at start-up.
 */
export async function withCliContext<T>(env: NodeJS.ProcessEnv, work: (cli: CliContext) => Promise<T>): Promise<T> {
  const context = await import('./context.ts');
  return context.withCliContext(env, work);
}
