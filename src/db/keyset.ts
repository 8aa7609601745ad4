// Keyset pagination over any sort column: order by (coalesce(column, ''), id) and continue after the
// previous page's last (value, id), so a page deep in a sorted list of 100,000 rows costs what the
// first does (with an index on the same expression). The same SQL on SQLite and PostgreSQL.
// `column` is a column name, or an expression of columns (a contact's full name) written as SQL
// text without parameters, so that the index on the same expression matches it.
import { type RawBuilder, sql, type SelectQueryBuilder } from 'kysely';
import type { SortedAfter } from '../shared/pagination.ts';

export function sortedPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: string | RawBuilder<unknown>,
  dir: 'asc' | 'desc',
  after: SortedAfter | undefined,
  limit: number,
  idColumn = 'id',
): SelectQueryBuilder<DB, TB, O> {
  const value = sql`coalesce(${typeof column === 'string' ? sql.ref(column) : column}, '')`;
  const id = sql.ref(idColumn);
  let q = query;
  if (after) {
    // (value, id) > (v, i), spelt so that SQLite too sees a range on the index's leading expression
    // (it does not match a row value against an expression index, and would scan from the start).
    const op = sql.raw(dir === 'asc' ? '>' : '<');
    const opEq = sql.raw(dir === 'asc' ? '>=' : '<=');
    q = q.where(
      sql<boolean>`${value} ${opEq} ${after.value} and (${value} ${op} ${after.value} or ${id} ${op} ${after.id})`,
    );
  }
  return q
    .orderBy(value, dir)
    .orderBy(id, dir)
    .limit(limit + 1);
}
