// The CLI's remote mode as users run it: the real bin with --url/--token (or PORTAL_URL/PORTAL_TOKEN)
// against a server listening on 127.0.0.1, through the typed API client; no local database is opened.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliBinary } from '../../test/helpers/cli.ts';
import { freePort } from '../../test/helpers/processes.ts';
import { tempDir } from '../../test/helpers/temp.ts';
import { useTestApp } from '../../test/helpers/app.ts';

const t = useTestApp();
let url: string;
/** Where a local database would be made: it must never appear. */
let dataDir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return runCliBinary(args, { stdin: '', env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env } });
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
