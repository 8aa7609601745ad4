// Queries on portal sessions that other features need without the cookie machinery of sessions.ts:
// ending every session of a contact whose password changed.
import type { Db, Tx } from '../db/types.ts';

/** Ends every portal session of the contact (signs it out everywhere). */
export async function endSessionsOfContact(db: Db | Tx, contactId: string): Promise<void> {
  await db.deleteFrom('sessions').where('contact_id', '=', contactId).execute();
}
