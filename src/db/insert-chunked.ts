// Many rows of one table through Kysely's own `values()`, typed as it types them, in statements that
// stay under the database's bound-parameter limit: the one chunk loop of every repository's batch insert.
import type { Insertable } from 'kysely';
import { isPostgres } from './insert-many.ts';
import type { Database } from './schema.ts';
import type { Tx } from './types.ts';

// Bound values a statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER, PostgreSQL's protocol limit.
const MAX_PARAMETERS = { sqlite: 32_766, postgres: 65_535 } as const;
// Past 500 rows larger statements stopped paying (see insert-many.ts).
const MAX_ROWS = 500;

/** Rows a statement of `columns` columns holds on the dialect: the parameter limit's share, at most 500. */
export const rowsPerStatement = (postgres: boolean, columns: number): number =>
  Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS[postgres ? 'postgres' : 'sqlite'] / Math.max(1, columns))));

/** The columns Kysely's `values()` writes for these rows: every key some row gives a defined value. */
function columnCount(rows: readonly object[]): number {
  const columns = new Set<string>();
  // for…in allocates nothing a row: a run of 10,000 jobs walks 120,000 keys.
  for (const row of rows as readonly Record<string, unknown>[])
    for (const k in row) if (row[k] !== undefined) columns.add(k);
  return columns.size;
}

export interface InsertChunkedOptions<T extends keyof Database> {
  /**
   * Leave rows that meet a unique constraint as they are: `true` for any constraint (`ON CONFLICT DO
   * NOTHING`), or the columns of one (`ON CONFLICT (a, b) DO NOTHING`).
   */
  conflictDoNothing?: true | readonly (keyof Database[T] & string)[];
}

/**
 * Inserts `rows` in order, in the caller's transaction, in as few statements as the parameter limit
 * and 500 rows a statement allow; answers the rows written (fewer than given only with `conflictDoNothing`).
 */
export async function insertChunked<T extends keyof Database & string>(
  tx: Tx,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: InsertChunkedOptions<T> = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const chunk = rows.length === 1 ? 1 : rowsPerStatement(isPostgres(tx), columnCount(rows));
  const conflict = options.conflictDoNothing;
  let written = 0;
  for (let i = 0; i < rows.length; i += chunk) {
    // The generic table defeats Kysely's inference here; the signature above is what checks the rows.
    const insert = tx.insertInto(table).values(rows.slice(i, i + chunk) as never);
    const result = await (conflict === undefined
      ? insert
      : insert.onConflict((oc) => (conflict === true ? oc : oc.columns(conflict as never)).doNothing())
    ).executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return written;
}
