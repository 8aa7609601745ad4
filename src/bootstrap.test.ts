import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db.ts';
import { buildApp } from './app.ts';
import { bootstrapInitialAdmin } from './bootstrap.ts';
import { openDatabase } from './db/connection.ts';
import { createSecrets, randomToken } from './shared/crypto.ts';
import type { AppContext } from './context.ts';
import type { Config } from './config.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database;
}

const initial = (apiToken: string | undefined) => ({
  email: 'First.Admin@Example.com',
  password: 'First-admin-pass-1',
  name: 'First Admin',
  apiToken,
});

async function counts(db: TestDatabase['db']) {
  const n = async (table: 'system_users' | 'api_tokens') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { users: await n('system_users'), tokens: await n('api_tokens') };
}

async function startApp(database: TestDatabase, config: Config) {
  const built = await buildApp({ config, database });
  cleanups.push(() => built.app.close());
  await built.app.ready();
  return built;
}

describe('first-start bootstrap', () => {
  it('creates the first admin and its INITIAL_API_TOKEN, which works on the API', async () => {
    const database = await freshDatabase();
    const token = `pit_${randomToken(32)}`;
    const { app, ctx } = await startApp(
      database,
      testConfig({ database: database.config, initialAdmin: initial(token) }),
    );

    expect(await bootstrapInitialAdmin(ctx)).toBe('created');
    const users = await ctx.db.selectFrom('system_users').selectAll().execute();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: 'First.Admin@Example.com', full_name: 'First Admin', role: 'admin' });
    expect(users[0]?.password_hash).toMatch(/^\$argon2id\$/);
    const tokens = await ctx.db.selectFrom('api_tokens').selectAll().execute();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.token_hash).not.toBe(token);

    const r = await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(200);
    expect(r.json().items.map((u: { email: string }) => u.email)).toEqual(['First.Admin@Example.com']);
    // An admin: it may create users.
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${token}` },
      payload: { email: 'second@example.com', fullName: 'Second' },
    });
    expect(created.statusCode).toBe(201);
  });

  it('changes nothing on a second start with the same configuration', async () => {
    const database = await freshDatabase();
    const token = `pit_${randomToken(32)}`;
    const config = testConfig({ database: database.config, initialAdmin: initial(token) });
    const first = await startApp(database, config);
    expect(await bootstrapInitialAdmin(first.ctx)).toBe('created');
    const before = await counts(database.db);
    const adminBefore = await database.db.selectFrom('system_users').selectAll().executeTakeFirstOrThrow();

    expect(await bootstrapInitialAdmin(first.ctx)).toBe('users-exist');
    // A restart: a new app on the same database, same variables.
    const second = await startApp(database, config);
    expect(await bootstrapInitialAdmin(second.ctx)).toBe('users-exist');

    expect(await counts(database.db)).toEqual(before);
    expect(before).toEqual({ users: 1, tokens: 1 });
    expect(await database.db.selectFrom('system_users').selectAll().executeTakeFirstOrThrow()).toEqual(adminBefore);
    const r = await second.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.statusCode).toBe(200);
  });

  it('does nothing without INITIAL_* variables, and refuses a weak initial password', async () => {
    const database = await freshDatabase();
    const { ctx } = await startApp(database, testConfig({ database: database.config }));
    expect(await bootstrapInitialAdmin(ctx)).toBe('not-configured');
    expect(await counts(database.db)).toEqual({ users: 0, tokens: 0 });

    const weak: AppContext = {
      ...ctx,
      config: { ...ctx.config, initialAdmin: { ...initial(undefined), password: 'short' } },
    };
    await expect(bootstrapInitialAdmin(weak)).rejects.toThrow(/INITIAL_ADMIN_PASSWORD/);
    expect(await counts(database.db)).toEqual({ users: 0, tokens: 0 });
  });

  it('creates one admin when two processes start together on the same database', async () => {
    for (let round = 0; round < 5; round++) {
      const database = await freshDatabase();
      const token = `pit_${randomToken(32)}`;
      const config = testConfig({ database: database.config, initialAdmin: initial(token) });
      // Separate connections (pools), as separate processes would have.
      const handles = [openDatabase(database.config), openDatabase(database.config), openDatabase(database.config)];
      cleanups.push(async () => {
        for (const h of handles) await h.close();
      });
      const contexts: AppContext[] = handles.map((h) => ({
        config,
        db: h.db,
        dialect: h.dialect,
        secrets: createSecrets(config.secretKey),
      }));
      const results = await Promise.all(contexts.map((c) => bootstrapInitialAdmin(c)));
      expect([...results].sort()).toEqual(['created', 'users-exist', 'users-exist']);
      expect(await counts(database.db)).toEqual({ users: 1, tokens: 1 });
    }
  });
});
