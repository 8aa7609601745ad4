// The real `portal-invitations` binary in a child process, for the CLI tests: only the environment
// the test gives reaches it, and its exit status and both outputs come back whole.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliBin = join(repoRoot, 'bin/portal-invitations.js');

/** Settings of the outer environment that would steer the child: never passed on. */
const STEERING = /^(INITIAL_|PORTAL_|DATABASE_URL$|SECRET_KEY$|DATA_DIR$|PORT$|HOST$|SMTP_URL$)/;

export interface CliRan {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliBinaryOptions {
  /** The working directory (default: the repository root). */
  cwd?: string;
  /** Set on top of the outer environment less STEERING (LOG_LEVEL is silent unless given). */
  env?: Record<string, string>;
  /** Written to standard input, which is then closed; without it standard input is /dev/null. */
  stdin?: string;
  /** Node options before the binary (e.g. an `--import` hook). */
  execArgv?: string[];
}

export function runCliBinary(args: string[], options: CliBinaryOptions = {}): Promise<CliRan> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (STEERING.test(key)) delete env[key];
  Object.assign(env, { LOG_LEVEL: 'silent', ...options.env });
  const piped = options.stdin !== undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), cliBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env,
      stdio: [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (piped) child.stdin?.end(options.stdin);
  });
}
