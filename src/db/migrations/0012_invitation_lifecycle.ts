// The invitation lifecycle (issue #18, first half): the status `declined` (the invitee declined on
// the preview page), a per-invitation reminder schedule, the reminders planned for each invitation,
// and the built-in "Invitation reminder" workflow (key `send-invitation-reminder`) whose two shipped
// templates, Danish and English, the reminder job renders. Editable like Send Invitation's: only
// while that workflow is deactivated (and while it is, due reminders wait).
// SQLite cannot alter a CHECK constraint, so the invitations table is rebuilt as 0004 rebuilds
// emails: from its own stored definition, every index it has (0001, 0008, 0009, 0010, …) made again
// from sqlite_master. PostgreSQL replaces the constraint.
import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { newId } from '../../shared/ids.ts';

const OLD = "status in ('new', 'sent', 'redeemed', 'expired', 'inactive')";
const NEW = "status in ('new', 'sent', 'redeemed', 'expired', 'inactive', 'declined')";

export const REMINDER_WORKFLOW_KEY = 'send-invitation-reminder';

const EN_SUBJECT = `Reminder: {% if inviter %}{{ inviter.fullName }} invites you to our portal{% else %}your invitation to our portal{% endif %}`;
const EN_TEXT = `Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},

A reminder: {% if inviter %}{{ inviter.fullName }} has invited you{% else %}you have been invited{% endif %} to our portal, and the invitation is still waiting for you.

Accept the invitation here:
{{ redeem_url }}

Or open the portal's "Redeem invitation" page and enter this code:

    {{ code }}
{% if expires_at %}
The invitation is valid until {{ expires_at }}.
{% endif %}
Kind regards,
{% if owner %}{{ owner.fullName }}{% else %}The portal team{% endif %}

If this invitation is not for you, you can decline it on the page the link opens.
`;
const EN_HTML = `<!doctype html>
<html lang="en">
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:Helvetica,Arial,sans-serif;color:#1c1917;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p>Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},</p>
<p>A reminder: {% if inviter %}{{ inviter.fullName }} has invited you{% else %}you have been invited{% endif %} to our portal, and the invitation is still waiting for you.</p>
<p style="margin:28px 0"><a href="{{ redeem_url }}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">Accept the invitation</a></p>
<p>Or open the portal's "Redeem invitation" page and enter this code:</p>
<p style="font-family:Consolas,Menlo,monospace;font-size:18px;letter-spacing:1px"><strong>{{ code }}</strong></p>
{% if expires_at %}<p>The invitation is valid until {{ expires_at }}.</p>
{% endif %}<p>Kind regards,<br>{% if owner %}{{ owner.fullName }}{% else %}The portal team{% endif %}</p>
<p style="color:#78716c;font-size:12px;margin-top:32px">If this invitation is not for you, you can decline it on the page the link opens.</p>
</div>
</body>
</html>
`;
const DA_SUBJECT = `Påmindelse: {% if inviter %}{{ inviter.fullName }} inviterer dig til vores portal{% else %}din invitation til vores portal{% endif %}`;
const DA_TEXT = `Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}

En påmindelse: {% if inviter %}{{ inviter.fullName }} har inviteret dig{% else %}du er blevet inviteret{% endif %} til vores portal, og invitationen venter stadig på dig.

Tag imod invitationen her:
{{ redeem_url }}

Eller åbn portalens side „Indløs invitation“, og indtast denne kode:

    {{ code }}
{% if expires_at %}
Invitationen gælder til {{ expires_at }}.
{% endif %}
Venlig hilsen
{% if owner %}{{ owner.fullName }}{% else %}Portalteamet{% endif %}

Er invitationen ikke til dig, kan du afslå den på siden, linket åbner.
`;
const DA_HTML = `<!doctype html>
<html lang="da">
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:Helvetica,Arial,sans-serif;color:#1c1917;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p>Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}</p>
<p>En påmindelse: {% if inviter %}{{ inviter.fullName }} har inviteret dig{% else %}du er blevet inviteret{% endif %} til vores portal, og invitationen venter stadig på dig.</p>
<p style="margin:28px 0"><a href="{{ redeem_url }}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">Tag imod invitationen</a></p>
<p>Eller åbn portalens side „Indløs invitation“, og indtast denne kode:</p>
<p style="font-family:Consolas,Menlo,monospace;font-size:18px;letter-spacing:1px"><strong>{{ code }}</strong></p>
{% if expires_at %}<p>Invitationen gælder til {{ expires_at }}.</p>
{% endif %}<p>Venlig hilsen<br>{% if owner %}{{ owner.fullName }}{% else %}Portalteamet{% endif %}</p>
<p style="color:#78716c;font-size:12px;margin-top:32px">Er invitationen ikke til dig, kan du afslå den på siden, linket åbner.</p>
</div>
</body>
</html>
`;

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
async function allowDeclined(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`alter table invitations drop constraint if exists invitations_status_check`.execute(db);
    await sql.raw(`alter table invitations add constraint invitations_status_check check (${NEW})`).execute(db);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'invitations'`.execute(db);
  const definition = table.rows[0]?.sql ?? '';
  if (!definition.includes(OLD))
    throw new Error('0012: the invitations table does not have the status CHECK constraint of 0001');
  // Every index the table has, whichever migration made it (the unique code_hash one is part of
  // the definition itself and comes back with it).
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'invitations' and sql is not null`.execute(db);
  const rebuilt = definition
    .replace(OLD, NEW)
    .replace(/^create table\s+"?invitations"?/i, 'create table "invitations_new"');
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into invitations_new select * from invitations`.execute(db);
      await sql`drop table invitations`.execute(db);
      await sql`alter table invitations_new rename to invitations`.execute(db);
      for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error('0012: the rebuilt invitations table breaks a foreign key');
      await sql`commit`.execute(db);
    } catch (err) {
      await sql`rollback`.execute(db);
      throw err;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  await allowDeclined(db);
  // null: the site's Invitations/ReminderSchedule; '' : no reminders for this invitation.
  await db.schema.alterTable('invitations').addColumn('reminder_schedule', 'varchar(1000)').execute();

  // The reminders planned for an invitation when Send Invitation sends it (re-planned on every
  // send and when its expiry or schedule changes). `pending` until the reminder job claims it with
  // a guarded update: then `sent` (with sent_at) or `skipped` (the invitation closed meanwhile).
  await db.schema
    .createTable('invitation_reminders')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('invitation_id', 'varchar(36)', (c) => c.notNull().references('invitations.id').onDelete('cascade'))
    .addColumn('due_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'skipped')`))
    .addColumn('sent_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // The reminder job's one question: pending reminders due by now, oldest first.
  await db.schema
    .createIndex('invitation_reminders_due')
    .on('invitation_reminders')
    .columns(['status', 'due_at'])
    .execute();
  await db.schema
    .createIndex('invitation_reminders_invitation')
    .on('invitation_reminders')
    .columns(['invitation_id', 'due_at'])
    .execute();

  const now = new Date().toISOString();
  const workflowId = newId();
  await db
    .insertInto('workflows')
    .values({
      id: workflowId,
      key: REMINDER_WORKFLOW_KEY,
      name: 'Invitation reminder',
      description:
        'Its templates are the reminder emails the reminder schedule sends (Invitations/ReminderSchedule, or the invitation’s own). Deactivate it to edit them; while it is deactivated, due reminders wait. Running it does nothing.',
      primary_entity: 'invitation',
      state: 'activated',
      steps: '[]',
      webhook_secret_encrypted: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const template = (locale: string, subject: string, html: string, text: string) => ({
    id: newId(),
    workflow_id: workflowId,
    name: 'Invitation reminder',
    locale,
    subject,
    html,
    text,
    from_address: null,
    created_at: now,
    updated_at: now,
  });
  await db
    .insertInto('email_templates')
    .values([template('da', DA_SUBJECT, DA_HTML, DA_TEXT), template('en', EN_SUBJECT, EN_HTML, EN_TEXT)])
    .execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
