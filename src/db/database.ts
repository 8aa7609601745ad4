// Opens the database for either dialect and runs the migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type MigrationProvider,
  type Transaction,
} from 'kysely';
import type { DatabaseConfig } from '../config.ts';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

export function openDatabase(config: DatabaseConfig, options: { poolSize?: number } = {}): DatabaseHandle {
  if (config.dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: options.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    nameStatements(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
  const sqlite = new SQLite(config.file);
  cachePreparedStatements(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('synchronous = FULL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
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
 * text varies (`in` lists of every length) stay unnamed past that. A named statement whose result
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

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Runs every pending migration. Safe to call from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** True when the error is a violated unique constraint, on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when the error is a violated foreign key, on either database. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Boolean columns are integers 0/1 on both databases. */
export const toFlag = (b: boolean): number => (b ? 1 : 0);
export const fromFlag = (n: number | boolean | null | undefined): boolean => n === 1 || n === true;

/**
 * A transaction that writes. Write transactions that arrive together are committed together
 * (group commit): one BEGIN, each caller's work inside its own SAVEPOINT (so a failure undoes only
 * that caller's work), one durable COMMIT, and only then does any caller hear its result.
 * - SQLite runs every write of a process on one connection anyway; BEGIN IMMEDIATE takes the write
 *   lock at the start (waiting up to the busy timeout), so several processes on one file never fail
 *   with SQLITE_BUSY on a lock upgrade.
 * - PostgreSQL: writes that queue on one hot row (every redemption of one invitation) would each
 *   wait for the previous one's commit; in a batch they share it. A batch that meets a deadlock or
 *   a serialization failure, or whose BEGIN or COMMIT fails, runs its writes again one by one.
 * The callback must use only `tx`, never the Kysely instance.
 */
export async function writeTransaction<T>(
  db: Db,
  dialect: Dialect,
  fn: (tx: Tx) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  return batcherOf(db, dialect).run(fn, false, options.background === true, options.atomic === true);
}

export interface WriteOptions {
  /**
   * A write of background work (a job's progress), which nobody waits for with a request open. On
   * SQLite it may wait up to BACKGROUND_LINGER_MS after the previous commit for company, so that a
   * busy worker's many small writes share fewer fsyncs; a request's write arriving meanwhile
   * commits the batch at once.
   */
  background?: boolean;
  /**
   * The callback either succeeds, or fails having written nothing and throws an error marked with
   * `nothingWritten(err)`; any other failure may have written. On PostgreSQL such a write runs
   * in its batch without a savepoint of its own; when it fails otherwise, the whole batch runs
   * again, each write in a transaction of its own.
   */
  atomic?: boolean;
}

const NOTHING_WRITTEN = Symbol('nothing-written');

/** Marks `err` as thrown by an atomic write before it wrote anything (see WriteOptions.atomic). */
export function nothingWritten<E extends object>(err: E): E {
  Object.defineProperty(err, NOTHING_WRITTEN, { value: true });
  return err;
}

const wroteNothing = (err: unknown): boolean => typeof err === 'object' && err !== null && NOTHING_WRITTEN in err;

/** The options of a job's writes: nobody waits on them with a request open. */
export const BACKGROUND: WriteOptions = { background: true };

/** How long a batch of background writes alone waits after the previous commit on SQLite. */
export const BACKGROUND_LINGER_MS = 2;

function batcherOf(db: Db, dialect: Dialect): WriteBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new WriteBatcher(db, dialect);
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * One write outside any transaction (a status change, a lease). On SQLite it joins the group
 * commit of `writeTransaction`, so that many small concurrent writes share one fsync; on
 * PostgreSQL it runs as it is (concurrent commits share their WAL flushes there).
 */
export function autocommit<T>(
  db: Db,
  dialect: Dialect,
  fn: (db: Db) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  // PostgreSQL shares WAL flushes between concurrent commits already; a batch would only add
  // round trips in a row.
  if (dialect === 'postgres') return fn(db);
  // One statement is atomic by itself: on SQLite it needs no savepoint of its own.
  return batcherOf(db, dialect).run((tx) => fn(tx), true, options.background === true);
}

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  /** A single statement: atomic without a savepoint. */
  single: boolean;
  /** A request waits for it: it never lingers (see WriteOptions.background). */
  urgent: boolean;
  /** See WriteOptions.atomic. */
  atomic: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const batchers = new WeakMap<Db, WriteBatcher>();

/** The connections write batches run on: what a write callback gets as its `tx`. */
const writeConnections = new WeakSet<object>();

/**
 * True for a transaction: a Kysely `Transaction`, or the connection of a write batch (which is
 * one, though not of that class; see writeTransaction).
 */
export const inTransaction = (db: Db | Tx): boolean => db.isTransaction || writeConnections.has(db);

const MAX_BATCH = 100;

/** PostgreSQL's codes for a deadlock and a serialization failure: worth one more try alone. */
const RETRYABLE = new Set(['40P01', '40001']);
const retryable = (err: unknown) => RETRYABLE.has((err as { code?: string })?.code ?? '');

class WriteBatcher {
  private queue: PendingWrite[] = [];
  private draining = false;
  /** Writes in the queue that a request waits for. */
  private urgent = 0;
  /** Ends a background batch's wait early when an urgent write arrives. */
  private wake: (() => void) | undefined;
  private lastCommitAt = 0;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  run<T>(fn: (tx: Tx) => Promise<T>, single: boolean, background: boolean, atomic = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, single, urgent: !background, atomic, resolve: resolve as (v: unknown) => void, reject });
      if (!background) {
        this.urgent++;
        this.wake?.();
      }
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // Let pending I/O callbacks run first: writes they start join this batch (one fsync for all).
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.lingerForBackground();
        const batch = this.queue.splice(0, MAX_BATCH);
        for (const w of batch) if (w.urgent) this.urgent--;
        await this.commitBatch(batch);
        this.lastCommitAt = performance.now();
      }
    } finally {
      this.draining = false;
    }
  }

  /** SQLite, only background writes queued, the previous commit just now: wait a little for more. */
  private async lingerForBackground(): Promise<void> {
    if (this.dialect !== 'sqlite' || this.urgent > 0 || this.queue.length >= MAX_BATCH) return;
    const wait = BACKGROUND_LINGER_MS - (performance.now() - this.lastCommitAt);
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async commitBatch(batch: PendingWrite[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.db.connection().execute(async (conn) => {
        writeConnections.add(conn);
        await (this.dialect === 'sqlite' ? sql`begin immediate` : sql`begin`).execute(conn);
        try {
          for (const write of batch) {
            if (write.single && this.dialect === 'sqlite') {
              try {
                outcomes.push({ ok: true, value: await write.fn(conn as unknown as Tx) });
              } catch (error) {
                outcomes.push({ ok: false, error });
              }
              continue;
            }
            if (write.atomic && this.dialect === 'postgres') {
              // No savepoint (two round trips fewer, in a batch whose writes run one after another).
              // A refusal that wrote nothing leaves the batch as it was; anything else may have
              // written or broken the transaction: the whole batch runs again one by one.
              try {
                outcomes.push({ ok: true, value: await write.fn(conn as unknown as Tx) });
              } catch (error) {
                if (!wroteNothing(error)) throw error;
                outcomes.push({ ok: false, error });
              }
              continue;
            }
            await sql`savepoint write_op`.execute(conn);
            try {
              // A connection inside BEGIN … COMMIT is what Kysely's Transaction is.
              const value = await write.fn(conn as unknown as Tx);
              await sql`release write_op`.execute(conn);
              outcomes.push({ ok: true, value });
            } catch (error) {
              await sql`rollback to write_op`.execute(conn);
              await sql`release write_op`.execute(conn);
              outcomes.push({ ok: false, error });
            }
          }
          await sql`commit`.execute(conn);
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => {});
          throw err;
        }
      });
    } catch (err) {
      // BEGIN or COMMIT failed, or an atomic write failed in a way that may have written: nothing
      // of this batch was kept.
      if (this.dialect === 'postgres') return this.oneByOne(batch);
      for (const write of batch) write.reject(err);
      return;
    }
    const again: PendingWrite[] = [];
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) write.resolve(outcome.value);
      else if (this.dialect === 'postgres' && retryable(outcome?.error)) again.push(write);
      else write.reject(outcome?.error);
    });
    if (again.length > 0) await this.oneByOne(again);
  }

  /** Each write in its own transaction (PostgreSQL), for a batch that could not commit together. */
  private async oneByOne(writes: PendingWrite[]): Promise<void> {
    await Promise.all(writes.map((write) => this.db.transaction().execute(write.fn).then(write.resolve, write.reject)));
  }
}
