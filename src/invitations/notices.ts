// Short notices about an invitation to the people behind it: its owner (a system user, emailed at
// the user's address with no contact) and its inviter contact, if any, when the invitee declines
// it or it expires unredeemed. Plain built-in texts in Danish and English (the site's language for
// the owner, the inviter's own for the inviter), queued as email activities in the caller's
// transaction, regarding the invitation.
import type { AppContext } from '../context.ts';
import type { InvitationRow } from '../db/schema.ts';
import type { Tx } from '../db/types.ts';
import { queueEmail } from '../email/email.service.ts';
import { asLocale, type Locale, pickLocale } from '../shared/locale.ts';
import { settingValueIn } from '../site-settings/site-settings.service.ts';
import { escapeHtml } from '../shared/html.ts';
// The owner and the inviter through their features' repositories (on the caller's transaction).
import { findUserById } from '../users/users.repo.ts';
import { findContact } from '../contacts/contacts.repo.ts';

export type NoticeKind = 'declined' | 'expired';

const texts: Record<Locale, Record<NoticeKind, (name: string, site: string) => { subject: string; text: string }>> = {
  en: {
    declined: (name, site) => ({
      subject: `Invitation declined: ${name}`,
      text: `The invitee declined the invitation "${name}" on ${site}. It can no longer be redeemed.\n`,
    }),
    expired: (name, site) => ({
      subject: `Invitation expired: ${name}`,
      text: `The invitation "${name}" on ${site} expired before it was redeemed. Resend it with a new expiry if the invitee still needs it.\n`,
    }),
  },
  da: {
    declined: (name, site) => ({
      subject: `Invitation afslået: ${name}`,
      text: `Modtageren har afslået invitationen „${name}“ på ${site}. Den kan ikke længere indløses.\n`,
    }),
    expired: (name, site) => ({
      subject: `Invitation udløbet: ${name}`,
      text: `Invitationen „${name}“ på ${site} udløb, før den blev indløst. Send den igen med en ny udløbsdato, hvis modtageren stadig har brug for den.\n`,
    }),
  },
};

/** The site's name (Site/Name, "Customer portal" unless staff set one). */
const siteName = async (tx: Tx): Promise<string> => (await settingValueIn(tx, 'Site/Name')).trim();

/** Queues the notice to the owner and the inviter contact (those with an address); returns the email ids. */
export async function queueInvitationNotices(
  ctx: Pick<AppContext, 'config'>,
  tx: Tx,
  kind: NoticeKind,
  inv: Pick<InvitationRow, 'id' | 'name' | 'owner_id' | 'inviter_contact_id'>,
): Promise<string[]> {
  const site = asLocale(await settingValueIn(tx, 'Site/DefaultLocale')) ?? 'en';
  const name = await siteName(tx);
  const to: Array<{ address: string; contactId: string | null; locale: Locale }> = [];
  if (inv.owner_id) {
    const owner = await findUserById(tx, inv.owner_id);
    if (owner?.email) to.push({ address: owner.email, contactId: null, locale: site });
  }
  if (inv.inviter_contact_id) {
    const inviter = await findContact(tx, inv.inviter_contact_id);
    if (inviter?.emailaddress1)
      to.push({ address: inviter.emailaddress1, contactId: inviter.id, locale: pickLocale([inviter.locale], site) });
  }
  const ids: string[] = [];
  for (const r of to) {
    const { subject, text } = texts[r.locale][kind](inv.name, name);
    const email = await queueEmail(tx, {
      toContactId: r.contactId,
      toAddress: r.address,
      fromAddress: ctx.config.mailFrom,
      subject,
      text,
      html: `<!doctype html>\n<html lang="${r.locale}"><body><p>${escapeHtml(text.trim())}</p></body></html>\n`,
      regardingType: 'invitation',
      regardingId: inv.id,
    });
    ids.push(email.id);
  }
  return ids;
}
