// The better-sqlite3 connection under an app database, for the one write that runs its statements
// directly (insert-many.ts: a bulk insert, one prepared row at a time). SQLite has one connection a
// process; a transaction holds it, so a statement run on it from inside a `Tx` is in that transaction.
import type SQLite from 'better-sqlite3';
import type { DialectAdapter } from 'kysely';
import type { Db, Tx } from './types.ts';

// Keyed by the dialect's adapter: a transaction shares its database's (as prepared.ts relies on too).
const connections = new WeakMap<DialectAdapter, SQLite.Database>();

export function registerSqliteConnection(db: Db, sqlite: SQLite.Database): void {
  connections.set(db.getExecutor().adapter, sqlite);
}

/** The connection a SQLite transaction runs on; undefined on PostgreSQL. */
export const sqliteConnectionOf = (tx: Tx): SQLite.Database | undefined => connections.get(tx.getExecutor().adapter);
