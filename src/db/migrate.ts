// Brings a database's schema up to date with the migrations in migrations/, at start-up, one
// process at a time on either database.
import SQLite from 'better-sqlite3';
import { Migrator, SqliteAdapter, sql, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.ts';
import type { Db } from './types.ts';

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrateOptions {
  /** How long to wait for another process's migration run on SQLite (default 10 minutes). */
  lockTimeoutMs?: number;
}

/**
 * Runs every pending migration, one process at a time. On PostgreSQL Kysely's migrator holds an
 * advisory lock for the run. On SQLite it takes none (and runs without a transaction, and 0004
 * commits its own), so the whole run holds an exclusive lock on a lock file beside the data file
 * (see sqliteMigrationLock); the migrator reads what is applied only once it holds it.
 */
export async function migrateToLatest(db: Db, options: MigrateOptions = {}): Promise<string[]> {
  const run = async () => {
    const migrator = new Migrator({ db, provider });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return run();
  const file = await sqliteFile(db);
  // A `:memory:` (or temporary) database is this connection's alone: nobody to wait for.
  if (!file) return run();
  return withSqliteMigrationLock(`${file}-migrations.lock`, options.lockTimeoutMs ?? 10 * 60_000, run);
}

/** The main database's file, or undefined for an in-memory or temporary one. */
async function sqliteFile(db: Db): Promise<string | undefined> {
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  return rows.find((r) => r.name === 'main')?.file || undefined;
}

/**
 * The lock is a second SQLite connection on its own small file holding `BEGIN EXCLUSIVE`: an OS
 * file lock, so a process that dies holding it (kill -9) releases it at once, unlike a lock file
 * made with O_EXCL that stays behind. It is apart from the data file because the migrations need
 * that one's write lock themselves. Waiting polls without SQLite's busy timeout: better-sqlite3
 * would block the event loop, and a holder in the same process could then never finish.
 */
async function withSqliteMigrationLock<T>(lockFile: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const lock = new SQLite(lockFile, { timeout: 0 });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        lock.exec('begin exclusive');
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        if (Date.now() > deadline)
          throw new Error(`another process has held the migration lock ${lockFile} for over ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
      }
    }
    try {
      return await fn();
    } finally {
      lock.exec('commit');
    }
  } finally {
    lock.close();
  }
}
