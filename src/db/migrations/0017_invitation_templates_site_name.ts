// The shipped Send Invitation templates, second edition: they name the portal ({{ site.name }}) and
// the inviter, give the redeem page's address for typing the code ({{ redeem_page_url }}), keep the
// code on one line on a phone, and are whole documents with <html lang> and <title>. A template is
// updated only while it is still exactly the first edition (subject, HTML and text as 0002 shipped
// them, no From): a template staff have edited is never overwritten. See docs/portal.md.
import type { Kysely } from 'kysely';

// The first edition, exactly as 0002 shipped it (copied: a migration never changes).
export const OLD_EN_SUBJECT = `{% if inviter %}{{ inviter.fullName }} invites you to our portal{% else %}You are invited to our portal{% endif %}`;

export const OLD_EN_HTML = `<!doctype html>
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

export const OLD_EN_TEXT = `Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},

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

export const OLD_DA_SUBJECT = `{% if inviter %}{{ inviter.fullName }} inviterer dig til vores portal{% else %}Du er inviteret til vores portal{% endif %}`;

export const OLD_DA_HTML = `<!doctype html>
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

export const OLD_DA_TEXT = `Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}

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

// The second edition.
export const EN_SUBJECT = `{% if inviter %}{{ inviter.fullName }} invites you to {{ site.name }}{% else %}You are invited to {{ site.name }}{% endif %}`;

export const EN_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if inviter %}{{ inviter.fullName }} invites you to {{ site.name }}{% else %}You are invited to {{ site.name }}{% endif %}</title>
</head>
<body style="margin:0;padding:12px;background:#f4f6f9;font-family:Helvetica,Arial,sans-serif;color:#1c2430;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:20px">
<p style="margin:0 0 16px;font-weight:bold;color:#174a96">{{ site.name }}</p>
<h1 style="font-size:20px;line-height:1.3;margin:0 0 12px">{{ invitation.name }}</h1>
<p>Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},</p>
<p>{% if inviter %}{{ inviter.fullName }} has invited you{% else %}You have been invited{% endif %} to {{ site.name }}. Accept the invitation to create an account or sign in, and you get the access that comes with it.</p>
<p style="margin:24px 0"><a href="{{ redeem_url }}" style="background:#174a96;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold;display:inline-block">Accept the invitation</a></p>
<p>If the button does not work, open <a href="{{ redeem_page_url }}" style="color:#174a96">{{ redeem_page_url }}</a> and type this code:</p>
<p style="font-family:Consolas,Menlo,monospace;font-size:15px;letter-spacing:0;white-space:nowrap;overflow-x:auto;margin:0 0 16px"><strong>{{ code }}</strong></p>
{% if expires_at %}<p>The invitation is valid until {{ expires_at }}.</p>
{% endif %}{% if invitation.type == "single" %}<p>This invitation is for you alone, so please do not pass the code on.</p>
{% endif %}{% if site.contact_email %}<p>Questions? Write to <a href="mailto:{{ site.contact_email }}" style="color:#174a96">{{ site.contact_email }}</a>.</p>
{% endif %}<p>Kind regards,<br>{% if owner %}{{ owner.fullName }}{% else %}{{ site.name }}{% endif %}</p>
<p style="color:#5b6675;font-size:13px;margin-top:24px">If you were not expecting this invitation, you can simply ignore this email.</p>
</div>
</body>
</html>
`;

export const EN_TEXT = `{{ site.name }}: {{ invitation.name }}

Hello{% if contact.firstName %} {{ contact.firstName }}{% endif %},

{% if inviter %}{{ inviter.fullName }} has invited you{% else %}You have been invited{% endif %} to {{ site.name }}. Accept the invitation to create an account or sign in, and you get the access that comes with it.

Accept the invitation here:
{{ redeem_url }}

Or open {{ redeem_page_url }} and type this code:

{{ code }}
{% if expires_at %}
The invitation is valid until {{ expires_at }}.
{% endif %}{% if invitation.type == "single" %}
This invitation is for you alone, so please do not pass the code on.
{% endif %}{% if site.contact_email %}
Questions? Write to {{ site.contact_email }}.
{% endif %}
Kind regards,
{% if owner %}{{ owner.fullName }}{% else %}{{ site.name }}{% endif %}

