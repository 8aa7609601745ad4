// The `data` of lifecycle events, built the same way wherever they are recorded (see event-payloads.ts).
import type { ContactRow, InvitationRow } from '../db/schema.ts';
import type { Tx } from '../db/types.ts';
import { findContact } from '../contacts/contacts.repo.ts';

export const contactData = (r: ContactRow) => ({
  id: r.id,
  firstName: r.first_name,
  lastName: r.last_name,
  emailaddress1: r.emailaddress1,
  parentAccountId: r.parent_account_id,
});

export const invitationData = (r: Pick<InvitationRow, 'id' | 'name' | 'type' | 'status'>) => ({
  invitationId: r.id,
  name: r.name,
  type: r.type,
  status: r.status,
});

/** invitation.redeemed: the invitation, the contact as it is after the redemption, the redemption. */
export async function redeemedData(
  tx: Tx,
  inv: Pick<InvitationRow, 'id' | 'name' | 'type'>,
  contactId: string,
  redemptionId: string,
  redeemedAt: string,
) {
  const contact = await findContact(tx, contactId);
  return {
    ...invitationData({ ...inv, status: 'redeemed' }),
    contactId,
    redemptionId,
    contact: contact ? contactData(contact) : null,
    redemption: { id: redemptionId, redeemedAt },
  };
}

/** email.*: which email, about what, its outcome. */
export const emailData = (
  r: { id: string; to_contact_id: string | null; regarding_type: string | null; regarding_id: string | null },
  status: 'sent' | 'failed' | 'unknown' | 'bounced',
  reason: string | null,
) => ({
  emailId: r.id,
  toContactId: r.to_contact_id,
  regardingType: r.regarding_type,
  regardingId: r.regarding_id,
  status,
  reason,
});
