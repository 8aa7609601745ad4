// The last email queued to someone, as the mail server receives it: its sealed secrets (codes,
// link tokens) put back by the same function delivery uses. What staff see is the masked row.
import type { AppContext } from '../../src/context.ts';
import { type EmailParts, unsealSecrets } from '../../src/email/email-secrets.ts';

export async function mailAsSent(
  ctx: Pick<AppContext, 'db' | 'secrets'>,
  to: { address?: string; contactId?: string },
): Promise<EmailParts> {
  let q = ctx.db
    .selectFrom('emails')
    .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
    .select(['emails.subject', 'emails.sealed_secrets', 'email_bodies.html', 'email_bodies.text'])
    .orderBy('emails.id', 'desc');
  if (to.address) q = q.where('emails.to_address', '=', to.address);
  if (to.contactId) q = q.where('emails.to_contact_id', '=', to.contactId);
  const row = await q.executeTakeFirstOrThrow();
  const parts = { subject: row.subject, html: row.html, text: row.text };
  return row.sealed_secrets ? unsealSecrets(parts, row.sealed_secrets, ctx.secrets) : parts;
}
