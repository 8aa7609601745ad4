// SAML replay protection: each accepted assertion, by (provider, assertion id), kept until its
// validity ends, so a second post of the same assertion is refused by the primary key itself. The
// row also carries the verified identity from the ACS (a cross-site POST, without the session
// cookie) to the same-site continuation that has the cookie; taking it clears it.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('saml_assertions')
    .addColumn('provider_id', 'varchar(36)', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('assertion_id', 'varchar(256)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('identity', 'text')
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('saml_assertions_pk', ['provider_id', 'assertion_id'])
    .execute();
  await db.schema.createIndex('saml_assertions_expires').on('saml_assertions').column('expires_at').execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
