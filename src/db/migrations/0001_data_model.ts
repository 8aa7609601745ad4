// The whole data model of SPEC.md "Records". Constraints do the work: foreign keys, unique
// web role names and code hashes, one redemption per (invitation, contact), case-insensitive
// email indexes.
import { sql, type Kysely } from 'kysely';

const id = 'varchar(36)';
const time = 'varchar(32)';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('system_users')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('full_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('role', 'varchar(10)', (c) => c.notNull().check(sql`role in ('admin', 'staff')`))
    .addColumn('password_hash', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('system_users_email_unique')
    .on('system_users')
    .unique()
    .expression(sql`lower(email)`)
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('system_users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('parent_account_id', id, (c) => c.references('accounts.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_parent').on('accounts').column('parent_account_id').execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('first_name', 'varchar(100)')
    .addColumn('last_name', 'varchar(100)')
    .addColumn('emailaddress1', 'varchar(320)')
    .addColumn('emailaddress2', 'varchar(320)')
    .addColumn('emailaddress3', 'varchar(320)')
    .addColumn('parent_account_id', id, (c) => c.references('accounts.id'))
    .addColumn('locale', 'varchar(10)')
    .addColumn('username', 'varchar(200)')
    .addColumn('password_hash', 'text')
    .addColumn('email_confirmed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('login_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('lockout_end', time)
    .addColumn('access_failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('security_stamp', 'varchar(64)')
    .addColumn('last_sign_in_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_email1_ci').on('contacts').expression(sql`lower(emailaddress1)`).execute();
  await db.schema
    .createIndex('contacts_username_unique')
    .on('contacts')
    .unique()
    .expression(sql`lower(username)`)
    .execute();
  await db.schema.createIndex('contacts_parent_account').on('contacts').column('parent_account_id').execute();

  await db.schema
    .createTable('web_roles')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('authenticated_users_role', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contact_web_roles')
    .addColumn('contact_id', id, (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('web_role_id', id, (c) => c.notNull().references('web_roles.id'))
    .addPrimaryKeyConstraint('contact_web_roles_pk', ['contact_id', 'web_role_id'])
    .execute();
  await db.schema.createIndex('contact_web_roles_role').on('contact_web_roles').column('web_role_id').execute();

  await db.schema
    .createTable('workflows')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('key', 'varchar(100)', (c) => c.unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('primary_entity', 'varchar(20)', (c) =>
      c.notNull().check(sql`primary_entity in ('invitation', 'contact')`),
    )
    .addColumn('state', 'varchar(20)', (c) => c.notNull().check(sql`state in ('draft', 'activated')`))
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('webhook_secret_encrypted', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('type', 'varchar(10)', (c) => c.notNull().check(sql`type in ('single', 'group')`))
    .addColumn('owner_id', id, (c) => c.references('system_users.id'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('code_encrypted', 'text')
    .addColumn('expires_at', time)
    .addColumn('inviter_contact_id', id, (c) => c.references('contacts.id'))
    .addColumn('assign_to_account_id', id, (c) => c.references('accounts.id'))
    .addColumn('redeem_workflow_id', id, (c) => c.references('workflows.id'))
    .addColumn('max_redemptions', 'integer')
    .addColumn('redemption_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(10)', (c) =>
      c.notNull().check(sql`status in ('new', 'sent', 'redeemed', 'expired', 'inactive')`),
    )
    .addColumn('status_before_inactive', 'varchar(10)')
    .addColumn('binding', 'varchar(20)', (c) =>
      c.notNull().defaultTo('any').check(sql`binding in ('any', 'invited-email', 'email-domain')`),
    )
    .addColumn('allowed_domains', 'text')
    .addColumn('locale', 'varchar(10)')
    .addColumn('created_by', id, (c) => c.references('system_users.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('sent_at', time)
    .addCheckConstraint('invitations_single_max', sql`type = 'group' or max_redemptions = 1`)
    .addCheckConstraint(
      'invitations_count_within_max',
      sql`max_redemptions is null or redemption_count <= max_redemptions`,
    )
    .execute();
  await db.schema.createIndex('invitations_status').on('invitations').columns(['status', 'id']).execute();
  await db.schema.createIndex('invitations_owner').on('invitations').column('owner_id').execute();
  await db.schema.createIndex('invitations_account').on('invitations').column('assign_to_account_id').execute();
  await db.schema.createIndex('invitations_workflow').on('invitations').column('redeem_workflow_id').execute();
  await db.schema.createIndex('invitations_inviter').on('invitations').column('inviter_contact_id').execute();

  await db.schema
    .createTable('invitation_invited_contacts')
    .addColumn('invitation_id', id, (c) => c.notNull().references('invitations.id').onDelete('cascade'))
    .addColumn('contact_id', id, (c) => c.notNull().references('contacts.id'))
    .addPrimaryKeyConstraint('invitation_invited_contacts_pk', ['invitation_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('invitation_invited_contacts_contact')
    .on('invitation_invited_contacts')
    .column('contact_id')
    .execute();

  await db.schema
    .createTable('invitation_web_roles')
    .addColumn('invitation_id', id, (c) => c.notNull().references('invitations.id').onDelete('cascade'))
    .addColumn('web_role_id', id, (c) => c.notNull().references('web_roles.id'))
    .addPrimaryKeyConstraint('invitation_web_roles_pk', ['invitation_id', 'web_role_id'])
    .execute();
  await db.schema.createIndex('invitation_web_roles_role').on('invitation_web_roles').column('web_role_id').execute();

  await db.schema
    .createTable('redemptions')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('invitation_id', id, (c) => c.notNull().references('invitations.id'))
    .addColumn('contact_id', id, (c) => c.notNull().references('contacts.id'))
    .addColumn('redeemed_at', time, (c) => c.notNull())
    .addColumn('ip_address', 'varchar(64)')
    .addColumn('user_agent', 'text')
    .addColumn('sign_in_method', 'varchar(100)')
    .addUniqueConstraint('redemptions_invitation_contact', ['invitation_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('redemptions_contact').on('redemptions').column('contact_id').execute();

  await db.schema
    .createTable('email_templates')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('workflow_id', id, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('locale', 'varchar(10)', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('from_address', 'varchar(320)')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_templates_workflow').on('email_templates').column('workflow_id').execute();

  await db.schema
    .createTable('workflow_runs')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('workflow_id', id, (c) => c.notNull().references('workflows.id'))
    .addColumn('target_id', id, (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) =>
      c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`),
    )
    .addColumn('trigger', 'varchar(20)', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('started_at', time)
    .addColumn('finished_at', time)
    .execute();
  await db.schema.createIndex('workflow_runs_workflow').on('workflow_runs').columns(['workflow_id', 'id']).execute();
  await db.schema.createIndex('workflow_runs_target').on('workflow_runs').columns(['target_id', 'id']).execute();

  await db.schema
    .createTable('emails')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('to_contact_id', id, (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
    .addColumn('from_address', 'varchar(320)', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message_id', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('provider_message_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('regarding_type', 'varchar(20)')
    .addColumn('regarding_id', id)
    .addColumn('workflow_run_id', id, (c) => c.references('workflow_runs.id'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('sent_at', time)
    .execute();
  await db.schema.createIndex('emails_regarding').on('emails').columns(['regarding_id', 'id']).execute();
  await db.schema.createIndex('emails_status').on('emails').columns(['status', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('type', 'varchar(50)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) =>
      c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`),
    )
    .addColumn('run_at', time, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(100)')
    .addColumn('locked_until', time)
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

  await db.schema
    .createTable('site_settings')
    .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('contact_id', id, (c) => c.references('contacts.id').onDelete('cascade'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_contact').on('sessions').column('contact_id').execute();
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('identity_providers')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('type', 'varchar(10)', (c) => c.notNull().check(sql`type in ('oidc', 'saml')`))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('secret_encrypted', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('allow_registration', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('external_logins')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('contact_id', id, (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('provider_id', id, (c) => c.notNull().references('identity_providers.id'))
    .addColumn('subject', 'varchar(500)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)')
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('external_logins_provider_subject', ['provider_id', 'subject'])
    .execute();
  await db.schema.createIndex('external_logins_contact').on('external_logins').column('contact_id').execute();

  await db.schema
    .createTable('contact_tokens')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('contact_id', id, (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(20)', (c) => c.notNull().check(sql`purpose in ('confirm-email', 'reset-password')`))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('data', 'text')
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('content_pages')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('content_page_web_roles')
    .addColumn('content_page_id', id, (c) => c.notNull().references('content_pages.id').onDelete('cascade'))
    .addColumn('web_role_id', id, (c) => c.notNull().references('web_roles.id'))
    .addPrimaryKeyConstraint('content_page_web_roles_pk', ['content_page_id', 'web_role_id'])
    .execute();
  await db.schema
    .createIndex('content_page_web_roles_role')
    .on('content_page_web_roles')
    .column('web_role_id')
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('window_start', time, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('actor_type', 'varchar(10)', (c) => c.notNull().check(sql`actor_type in ('user', 'contact', 'system')`))
    .addColumn('actor_id', id)
    .addColumn('action', 'varchar(50)', (c) => c.notNull())
    .addColumn('record_type', 'varchar(50)', (c) => c.notNull())
    .addColumn('record_id', id)
    .addColumn('details', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_record').on('audit_log').columns(['record_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward only.');
}
