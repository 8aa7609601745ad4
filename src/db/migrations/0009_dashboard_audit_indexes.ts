// Indexes for the back office's dashboard and audit log with 100,000 rows: the invitation funnel
// counts invitations per day by creation, sending and expiry within twelve weeks (a range on each
// column), and the audit log filters by record type or event, newest first.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('invitations_created_at').on('invitations').column('created_at').execute();
  await db.schema.createIndex('invitations_sent_at').on('invitations').column('sent_at').execute();
  await db.schema.createIndex('invitations_expires_at').on('invitations').column('expires_at').execute();
  await db.schema.createIndex('audit_log_record_type').on('audit_log').columns(['record_type', 'id']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
