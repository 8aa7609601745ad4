// Row locks for references between records on PostgreSQL: what a new reference and a delete of the
// record it names take, so that the two run one after the other and the later sees the earlier.
import type { Dialect, Tx } from './types.ts';

/** The tables whose rows other records refer to and whose delete first checks that none does. */
export type ReferencedTable =
  | 'accounts'
  | 'contacts'
  | 'system_users'
  | 'web_roles'
  | 'workflows'
  | 'identity_providers';

/**
 * Locks the rows of `table` with these ids until the transaction ends and answers the ids that are
 * not rows (each once, in the order given). `share` for a transaction about to make a record refer
 * to them (many may at once), `update` for one about to delete them: a delete then waits for every
 * new reference to commit and its usage check counts it (409), or a new reference waits for the
 * delete and finds the row gone (422), never a foreign-key error. Under READ COMMITTED the
 * statements after the lock see what the other committed. Rows are locked in id order, so two
 * transactions locking overlapping sets cannot deadlock on them. SQLite runs one transaction of a
 * process at a time on its one connection, and has one writer per file: nothing to lock there.
 */
export async function lockRows(
  tx: Tx,
  dialect: Dialect,
  table: ReferencedTable,
  ids: readonly string[],
  mode: 'share' | 'update',
): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const sorted = [...unique].sort();
  const found = new Set<string>();
  for (let i = 0; i < sorted.length; i += 5000) {
    const rows = await tx
      .selectFrom(table)
      .select('id')
      .where('id', 'in', sorted.slice(i, i + 5000))
      .orderBy('id')
      .$if(dialect === 'postgres', (q) => (mode === 'share' ? q.forShare() : q.forUpdate()))
      .execute();
    for (const r of rows) found.add(r.id);
  }
  return unique.filter((id) => !found.has(id));
}

/** lockRows for one row: true when it exists (and is now locked). */
export async function lockRow(
  tx: Tx,
  dialect: Dialect,
  table: ReferencedTable,
  id: string,
  mode: 'share' | 'update',
): Promise<boolean> {
  return (await lockRows(tx, dialect, table, [id], mode)).length === 0;
}
