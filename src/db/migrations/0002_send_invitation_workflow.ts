// The built-in Send Invitation workflow (key `send-invitation`, activated) and its two shipped
// email templates, Danish and English. Neither sets a From, so each invitation's owner sends.
// Also: one template per (workflow, name, locale), and an index for the emails of a workflow run.
// Template variables: invitation, contact, inviter, owner, code, redeem_url, expires_at.
import type { Kysely } from 'kysely';
import { newId } from '../../shared/ids.ts';

const EN_SUBJECT = `{% if inviter %}{{ inviter.fullName }} invites you to our portal{% else %}You are invited to our portal{% endif %}`;

const EN_HTML = `<!doctype html>
<html lang="en">
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:Helvetica,Arial,sans-serif;color:#1c1917;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p>Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},</p>
<p>{% if inviter %}{{ inviter.fullName }} has invited you{% else %}You have been invited{% endif %} to our portal. Accept the invitation to create an account or sign in, and you get the access that comes with it.</p>
<p style="margin:28px 0"><a href="{{ redeem_url }}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">Accept the invitation</a></p>
<p>If the button does not work, open the portal's "Redeem invitation" page and enter this code:</p>
<p style="font-family:Consolas,Menlo,monospace;font-size:18px;letter-spacing:1px"><strong>{{ code }}</strong></p>
{% if expires_at %}<p>The invitation is valid until {{ expires_at }}.</p>
{% endif %}{% if invitation.type == "single" %}<p>This invitation is for you alone, so please do not pass the code on.</p>
{% endif %}<p>Kind regards,<br>{% if owner %}{{ owner.fullName }}{% else %}The portal team{% endif %}</p>
<p style="color:#78716c;font-size:12px;margin-top:32px">If you were not expecting this invitation, you can simply ignore this email.</p>
</div>
</body>
</html>
`;

const EN_TEXT = `Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},

{% if inviter %}{{ inviter.fullName }} has invited you{% else %}You have been invited{% endif %} to our portal. Accept the invitation to create an account or sign in, and you get the access that comes with it.

Accept the invitation here:
{{ redeem_url }}

Or open the portal's "Redeem invitation" page and enter this code:

    {{ code }}
{% if expires_at %}
The invitation is valid until {{ expires_at }}.
{% endif %}{% if invitation.type == "single" %}
This invitation is for you alone, so please do not pass the code on.
{% endif %}
Kind regards,
{% if owner %}{{ owner.fullName }}{% else %}The portal team{% endif %}

If you were not expecting this invitation, you can simply ignore this email.
`;

const DA_SUBJECT = `{% if inviter %}{{ inviter.fullName }} inviterer dig til vores portal{% else %}Du er inviteret til vores portal{% endif %}`;

const DA_HTML = `<!doctype html>
<html lang="da">
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:Helvetica,Arial,sans-serif;color:#1c1917;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p>Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}</p>
<p>{% if inviter %}{{ inviter.fullName }} har inviteret dig{% else %}Du er blevet inviteret{% endif %} til vores portal. Tag imod invitationen for at oprette en konto eller logge ind, så får du den adgang, der følger med.</p>
<p style="margin:28px 0"><a href="{{ redeem_url }}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">Tag imod invitationen</a></p>
<p>Virker knappen ikke, så åbn portalens side „Indløs invitation“, og indtast denne kode:</p>
<p style="font-family:Consolas,Menlo,monospace;font-size:18px;letter-spacing:1px"><strong>{{ code }}</strong></p>
{% if expires_at %}<p>Invitationen gælder til {{ expires_at }}.</p>
{% endif %}{% if invitation.type == "single" %}<p>Invitationen er kun til dig, så giv ikke koden videre.</p>
{% endif %}<p>Venlig hilsen<br>{% if owner %}{{ owner.fullName }}{% else %}Portalteamet{% endif %}</p>
<p style="color:#78716c;font-size:12px;margin-top:32px">Havde du ikke ventet denne invitation, kan du roligt se bort fra denne e-mail.</p>
</div>
</body>
</html>
`;

const DA_TEXT = `Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}

{% if inviter %}{{ inviter.fullName }} har inviteret dig{% else %}Du er blevet inviteret{% endif %} til vores portal. Tag imod invitationen for at oprette en konto eller logge ind, så får du den adgang, der følger med.

Tag imod invitationen her:
{{ redeem_url }}

Eller åbn portalens side „Indløs invitation“, og indtast denne kode:

    {{ code }}
{% if expires_at %}
Invitationen gælder til {{ expires_at }}.
{% endif %}{% if invitation.type == "single" %}
Invitationen er kun til dig, så giv ikke koden videre.
{% endif %}
Venlig hilsen
{% if owner %}{{ owner.fullName }}{% else %}Portalteamet{% endif %}

Havde du ikke ventet denne invitation, kan du roligt se bort fra denne e-mail.
`;

export const SEND_INVITATION_KEY = 'send-invitation';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  const workflowId = newId();
  await db
    .insertInto('workflows')
    .values({
      id: workflowId,
      key: SEND_INVITATION_KEY,
      name: 'Send Invitation',
      description:
        'Emails each invited contact the invitation code and link (to emailaddress1 only) and sets the invitation to sent.',
      primary_entity: 'invitation',
      state: 'activated',
      steps: JSON.stringify([{ type: 'send-invitation' }]),
      webhook_secret_encrypted: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const template = (locale: string, name: string, subject: string, html: string, text: string) => ({
    id: newId(),
    workflow_id: workflowId,
    name,
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
    .values([
      template('da', 'Invitation', DA_SUBJECT, DA_HTML, DA_TEXT),
      template('en', 'Invitation', EN_SUBJECT, EN_HTML, EN_TEXT),
    ])
    .execute();
  // One template per workflow, name and locale: a send-email step picks the recipient's locale.
  await db.schema
    .createIndex('email_templates_workflow_name_locale')
    .on('email_templates')
    .unique()
    .columns(['workflow_id', 'name', 'locale'])
    .execute();
  // The emails of a run (the run's history shows their outcome).
  await db.schema.createIndex('emails_workflow_run').on('emails').columns(['workflow_run_id', 'id']).execute();
}

export async function down(): Promise<void> {
  // Forward only.
}
