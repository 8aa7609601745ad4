// The invitee's own pending invitations (the portal profile): open single invitations addressed to
// one of the contact's verified email addresses, and "Redeem" on one of them without typing its
// code (the code comes from its encrypted copy; the redemption itself is the usual one).
import type { AppContext } from '../context.ts';
import { redeemInvitation, verifiedEmailsOf, type Client } from '../redemption/redemption.service.ts';
import { AppError } from '../shared/errors.ts';
import { nowIso } from '../shared/time.ts';
import { decryptCode } from './codes.ts';

export interface PendingInvitation {
  id: string;
  name: string;
  expiresAt: string | null;
}

/** Open single invitations to a verified email of the contact, newest first (at most 50). */
export async function pendingInvitationsOf(
  ctx: AppContext,
  contactId: string,
  vouchedEmails: readonly string[],
): Promise<PendingInvitation[]> {
  const contact = await ctx.db
    .selectFrom('contacts')
    .select(['emailaddress1', 'email_confirmed'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) return [];
  const emails = verifiedEmailsOf(contact, vouchedEmails);
  if (emails.length === 0) return [];
  const now = nowIso();
  return (
    ctx.db
      .selectFrom('invitations as i')
      .innerJoin('invitation_invited_contacts as ic', 'ic.invitation_id', 'i.id')
      .innerJoin('contacts as c', 'c.id', 'ic.contact_id')
      .select(['i.id', 'i.name', 'i.expires_at as expiresAt'])
      .where('i.type', '=', 'single')
      .where('i.status', 'in', ['new', 'sent'])
      .where('i.redemption_count', '=', 0)
      .where((eb) => eb.or([eb('i.expires_at', 'is', null), eb('i.expires_at', '>', now)]))
      .where('i.code_encrypted', 'is not', null)
      // lower(emailaddress1) has an index of its own (0001).
      .where((eb) => eb(eb.fn('lower', ['c.emailaddress1']), 'in', emails))
      .orderBy('i.id', 'desc')
      .limit(50)
      .execute()
  );
}

/** Redeems one of the contact's pending invitations by id (the profile's one-click Redeem). */
export async function redeemPendingInvitation(
  ctx: AppContext,
  input: { invitationId: string; contactId: string; vouchedEmails: string[]; client: Client; signInMethod: string },
) {
  const pending = await pendingInvitationsOf(ctx, input.contactId, input.vouchedEmails);
  if (!pending.some((p) => p.id === input.invitationId))
    throw new AppError('not-found', 'No open invitation with this id is addressed to your email address.');
  const row = await ctx.db
    .selectFrom('invitations')
    .select('code_encrypted')
    .where('id', '=', input.invitationId)
    .executeTakeFirst();
  const code = decryptCode(ctx.secrets, row?.code_encrypted ?? '');
  return redeemInvitation(ctx, {
    code,
    contactId: input.contactId,
    client: input.client,
    signInMethod: input.signInMethod,
    vouchedEmails: input.vouchedEmails,
  });
}
