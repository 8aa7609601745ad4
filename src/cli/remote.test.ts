// The CLI's remote mode as users run it: the real bin with --url/--token (or PORTAL_URL/PORTAL_TOKEN)
// against a server listening on 127.0.0.1, through the typed API client; no local database is opened.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/helpers/processes.ts';
import { tempDir } from '../../test/helpers/temp.ts';
import { useTestApp } from '../../test/helpers/app.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repoRoot, 'bin/portal-invitations.js');
const t = useTestApp();
let url: string;
/** Where a local database would be made: it must never appear. */
let dataDir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv))
    if (/^(INITIAL_|PORTAL_|DATABASE_URL$|SECRET_KEY$|DATA_DIR$|PORT$|HOST$)/.test(key)) delete childEnv[key];
  Object.assign(childEnv, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: childEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end('');
  });
}

beforeAll(async () => {
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  dataDir = join(tempDir('portal-remote-'), 'never-made');
});

describe('the CLI on a running server (--url, --token)', () => {
  it('creates a user, makes a token for it by email and revokes it, touching no local database', async () => {
    const user = await cli(
      [
        '--json',
        '--url',
        url,
        '--token',
        t.adminToken,
        'users',
        'create',
        '--email',
        'Remote@Example.com',
        '--name',
        'Remote Person',
        '--role',
        'staff',
      ],
      { PORTAL_USER_PASSWORD: 'Remote-password-1' },
    );
    expect(user.code, user.stderr).toBe(0);
    const { user: made } = JSON.parse(user.stdout);
    expect(made).toMatchObject({ fullName: 'Remote Person', role: 'staff' });
    expect(made.email.toLowerCase()).toBe('remote@example.com');

    // PORTAL_URL / PORTAL_TOKEN instead of the options.
    const token = await cli(['--json', 'tokens', 'create', '--user', 'REMOTE@example.com', '--name', 'remote'], {
      PORTAL_URL: url,
      PORTAL_TOKEN: t.adminToken,
    });
    expect(token.code, token.stderr).toBe(0);
    const created = JSON.parse(token.stdout);
    expect(created).toMatchObject({ ok: true, userId: made.id, name: 'remote' });
    expect((await t.api('GET', 'users/me', { token: created.token })).statusCode).not.toBe(401);

    const revoked = await cli(['--url', url, '--token', t.adminToken, 'tokens', 'revoke', created.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await t.api('GET', 'tokens', { token: created.token })).statusCode).toBe(401);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("reports the server's problem with its code (exit 1), and wrong usage with exit 2", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const revoke = ['tokens', 'revoke', '0190a0a0-0000-7000-8000-000000000000'];
    const [staff, bad, noToken, unreachable] = await Promise.all([
      cli(['--url', url, '--token', t.staffToken, 'users', 'create', '--email', 'x@example.com', '--name', 'X']),
      cli([
        '--json',
        '--url',
        url,
        '--token',
        t.adminToken,
        'tokens',
        'create',
        '--user',
        'nobody@example.com',
        '--name',
        'n',
      ]),
      cli(['--url', url, ...revoke]),
      cli(['--url', closed, '--token', 'pit_x', ...revoke]),
    ]);
    expect(staff.code).toBe(1);
    expect(staff.stderr).toContain('error: forbidden:');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, code: 'not-found' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('PORTAL_TOKEN');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('server-unreachable');
    expect(existsSync(dataDir)).toBe(false);
  });
});
