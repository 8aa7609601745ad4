// Builds the real app on a fresh test database, with an admin and a staff user and their tokens;
// useTestApp() gives a test file one for all its tests.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { buildApp } from '../../src/app.ts';
import { bootstrapInitialAdmin } from '../../src/bootstrap.ts';
import { createUser } from '../../src/users/users.service.ts';
import { createToken } from '../../src/tokens/tokens.service.ts';
import { randomToken } from '../../src/shared/crypto.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { removeTempDir, tempDir } from './temp.ts';

export function testConfig(overrides: Partial<Config> & Pick<Config, 'database'>): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://localhost:3000',
    dataDir: overrides.dataDir ?? tempDir('portal-data-'),
    secretKey: randomToken(32),
    smtpUrl: undefined,
    mailFrom: 'portal@example.com',
    logLevel: 'silent',
    trustProxy: false,
    bodyLimit: 1_048_576,
    initialAdmin: undefined,
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  adminToken: string;
  adminId: string;
  staffToken: string;
  staffId: string;
  /** Every log line the app wrote (when built with captureLogs). */
  logs: string[];
  api(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  captureLogs?: boolean;
  config?: Partial<Config>;
  /**
   * A first start: no INITIAL_ADMIN and no users at all (the back office then offers its set-up
   * page). adminId/staffId are '' and the tokens do not exist.
   */
  noUsers?: boolean;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const adminToken = `pit_${randomToken(32)}`;
  const config = testConfig({
    database: database.config,
    initialAdmin: options.noUsers
      ? undefined
      : { email: 'admin@example.com', password: 'Admin-password-1', name: 'Ada Admin', apiToken: adminToken },
    ...(options.captureLogs ? { logLevel: 'info' } : {}),
    ...options.config,
  });
  const logs: string[] = [];
  let logStream: PassThrough | undefined;
  if (options.captureLogs) {
    logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  }
  const { app, ctx } = await buildApp({ config, database, ...(logStream ? { logStream } : {}) });
  await app.ready();
  let adminId = '';
  let staffId = '';
  let staffToken = '';
  if (!options.noUsers) {
    await bootstrapInitialAdmin(ctx);
    adminId = (await ctx.db.selectFrom('system_users').select('id').executeTakeFirstOrThrow()).id;
    const system = { type: 'system', id: null } as const;
    const staff = await createUser(ctx, system, {
      email: 'staff@example.com',
      fullName: 'Sam Staff',
      role: 'staff',
      password: 'Staff-password-1',
    });
    staffId = staff.id;
    staffToken = (await createToken(ctx, system, { name: 'staff token', userId: staff.id })).token;
  }

  return {
    app,
    ctx,
    database,
    adminToken,
    adminId,
    staffToken,
    staffId,
    logs,
    api(method, url, opts = {}) {
      const token = opts.token === undefined ? adminToken : opts.token;
      const headers: Record<string, string> = {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...opts.headers,
      };
      return app.inject({
        method,
        url: url.startsWith('/') ? url : `/api/v1/${url}`,
        headers,
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
    },
    async close() {
      await app.close();
      await database.drop();
      if (options.config?.dataDir === undefined) removeTempDir(config.dataDir);
    },
  };
}

/**
 * One app for the tests of a file: built in beforeAll, closed in afterAll (registered first, so a
 * file's own hooks run after it is built and before it is closed). Read its parts inside tests or hooks.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(options);
  });
  // Once, whether a test closed it early or afterAll does.
  const close = async () => {
    const closing = current;
    current = undefined;
    await closing?.close();
  };
  afterAll(close);
  const the = (): TestApp => {
    if (!current) throw new Error('useTestApp: the app exists from beforeAll to afterAll, not while a file loads');
    return current;
  };
  return {
    get app() {
      return the().app;
    },
    get ctx() {
      return the().ctx;
    },
    get database() {
      return the().database;
    },
    get adminToken() {
      return the().adminToken;
    },
    get adminId() {
      return the().adminId;
    },
    get staffToken() {
      return the().staffToken;
    },
    get staffId() {
      return the().staffId;
    },
    get logs() {
      return the().logs;
    },
    api: (method, url, opts) => the().api(method, url, opts),
    close,
  };
}
