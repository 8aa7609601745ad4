// The back office's Quick Find searches by "begins with" (db/sql.ts startsWithCi): a range on
// lower(column) in code-point order. These indexes serve it — on PostgreSQL in the "C" collation
// the query names, on SQLite (which compares text by its bytes) on the plain expression: contacts by
// first name, last name and email, invitations by name.
import { SqliteAdapter, sql, type Kysely } from 'kysely';

const searched: Array<[table: string, column: string]> = [
  ['contacts', 'first_name'],
  ['contacts', 'last_name'],
  ['contacts', 'emailaddress1'],
  ['invitations', 'name'],
];

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  for (const [table, column] of searched) {
    // SQLite already has lower(emailaddress1) from 0001; PostgreSQL needs it in the "C" collation.
    if (sqlite && column === 'emailaddress1') continue;
    const expression = sqlite ? sql`lower(${sql.ref(column)})` : sql`(lower(${sql.ref(column)}) collate "C")`;
    await db.schema.createIndex(`${table}_${column}_prefix`).on(table).expression(expression).execute();
  }
}

export async function down(): Promise<void> {
  // Forward only.
}
