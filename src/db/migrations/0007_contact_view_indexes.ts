// The contacts view sorts by full name, last name or email and pages by keyset (db/keyset.ts:
// ORDER BY coalesce(<value>, ''), id). One index per sort on exactly that expression and the id, so a
// sorted page deep in 100,000 contacts is an index range scan on SQLite and PostgreSQL alike. The
// full name's expression must stay the text contacts.repo.ts orders by.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('contacts_sort_full_name')
    .on('contacts')
    .expression(sql`coalesce(coalesce(first_name, '') || ' ' || coalesce(last_name, ''), ''), id`)
    .execute();
  await db.schema
    .createIndex('contacts_sort_last_name')
    .on('contacts')
    .expression(sql`coalesce(last_name, ''), id`)
    .execute();
  await db.schema
    .createIndex('contacts_sort_email')
    .on('contacts')
    .expression(sql`coalesce(emailaddress1, ''), id`)
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