If you were not expecting this invitation, you can simply ignore this email.
`;

export const DA_SUBJECT = `{% if inviter %}{{ inviter.fullName }} inviterer dig til {{ site.name }}{% else %}Du er inviteret til {{ site.name }}{% endif %}`;

export const DA_HTML = `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if inviter %}{{ inviter.fullName }} inviterer dig til {{ site.name }}{% else %}Du er inviteret til {{ site.name }}{% endif %}</title>
</head>
<body style="margin:0;padding:12px;background:#f4f6f9;font-family:Helvetica,Arial,sans-serif;color:#1c2430;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:20px">
<p style="margin:0 0 16px;font-weight:bold;color:#174a96">{{ site.name }}</p>
<h1 style="font-size:20px;line-height:1.3;margin:0 0 12px">{{ invitation.name }}</h1>
<p>Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}</p>
<p>{% if inviter %}{{ inviter.fullName }} har inviteret dig{% else %}Du er blevet inviteret{% endif %} til {{ site.name }}. Tag imod invitationen for at oprette en konto eller logge ind, så får du den adgang, der følger med.</p>
<p style="margin:24px 0"><a href="{{ redeem_url }}" style="background:#174a96;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold;display:inline-block">Tag imod invitationen</a></p>
<p>Virker knappen ikke, så åbn <a href="{{ redeem_page_url }}" style="color:#174a96">{{ redeem_page_url }}</a>, og skriv denne kode:</p>
<p style="font-family:Consolas,Menlo,monospace;font-size:15px;letter-spacing:0;white-space:nowrap;overflow-x:auto;margin:0 0 16px"><strong>{{ code }}</strong></p>
{% if expires_at %}<p>Invitationen gælder til {{ expires_at }}.</p>
{% endif %}{% if invitation.type == "single" %}<p>Invitationen er kun til dig, så giv ikke koden videre.</p>
{% endif %}{% if site.contact_email %}<p>Spørgsmål? Skriv til <a href="mailto:{{ site.contact_email }}" style="color:#174a96">{{ site.contact_email }}</a>.</p>
{% endif %}<p>Venlig hilsen<br>{% if owner %}{{ owner.fullName }}{% else %}{{ site.name }}{% endif %}</p>
<p style="color:#5b6675;font-size:13px;margin-top:24px">Havde du ikke ventet denne invitation, kan du roligt se bort fra denne e-mail.</p>
</div>
</body>
</html>
`;

export const DA_TEXT = `{{ site.name }}: {{ invitation.name }}

Hej{% if contact.firstName %} {{ contact.firstName }}{% endif %}

{% if inviter %}{{ inviter.fullName }} har inviteret dig{% else %}Du er blevet inviteret{% endif %} til {{ site.name }}. Tag imod invitationen for at oprette en konto eller logge ind, så får du den adgang, der følger med.

Tag imod invitationen her:
{{ redeem_url }}

Eller åbn {{ redeem_page_url }}, og skriv denne kode:

{{ code }}
{% if expires_at %}
Invitationen gælder til {{ expires_at }}.
{% endif %}{% if invitation.type == "single" %}
Invitationen er kun til dig, så giv ikke koden videre.
{% endif %}{% if site.contact_email %}
Spørgsmål? Skriv til {{ site.contact_email }}.
{% endif %}
Venlig hilsen
{% if owner %}{{ owner.fullName }}{% else %}{{ site.name }}{% endif %}

Havde du ikke ventet denne invitation, kan du roligt se bort fra denne e-mail.
`;

const editions = [
  { locale: 'en', old: [OLD_EN_SUBJECT, OLD_EN_HTML, OLD_EN_TEXT], next: [EN_SUBJECT, EN_HTML, EN_TEXT] },
  { locale: 'da', old: [OLD_DA_SUBJECT, OLD_DA_HTML, OLD_DA_TEXT], next: [DA_SUBJECT, DA_HTML, DA_TEXT] },
] as const;

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the database as it was then, not as today's types say
export async function up(db: Kysely<any>): Promise<void> {
  const workflow = await db
    .selectFrom('workflows')
    .select('id')
    .where('key', '=', 'send-invitation')
    .executeTakeFirst();
  if (!workflow) return;
  const now = new Date().toISOString();
  for (const e of editions) {
    await db
      .updateTable('email_templates')
      .set({ subject: e.next[0], html: e.next[1], text: e.next[2], updated_at: now })
      .where('workflow_id', '=', workflow.id)
      .where('name', '=', 'Invitation')
      .where('locale', '=', e.locale)
      .where('subject', '=', e.old[0])
      .where('html', '=', e.old[1])
      .where('text', '=', e.old[2])
      .where('from_address', 'is', null)
      .execute();
  }
}

export async function down(): Promise<void> {
  // Forward only.
}
