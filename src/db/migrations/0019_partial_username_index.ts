// The unique index on contacts' usernames holds the usernames only: most contacts have none (those
// imported, those staff keep), and a NULL never meets another in a unique index anyway. Every contact
// written without a username then costs one index insertion less (a 100,000-row import writes ten
// index entries a contact, nine now). The lookup by username (contacts.repo.ts) says
// `username is not null`, so both databases see the index's condition in the query.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contacts_username_unique').execute();
  await db.schema
    .createIndex('contacts_username_unique')
    .on('contacts')
    .unique()
    .expression(sql`lower(username)`)
    .where(sql.ref('username'), 'is not', null)
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
