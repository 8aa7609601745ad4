// The CLI's remote mode: with `--url` (or PORTAL_URL) a command talks to a running server through
// the typed staff API client, with `--token` (or PORTAL_TOKEN), and no local database is opened.
import type { Command } from 'commander';
import type { StaffApiClient } from '../api-client/index.ts';
import { AppError, type ErrorCode, errorCodes, type FieldError } from '../shared/errors.ts';
import type { CliRun } from './command.ts';
import { UsageError } from './io.ts';

export const URL_ENV = 'PORTAL_URL';
export const TOKEN_ENV = 'PORTAL_TOKEN';

export interface RemoteTarget {
  url: string;
  token: string;
}

/** The server a command should talk to, or undefined to work on the local database. */
export function remoteTarget(run: CliRun, cmd: Command): RemoteTarget | undefined {
  const opts = cmd.optsWithGlobals<{ url?: string; token?: string }>();
  const url = opts.url ?? (run.io.env[URL_ENV] || undefined);
  const token = opts.token ?? (run.io.env[TOKEN_ENV] || undefined);
  if (url === undefined) {
    if (opts.token !== undefined) throw new UsageError('--token needs --url (the server to talk to)');
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError('--url: must be http:// or https://');
  if (!token) throw new UsageError(`remote mode needs an API token: --token or ${TOKEN_ENV}`);
  return { url: parsed.toString().replace(/\/+$/, ''), token };
}

interface ProblemLike {
  code?: unknown;
  detail?: unknown;
  errors?: FieldError[];
}

/** A problem document as the CLI's own failure (same code, detail and field errors as locally). */
export function problemError(status: number, body: unknown): AppError {
  const p = (body ?? {}) as ProblemLike;
  const code = errorCodes.includes(p.code as ErrorCode) ? (p.code as ErrorCode) : 'internal-error';
  const detail = typeof p.detail === 'string' ? p.detail : `The server answered ${status}.`;
  return new AppError(code, detail, Array.isArray(p.errors) ? { errors: p.errors } : {});
}

/** Unwraps an openapi-fetch answer: its data, or the problem it carries thrown as an AppError. */
export function answered<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw problemError(result.response.status, result.error);
  return result.data as T;
}

/**
 * Runs `work` with the typed client of the server `target` names. A server that cannot be reached
 * fails with code `server-unreachable` (exit status 1).
 */
export async function withRemoteClient<T>(
  target: RemoteTarget,
  work: (client: StaffApiClient) => Promise<T>,
): Promise<T> {
  // Loaded here: the typed client is needed only once a command talks to a server.
  const { createStaffApiClient } = await import('../api-client/index.ts');
  const client = createStaffApiClient({ baseUrl: target.url, token: target.token });
  try {
    return await work(client);
  } catch (err) {
    if (err instanceof AppError || err instanceof UsageError) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw Object.assign(new Error(`cannot reach ${target.url}: ${cause?.code ?? cause?.message ?? String(err)}`), {
      code: 'server-unreachable',
    });
  }
}
