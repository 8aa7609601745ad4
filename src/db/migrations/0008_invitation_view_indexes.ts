// Indexes for the back office's invitation views with 100,000 invitations: each sort of a view (by
// name, by expiry: db/keyset.ts orders by coalesce(column, ''), id) with and without the status of
// the system views (New, Sent, Redeemed, Inactive), and the derived Expired view (status new/sent
// at or past expires_at). Sorting by creation is id order and uses the primary key and
// invitations_status (status, id) of 0001.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  const name = sql`coalesce(name, '')`;
  const expiry = sql`coalesce(expires_at, '')`;
  await db.schema.createIndex('invitations_name_sort').on('invitations').expression(sql`${name}, id`).execute();
  await db.schema.createIndex('invitations_expiry_sort').on('invitations').expression(sql`${expiry}, id`).execute();
  await db.schema
    .createIndex('invitations_status_name_sort')
    .on('invitations')
    .expression(sql`status, ${name}, id`)
    .execute();
  await db.schema
    .createIndex('invitations_status_expiry_sort')
    .on('invitations')
    .expression(sql`status, ${expiry}, id`)
    .execute();
  await db.schema
    .createIndex('invitations_status_expires')
    .on('invitations')
    .columns(['status', 'expires_at'])
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
