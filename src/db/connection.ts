// Opens the database for either dialect with its driver settings: SQLite's pragmas and prepared-
// statement cache, PostgreSQL's pool and named statements.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type TransactionBuilder } from 'kysely';
import type { DatabaseConfig } from '../config.ts';
import type { Database } from './schema.ts';
import type { Db, Dialect } from './types.ts';
import { withCommitHooks } from './transactions.ts';
import { PLAN_EACH_TIME } from './sql.ts';
import { registerSqliteConnection } from './sqlite-connection.ts';

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/** The app's Kysely: its transactions run their after-commit hooks (see transactions.ts). */
class AppDatabase extends Kysely<Database> {
  override transaction(): TransactionBuilder<Database> {
    return withCommitHooks(super.transaction());
  }
}

export function openDatabase(config: DatabaseConfig, options: { poolSize?: number } = {}): DatabaseHandle {
  if (config.dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: options.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    nameStatements(pool);
    const db = new AppDatabase({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
  const sqlite = new SQLite(config.file);
  cachePreparedStatements(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('synchronous = FULL');
  const db = new AppDatabase({ dialect: new SqliteDialect({ database: sqlite }) });
  registerSqliteConnection(db, sqlite);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Answers when the database does (the readiness probe). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Kysely prepares every query anew; preparing is a good part of a small query's cost on SQLite.
 * The same SQL text gets the same prepared statement back (Kysely runs statements with
 * all()/run() one at a time on this connection, so sharing them is safe). Schema changes
 * (migrations) clear the cache: a prepared statement may refer to what they change.
 */
function cachePreparedStatements(sqlite: SQLite.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    if (/^\s*(create|alter|drop)\b/i.test(source)) {
      cache.clear();
      return prepare(source);
    }
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * PostgreSQL parses and plans an unnamed statement anew every time; a named one once per
 * connection. Statements with parameters get a name from their SQL text (the counterpart of the
 * SQLite cache above): that lifted redemptions over HTTP by a third, since every write of a group
 * commit runs on one connection, one after another. At most `max` texts are named; queries whose
 * text varies (`in` lists of every length) stay unnamed past that, and so does a text that starts
 * with PLAN_EACH_TIME (sql.ts): a lookup whose best plan changes as a bulk load grows its table. A named statement whose result
 * changed shape under it (a migration by another process altered its table: "cached plan must not
 * change result type") fails that once and is prepared anew under a new name.
 */
function nameStatements(pool: pg.Pool, max = 1000): void {
  const names = new Map<string, string>();
  let counter = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
      text: unknown,
      values?: unknown,
      callback?: unknown,
    ) => {
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined)
        return query(text, values, callback);
      if (text.startsWith(PLAN_EACH_TIME)) return query(text, values);
      let name = names.get(text);
      if (!name && names.size < max) {
        name = `pi_${++counter}`;
        names.set(text, name);
      }
      if (!name) return query(text, values);
      return (query({ name, text, values }) as Promise<unknown>).catch((err: unknown) => {
        if ((err as { code?: string }).code === '0A000' && names.get(text) === name) names.set(text, `pi_${++counter}`);
        throw err;
      });
    };
  });
}
