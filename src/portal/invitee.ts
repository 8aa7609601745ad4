// What the portal knows about the person a code or an emailed link is for: the languages that
// decide a redemption page's language (the invitation's, the invited contact's), the invited
// address (a single invitation's code proves that mailbox, so its holder may see it), and whom to
// ask when the invitation cannot be used (Site/ContactEmail, else the owner, else the inviter).
import type { AppContext } from '../context.ts';
import { findContact } from '../contacts/contacts.repo.ts';
import { fullNameOf } from '../contacts/contacts.service.ts';
import type { InvitationRow } from '../db/schema.ts';
import { findInvitation, invitedContactIdsOf } from '../invitations/invitations.repo.ts';
import { findInvitationByCode } from '../invitations/invitations.service.ts';
import { peekContactToken } from '../portal-auth/contact-tokens.repo.ts';
import { assertUnderLimit } from '../rate-limit/rate-limit.service.ts';
import type { Client } from '../redemption/redemption.service.ts';
import { settingValue } from '../site-settings/site-settings.service.ts';
import { findUserById } from '../users/users.repo.ts';

/** The languages that come before the visitor's own on a redemption page (see docs/portal.md). */
export interface RedemptionLocales {
  invitationLocale: string | null;
  invitedLocale: string | null;
}

export interface Invitee extends RedemptionLocales {
  invitationId: string;
  type: InvitationRow['type'];
  binding: InvitationRow['binding'];
  /** A single invitation's invited contact and its primary address. */
  invitedContactId: string | null;
  invitedEmail: string | null;
  inviterName: string | null;
  /** Where to ask about this invitation, or null when the portal names no one. */
  contactEmail: string | null;
}

/**
 * The invitee of `code`, or null for an unknown code. Counts nothing: the caller's own lookup
 * (preview, redeem, sign-up) counts unknown codes; a client over the code limit learns nothing here.
 */
export async function inviteeOf(ctx: AppContext, code: string, client: Client): Promise<Invitee | null> {
  if (!code.trim()) return null;
  try {
    await assertUnderLimit(ctx, 'invitationCodes', client.ip ?? 'unknown');
  } catch {
    return null;
  }
  const inv = await findInvitationByCode(ctx, ctx.db, code);
  return inv ? inviteeOfInvitation(ctx, inv) : null;
}

async function inviteeOfInvitation(ctx: AppContext, inv: InvitationRow): Promise<Invitee> {
  const invitedIds = (await invitedContactIdsOf(ctx.db, [inv.id])).get(inv.id) ?? [];
  const invited = inv.type === 'single' && invitedIds[0] ? await findContact(ctx.db, invitedIds[0]) : undefined;
  const inviter = inv.inviter_contact_id ? await findContact(ctx.db, inv.inviter_contact_id) : undefined;
  const owner = inv.owner_id ? await findUserById(ctx.db, inv.owner_id) : undefined;
  const siteContact = (await settingValue(ctx, 'Site/ContactEmail')).trim();
  return {
    invitationId: inv.id,
    type: inv.type,
    binding: inv.binding,
    invitationLocale: inv.locale,
    invitedLocale: invited?.locale ?? null,
    invitedContactId: invited?.id ?? null,
    invitedEmail: invited?.emailaddress1 ?? null,
    inviterName: inviter ? fullNameOf(inviter) : (owner?.full_name ?? null),
    contactEmail: siteContact || owner?.email || inviter?.emailaddress1 || null,
  };
}

/** The languages of an emailed link's page: its pending invitation's, then its contact's. */
export async function linkLocales(
  ctx: AppContext,
  token: string,
  purpose: 'confirm-email' | 'reset-password',
): Promise<RedemptionLocales> {
  const none = { invitationLocale: null, invitedLocale: null };
  if (!token || token.length > 200) return none;
  const row = await peekContactToken(ctx.db, ctx.secrets.hash('contact-token', token), purpose);
  if (!row) return none;
  const contact = await findContact(ctx.db, row.contact_id);
  let invitationLocale: string | null = null;
  try {
    const pending = row.data ? (JSON.parse(row.data) as { invitationId?: string }) : {};
    if (pending.invitationId) invitationLocale = (await findInvitation(ctx.db, pending.invitationId))?.locale ?? null;
  } catch {
    // A token's data is ours; unreadable data decides no language.
  }
  return { invitationLocale, invitedLocale: contact?.locale ?? null };
}

/** Site/ContactEmail, for pages that have no invitation to name someone. */
export async function siteContactEmail(ctx: AppContext): Promise<string | null> {
  return (await settingValue(ctx, 'Site/ContactEmail')).trim() || null;
}
