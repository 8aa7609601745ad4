// Queries on external_logins: a contact's identities at external identity providers.
import type { Db, Tx } from '../db/types.ts';

/** Whether the contact can sign in through an identity provider. */
export async function hasExternalLogin(db: Db | Tx, contactId: string): Promise<boolean> {
  return (
    (await db.selectFrom('external_logins').select('id').where('contact_id', '=', contactId).executeTakeFirst()) !==
    undefined
  );
}

/** The contact's external logins with their provider's name, oldest first. */
export function externalLoginsOf(db: Db | Tx, contactId: string) {
  return db
    .selectFrom('external_logins')
    .leftJoin('identity_providers', 'identity_providers.id', 'external_logins.provider_id')
    .select([
      'external_logins.id',
      'external_logins.provider_id',
      'external_logins.subject',
      'external_logins.email',
      'external_logins.created_at',
      'identity_providers.name as provider_name',
      'identity_providers.type as provider_type',
    ])
    .where('external_logins.contact_id', '=', contactId)
    .orderBy('external_logins.id')
    .execute();
}

/** Removes one external login of the contact; false when the contact has no such login. */
export async function deleteExternalLogin(tx: Tx, contactId: string, id: string): Promise<boolean> {
  const r = await tx
    .deleteFrom('external_logins')
    .where('id', '=', id)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The contact an identity at a provider belongs to, if it is linked (provider + subject are unique). */
export const findExternalLogin = (db: Db | Tx, providerId: string, subject: string) =>
  db
    .selectFrom('external_logins')
    .selectAll()
    .where('provider_id', '=', providerId)
    .where('subject', '=', subject)
    .executeTakeFirst();

export async function insertExternalLogin(
  tx: Tx,
  row: {
    id: string;
    contact_id: string;
    provider_id: string;
    subject: string;
    email: string | null;
    created_at: string;
  },
): Promise<void> {
  await tx.insertInto('external_logins').values(row).execute();
}
