// The CLI's contact with the outside: streams and environment (injectable for tests), what a
// command returns, and how failures become messages and exit statuses.
import { AppError, type FieldError } from '../shared/errors.ts';
import { ConfigError } from '../config-error.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
}

export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});

export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Wrong use of the command line that commander cannot see by itself (e.g. two sources for one value). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * What a command produced: `lines` go to stdout in human mode; `json` is the one document
 * printed with --json (`ok: true` is added).
 */
export interface CommandResult {
  lines: string[];
  json: Record<string, unknown>;
  /** Not 0 when the work was done only in part (rows failed): the result is printed all the same. */
  exitCode?: ExitCode;
}

export function writeResult(io: CliIo, json: boolean, result: CommandResult): void {
  if (json) io.stdout.write(`${JSON.stringify({ ok: true, ...result.json }, null, 2)}\n`);
  else for (const line of result.lines) io.stdout.write(`${line}\n`);
}

/** A remark for people (e.g. migrations applied): stderr, so that stdout stays the result. */
export function note(io: CliIo, json: boolean, line: string): void {
  if (!json) io.stderr.write(`${line}\n`);
}

interface Failure {
  exitCode: ExitCode;
  code: string;
  detail: string;
  errors?: FieldError[] | undefined;
}

function describe(err: unknown): Failure {
  if (err instanceof AppError)
    return { exitCode: ExitCode.failure, code: err.code, detail: err.detail ?? err.message, errors: err.errors };
  if (err instanceof ConfigError)
    return { exitCode: ExitCode.usage, code: 'invalid-configuration', detail: err.message };
  if (err instanceof UsageError) return { exitCode: ExitCode.usage, code: 'usage', detail: err.message };
  const e = err as { code?: unknown; message?: unknown };
  const detail = typeof e?.message === 'string' ? e.message : String(err);
  return { exitCode: ExitCode.failure, code: typeof e?.code === 'string' ? e.code : 'internal-error', detail };
}

/** Reports a failed command on stderr (and, with --json, as the one document on stdout); returns the exit status. */
export function reportFailure(io: CliIo, json: boolean, err: unknown): ExitCode {
  const f = describe(err);
  if (err instanceof UsageError) io.stderr.write(`error: ${f.detail}\n(run with --help for usage)\n`);
  else if (err instanceof ConfigError) io.stderr.write(`error: ${f.detail}\n`);
  else io.stderr.write(`error: ${f.code}: ${f.detail}\n`);
  if (
    !(err instanceof AppError) &&
    !(err instanceof ConfigError) &&
    !(err instanceof UsageError) &&
    err instanceof Error &&
    err.stack &&
    io.env.DEBUG
  ) {
    io.stderr.write(`${err.stack}\n`);
  }
  if (json)
    io.stdout.write(
      `${JSON.stringify({ ok: false, code: f.code, detail: f.detail, ...(f.errors ? { errors: f.errors } : {}) }, null, 2)}\n`,
    );
  return f.exitCode;
}
