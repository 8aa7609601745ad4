// Queries on external_logins: a contact's identities at external identity providers.
import type { Db, Tx } from '../db/types.ts';

/** Whether the contact can sign in through an identity provider. */
export async function hasExternalLogin(db: Db | Tx, contactId: string): Promise<boolean> {
  return (
    (await db.selectFrom('external_logins').select('id').where('contact_id', '=', contactId).executeTakeFirst()) !==
    undefined
  );
}
