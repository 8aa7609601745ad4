// Email bodies move to a table of their own. An email's HTML and text never change after it is
// queued, while its delivery state changes two or three times; kept in the same row, every state
// change rewrote the whole body (SQLite writes a changed row whole, with its overflow pages, into
// the WAL; PostgreSQL writes a new row version). Apart, a state change rewrites a small row only.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_bodies')
    .addColumn('email_id', 'varchar(36)', (c) => c.primaryKey().references('emails.id').onDelete('cascade'))
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('email_bodies')
    .columns(['email_id', 'html', 'text'])
    .expression(db.selectFrom('emails').select(['id', 'html', 'text']))
    .execute();
  await db.schema.alterTable('emails').dropColumn('html').execute();
  await db.schema.alterTable('emails').dropColumn('text').execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
