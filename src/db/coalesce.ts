// Lookups by key that arrive in the same turn of the event loop, answered by one query (the idea of
// DataLoader). The job worker runs many jobs side by side, and they move in step: ten workflow
// runs each looking up their run, workflow, invitation and contact become one `WHERE id IN (…)`
// per table instead of ten queries each.
//
// Only outside transactions: inside one, a lookup runs at once on the transaction's connection, so
// that it sees the transaction's own writes (and a SQLite transaction never waits for a later
// turn holding the write lock).
import type { Db, Tx } from './types.ts';

interface Batch<K, V> {
  keys: Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (err: unknown) => void }>>;
}

/** Most keys one query asks for; a larger batch is split. */
const MAX_KEYS = 500;

/**
 * Wraps `fetchMany` (the rows of many keys, as a map by key) into a lookup of one key that joins
 * the other lookups of the same turn on the same database.
 */
export function coalesced<K, V>(
  fetchMany: (db: Db | Tx, keys: K[]) => Promise<Map<K, V>>,
): (db: Db | Tx, key: K) => Promise<V | undefined> {
  const pending = new WeakMap<Db, Batch<K, V>>();

  async function flush(db: Db, batch: Batch<K, V>): Promise<void> {
    pending.delete(db);
    const keys = [...batch.keys.keys()];
    for (let i = 0; i < keys.length; i += MAX_KEYS) {
      const part = keys.slice(i, i + MAX_KEYS);
      try {
        const found = await fetchMany(db, part);
        for (const k of part) for (const w of batch.keys.get(k) ?? []) w.resolve(found.get(k));
      } catch (err) {
        for (const k of part) for (const w of batch.keys.get(k) ?? []) w.reject(err);
      }
    }
  }

  return (db, key) => {
    if (db.isTransaction) return fetchMany(db, [key]).then((found) => found.get(key));
    let batch = pending.get(db);
    if (!batch) {
      const fresh: Batch<K, V> = { keys: new Map() };
      pending.set(db, fresh);
      setImmediate(() => void flush(db, fresh));
      batch = fresh;
    }
    const waiting = batch.keys.get(key) ?? [];
    batch.keys.set(key, waiting);
    return new Promise<V | undefined>((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

/** Rows by their `id`, as `coalesced` wants them. */
export const byId = <R extends { id: string }>(rows: readonly R[]): Map<string, R> =>
  new Map(rows.map((r) => [r.id, r]));
