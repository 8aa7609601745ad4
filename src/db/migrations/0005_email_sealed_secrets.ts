// The secrets an email carries (an invitation code, a confirmation or reset link's token) are kept
// apart from its bodies, encrypted, and only until it is delivered: the bodies hold a marker in
// their place, so what staff read of a body never shows a live credential.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('emails').addColumn('sealed_secrets', 'text').execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
