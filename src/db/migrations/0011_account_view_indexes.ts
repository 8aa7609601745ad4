// The accounts view with 100,000 accounts: sorted by name through db/keyset.ts (ORDER BY
// coalesce(name, ''), id) and found by Quick Find (a range on lower(name), see db/sql.ts
// startsWithCi; in the "C" collation on PostgreSQL).
import { SqliteAdapter, sql, type Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema.createIndex('accounts_name_sort').on('accounts').expression(sql`coalesce(name, ''), id`).execute();
  await db.schema
    .createIndex('accounts_name_prefix')
    .on('accounts')
    .expression(sqlite ? sql`lower(name)` : sql`(lower(name) collate "C")`)
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
