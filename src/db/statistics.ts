// Refreshing PostgreSQL's statistics of a table a bulk load is growing. Without them (a table
// autovacuum has not analyzed yet) the planner guesses rows far wider than they are, so it thinks
// the table small and reads it whole for a lookup of many values: a 100,000-row contacts import's
// email lookups each scanned the table. One ANALYZE after the first batch gives the true row width;
// from then on the planner scales the row count with the table's size by itself. SQLite plans by
// its indexes without statistics unless asked (and the plan tests rely on that): nothing there.
import { sql } from 'kysely';
import type { Database } from './schema.ts';
import { isPostgres } from './insert-many.ts';
import type { Db } from './types.ts';

/** ANALYZE `table` on PostgreSQL; nothing on SQLite. Answers whether it ran. */
export async function refreshStatistics(db: Db, table: keyof Database & string): Promise<boolean> {
  if (!isPostgres(db)) return false;
  await sql`analyze ${sql.table(table)}`.execute(db);
  return true;
}
