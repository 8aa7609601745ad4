// A fresh, migrated database for one test file: a SQLite file, or a new database on the test
// PostgreSQL cluster, chosen by the vitest project (TEST_DB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { DatabaseConfig } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { randomToken } from '../../src/shared/crypto.ts';

export const testDialect = (): 'sqlite' | 'postgres' => (process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

export interface TestDatabase extends DatabaseHandle {
  config: DatabaseConfig;
  /** Closes the connections and removes the database. */
  drop(): Promise<void>;
}

/** Creates an empty database (no migrations) and returns its configuration. */
export async function createEmptyDatabase(): Promise<{ config: DatabaseConfig; remove: () => Promise<void> }> {
  if (testDialect() === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'portal-sqlite-'));
    return {
      config: { dialect: 'sqlite', file: join(dir, 'test.db') },
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = inject('postgresUrl');
  const name = `t_${randomToken(9)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { dialect: 'postgres', url: url.toString() },
    remove: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const { config, remove } = await createEmptyDatabase();
  const handle = openDatabase(config, options);
  await migrateToLatest(handle.db);
  return {
    ...handle,
    config,
    drop: async () => {
      await handle.close();
      await remove();
    },
  };
}

/** One migrated database for the tests of a file: created in beforeAll, dropped in afterAll. */
export function useTestDatabase(options: { poolSize?: number } = {}): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(options);
  });
  // Once, whether a test dropped it early or afterAll does.
  const drop = async () => {
    const dropping = current;
    current = undefined;
    await dropping?.drop();
  };
  afterAll(drop);
  const the = (): TestDatabase => {
    if (!current) throw new Error('useTestDatabase: the database exists from beforeAll to afterAll');
    return current;
  };
  return {
    get db() {
      return the().db;
    },
    get dialect() {
      return the().dialect;
    },
    get config() {
      return the().config;
    },
    close: () => the().close(),
    drop,
  };
}
