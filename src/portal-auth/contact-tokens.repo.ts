// Queries on contact_tokens: the single-use links emailed to a contact (confirm the email address,
// reset the password). Only a keyed hash of each token is kept.
import type { Selectable } from 'kysely';
import type { ContactTokensTable } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';

export type ContactTokenRow = Selectable<ContactTokensTable>;
export type ContactTokenPurpose = ContactTokenRow['purpose'];

export async function insertContactToken(tx: Tx, row: ContactTokenRow): Promise<void> {
  await tx.insertInto('contact_tokens').values(row).execute();
}

export const findContactToken = (tx: Tx, tokenHash: string, purpose: ContactTokenPurpose) =>
  tx
    .selectFrom('contact_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();

/** Marks the token used unless it is already: true for the one use that wins a race. */
export async function markContactTokenUsed(tx: Tx, id: string, now: string): Promise<boolean> {
  const used = await tx
    .updateTable('contact_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** A token read outside a transaction, to learn whose it is (the language of the page it opens). */
export const peekContactToken = (db: Db | Tx, tokenHash: string, purpose: ContactTokenPurpose) =>
  db
    .selectFrom('contact_tokens')
    .select(['contact_id', 'data', 'used_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
