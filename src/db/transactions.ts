// Transactions: what a write of the group commit gets as its `Tx` (a real Kysely Transaction), and
// after-commit hooks, work that must wait until a transaction has committed durably (waking this
// process's job workers for the jobs it queued): run once after its COMMIT, dropped when it rolls
// back. The database layer knows nothing of what the hooks do.
import { Transaction, type Dialect as KyselyDialect, type Driver, type TransactionBuilder } from 'kysely';
import type { Database } from './schema.ts';
import type { Db, Tx } from './types.ts';

export type CommitHook = () => void;

const hooksOf = new WeakMap<Tx, Set<CommitHook>>();

/**
 * Runs `fn` once after `tx` commits, and not at all when it rolls back (a write of the group commit
 * whose savepoint is rolled back counts as rolled back). The same `fn` registered several times in
 * one transaction, or by several writes of one batch, runs once.
 */
export function afterCommit(tx: Tx, fn: CommitHook): void {
  const hooks = hooksOf.get(tx);
  // A transaction nobody collects hooks for would drop them silently: say so instead.
  if (!hooks)
    throw new Error(
      'afterCommit: this transaction was begun neither by a database of openDatabase nor by the group commit.',
    );
  hooks.add(fn);
}

/** For whoever begins `tx`: the hooks its callback registers (the same set if asked again). */
export function collectHooks(tx: Tx): Set<CommitHook> {
  let hooks = hooksOf.get(tx);
  if (!hooks) {
    hooks = new Set();
    hooksOf.set(tx, hooks);
  }
  return hooks;
}

/**
 * Runs the hooks of a committed transaction and forgets them (so a second runner finds none). The
 * commit stands whatever a hook does: its error is reported as a warning, never as the write's.
 */
export function runHooks(hooks: Set<CommitHook>): void {
  for (const fn of hooks) {
    try {
      fn();
    } catch (err) {
      process.emitWarning(err instanceof Error ? err : new Error(String(err)), 'AfterCommitWarning');
    }
  }
  hooks.clear();
}

/**
 * Kysely's `db.transaction()` builder, running the hooks its callback registers after the commit.
 * (TransactionBuilder has private state, so the wrapper is cast to its type; it has its methods.)
 */
export function withCommitHooks(builder: TransactionBuilder<Database>): TransactionBuilder<Database> {
  const wrapped = {
    setAccessMode: (mode: Parameters<TransactionBuilder<Database>['setAccessMode']>[0]) =>
      withCommitHooks(builder.setAccessMode(mode)),
    setIsolationLevel: (level: Parameters<TransactionBuilder<Database>['setIsolationLevel']>[0]) =>
      withCommitHooks(builder.setIsolationLevel(level)),
    async execute<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      let hooks: Set<CommitHook> | undefined;
      const result = await builder.execute((tx) => {
        hooks = collectHooks(tx);
        return fn(tx);
      });
      if (hooks) runHooks(hooks);
      return result;
    },
  };
  return wrapped as unknown as TransactionBuilder<Database>;
}

// The batch begins and commits its transaction itself: a write's `Transaction` has no driver or
// dialect of its own to use (Kysely's Transaction refuses transaction(), connection() and
// destroy() anyway; only `introspection` would reach the dialect).
const BEGUN_BY_THE_BATCH = new Proxy(
  {},
  {
    get(_target, key) {
      throw new Error(`A write of the group commit has no ${String(key)}: the batch begins and commits it.`);
    },
  },
);

/**
 * What one write of a batch gets as its `tx`: a real Kysely `Transaction` on the batch's connection
 * (so `isTransaction` is true and the compiler's `Tx` is honest), and one object per write, so
 * that the after-commit hooks of a write whose savepoint rolled back are dropped with it.
 */
export function writeOfBatch(conn: Db): Tx {
  return new Transaction<Database>({
    config: { dialect: BEGUN_BY_THE_BATCH as KyselyDialect },
    dialect: BEGUN_BY_THE_BATCH as KyselyDialect,
    driver: BEGUN_BY_THE_BATCH as Driver,
    executor: conn.getExecutor(),
  });
}
