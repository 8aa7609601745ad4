// Partners invite their own colleagues (issue #19): a web role may carry the right to invite
// (`can_invite`) and the set of roles its holders may hand on (`web_role_grantable_roles`); and the
// indexes that count a portal inviter's and an account's invitations of the last day, and list an
// inviter's own invitations.
import type { Kysely } from 'kysely';

const id = 'varchar(36)';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('web_roles')
    .addColumn('can_invite', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('web_role_grantable_roles')
    // The role's own set goes with it (deleteWebRole removes it first; the cascade is the backstop).
    .addColumn('web_role_id', id, (c) => c.notNull().references('web_roles.id').onDelete('cascade'))
    // A role named in another's set is "in use": deleting it is refused (409), never cascaded.
    .addColumn('grantable_web_role_id', id, (c) => c.notNull().references('web_roles.id'))
    .addPrimaryKeyConstraint('web_role_grantable_roles_pk', ['web_role_id', 'grantable_web_role_id'])
    .execute();
  await db.schema
    .createIndex('web_role_grantable_roles_grantable')
    .on('web_role_grantable_roles')
    .column('grantable_web_role_id')
    .execute();
  await db.schema
    .createIndex('invitations_inviter_created')
    .on('invitations')
    .columns(['inviter_contact_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('invitations_account_created')
    .on('invitations')
    .columns(['assign_to_account_id', 'created_at'])
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
