// The CLI as users run it: the real bin in a child process, on this project's database
// (a SQLite file or a fresh PostgreSQL database), checked against the API built on the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliBinary, type CliRan } from '../../test/helpers/cli.ts';
import type { DatabaseConfig } from '../config.ts';
import { buildApp } from '../app.ts';
import { openDatabase, type DatabaseHandle } from '../db/connection.ts';
import { randomToken } from '../shared/crypto.ts';
import { createEmptyDatabase } from '../../test/helpers/db.ts';
import { testConfig } from '../../test/helpers/app.ts';

type Ran = CliRan;

let dataDir: string;
let database: DatabaseConfig;
let removeDatabase: () => Promise<void>;
const secretKey = randomToken(32);

function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  return runCliBinary(args, {
    stdin: options.stdin ?? '',
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: database.dialect === 'postgres' ? database.url : database.file,
      SECRET_KEY: secretKey,
      LOG_LEVEL: 'silent',
      ...options.env,
    },
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'portal-cli-'));
  ({ config: database, remove: removeDatabase } = await createEmptyDatabase());
});

afterAll(async () => {
  await removeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('portal-invitations command line', () => {
  it('shows help with every command (exit 0) and rejects an unknown command as wrong usage (exit 2)', async () => {
    const [help, unknown] = await Promise.all([cli(['--help']), cli(['frobnicate'])]);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'users', 'tokens'])
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  describe('migrate, users create, tokens create and revoke', () => {
    const password = 'Cli-password-42';
    let app: FastifyInstance;
    let handle: DatabaseHandle;
    let created: { id: string; token: string; userId: string };

    afterAll(async () => {
      await app?.close();
      await handle?.close();
    });

    it('migrate applies the migrations to the empty database and says which', async () => {
      const ran = await cli(['migrate', '--json']);
      expect(ran.code, ran.stderr).toBe(0);
      const doc = JSON.parse(ran.stdout);
      expect(doc).toMatchObject({ ok: true, database: database.dialect });
      expect(doc.applied).toContain('0001_data_model');
    });

    it('users create makes an admin with the password from stdin, never printing it', async () => {
      const ran = await cli(
        [
          'users',
          'create',
          '--email',
          'Cli.Admin@Example.com',
          '--name',
          'Cli Admin',
          '--role',
          'admin',
          '--password-stdin',
          '--json',
        ],
        { stdin: `${password}\n` },
      );
      expect(ran.code, ran.stderr).toBe(0);
      expect(JSON.parse(ran.stdout)).toMatchObject({
        ok: true,
        user: { email: 'Cli.Admin@Example.com', fullName: 'Cli Admin', role: 'admin' },
      });
      expect(ran.stdout + ran.stderr).not.toContain(password);
    });

    it('tokens create prints a token that authenticates against the API', async () => {
      const ran = await cli(['tokens', 'create', '--user', 'cli.admin@example.com', '--name', 'deploy', '--json']);
      expect(ran.code, ran.stderr).toBe(0);
      created = JSON.parse(ran.stdout);
      expect(created).toMatchObject({
        ok: true,
        id: expect.any(String),
        userId: expect.any(String),
        token: expect.stringMatching(/^pit_/),
      });

      handle = openDatabase(database);
      ({ app } = await buildApp({ config: testConfig({ database, secretKey, dataDir }), database: handle }));
      const me = await app.inject({
        method: 'GET',
        url: `/api/v1/users/${created.userId}`,
        headers: { authorization: `Bearer ${created.token}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ email: 'Cli.Admin@Example.com', role: 'admin' });
    });

    it('tokens revoke makes the token fail', async () => {
      const ran = await cli(['tokens', 'revoke', created.id]);
      expect(ran.code, ran.stderr).toBe(0);
      const after = await app.inject({
        method: 'GET',
        url: `/api/v1/users/${created.userId}`,
        headers: { authorization: `Bearer ${created.token}` },
      });
      expect(after.statusCode).toBe(401);
    });

    it('users create with an email that exists (in another letter case) fails with exit 1 and the reason', async () => {
      const ran = await cli(['users', 'create', '--email', 'cli.admin@example.com', '--name', 'Someone Else'], {
        env: { PORTAL_USER_PASSWORD: 'Other-password-7' },
      });
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain('conflict');
      expect(ran.stderr).toContain('already exists');
      expect(ran.stdout).toBe('');
    });
  });
});
