// External sign-in (issue #16): the pending sign-ins that carry state, nonce, PKCE verifier and an
// invitation code across the round trip to an identity provider, and the sign-in method an
// invitation may require (`signInProviderId`).
import { sql, type Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pending_external_sign_ins')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('provider_id', 'varchar(36)', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    // Keyed hashes: the browser's session id it is bound to, and the `state` it is found by.
    .addColumn('session_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('state_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('intent', 'varchar(10)', (c) =>
      c.notNull().check(sql`intent in ('sign-in', 'sign-up', 'redeem', 'link')`),
    )
    // The signed-in contact a `link` adds a sign-in method to.
    .addColumn('contact_id', 'varchar(36)', (c) => c.references('contacts.id').onDelete('cascade'))
    // Encrypted JSON: nonce, PKCE verifier and the invitation code as typed.
    .addColumn('secrets_encrypted', 'text', (c) => c.notNull())
    .addColumn('return_path', 'varchar(2000)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('pending_external_sign_ins_expires')
    .on('pending_external_sign_ins')
    .column('expires_at')
    .execute();
  await db.schema
    .alterTable('invitations')
    .addColumn('sign_in_provider_id', 'varchar(36)', (c) => c.references('identity_providers.id'))
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
