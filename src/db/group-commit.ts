// The group commit: write transactions that arrive together share one BEGIN … COMMIT (one fsync on
// SQLite, one WAL flush on PostgreSQL), each write in a savepoint of its own.
import { sql } from 'kysely';
import type { Db, Dialect, Tx } from './types.ts';
import { collectHooks, runHooks, withCommitHooks, writeOfBatch, type CommitHook } from './transactions.ts';

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
 * The callback must use only `tx`, never the Kysely instance; what it registers with
 * `afterCommit(tx, …)` runs once the batch has committed (see transactions.ts).
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
    // The after-commit hooks of the writes that are kept: run once, after the batch's COMMIT.
    const committed = new Set<CommitHook>();
    const kept = (hooks: Set<CommitHook>, value: unknown) => {
      for (const fn of hooks) committed.add(fn);
      outcomes.push({ ok: true, value });
    };
    try {
      await this.db.connection().execute(async (conn) => {
        await (this.dialect === 'sqlite' ? sql`begin immediate` : sql`begin`).execute(conn);
        try {
          for (const write of batch) {
            const tx = writeOfBatch(conn);
            const hooks = collectHooks(tx);
            if (write.single && this.dialect === 'sqlite') {
              try {
                kept(hooks, await write.fn(tx));
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
                kept(hooks, await write.fn(tx));
              } catch (error) {
                if (!wroteNothing(error)) throw error;
                outcomes.push({ ok: false, error });
              }
              continue;
            }
            await sql`savepoint write_op`.execute(conn);
            try {
              const value = await write.fn(tx);
              await sql`release write_op`.execute(conn);
              kept(hooks, value);
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
      // of this batch was kept (nor any of its hooks).
      if (this.dialect === 'postgres') return this.oneByOne(batch);
      for (const write of batch) write.reject(err);
      return;
    }
    runHooks(committed);
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
    const alone = (write: PendingWrite) => withCommitHooks(this.db.transaction()).execute(write.fn);
    await Promise.all(writes.map((write) => alone(write).then(write.resolve, write.reject)));
  }
}
