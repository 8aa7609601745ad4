// Queries on saml_assertions: an assertion is accepted once (the primary key decides, not a prior
// read), and its verified identity waits there for the same-site continuation, which takes it once.
import type { Db, Tx } from '../../db/types.ts';
import type { SamlIdentity } from './saml-config.ts';

/** How long the ACS's result waits for the browser to come back with its session cookie. */
export const SAML_HANDOFF_MS = 5 * 60_000;

/**
 * Records the assertion as used and keeps the identity for the continuation. False when this
 * assertion was accepted before (a replay) or the request already has its answer. Rows whose
 * assertions can no longer be accepted anyway are cleared first.
 */
export async function acceptAssertionOnce(
  tx: Tx,
  row: { providerId: string; assertionId: string; requestId: string; identity: SamlIdentity; acceptableUntil: string },
  now: Date,
): Promise<boolean> {
  const nowIso = now.toISOString();
  await tx.deleteFrom('saml_assertions').where('expires_at', '<', nowIso).execute();
  // A guarded insert: a duplicate key (assertion, or request) is the answer, not an error; ON
  // CONFLICT DO NOTHING, since on PostgreSQL a failed statement would abort the transaction.
  const keepUntil = Math.max(Date.parse(row.acceptableUntil), now.getTime() + SAML_HANDOFF_MS);
  const r = await tx
    .insertInto('saml_assertions')
    .values({
      provider_id: row.providerId,
      assertion_id: row.assertionId,
      request_id: row.requestId,
      identity: JSON.stringify(row.identity),
      // Kept while the assertion could be presented again, and at least for the hand-off.
      expires_at: new Date(keepUntil).toISOString(),
      created_at: nowIso,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Takes the identity verified for this request at this provider (once, within SAML_HANDOFF_MS of
 * the ACS), or undefined. The row stays for replay protection until it expires.
 */
export async function takeVerifiedIdentity(
  db: Db | Tx,
  providerId: string,
  requestId: string,
  now: Date,
): Promise<SamlIdentity | undefined> {
  const since = new Date(now.getTime() - SAML_HANDOFF_MS).toISOString();
  const row = await db
    .selectFrom('saml_assertions')
    .select('identity')
    .where('provider_id', '=', providerId)
    .where('request_id', '=', requestId)
    .where('identity', 'is not', null)
    .where('created_at', '>', since)
    .executeTakeFirst();
  if (!row?.identity) return undefined;
  // RETURNING gives the new (null) value, so the read comes first and this guarded write decides
  // which of two racing continuations takes it.
  const taken = await db
    .updateTable('saml_assertions')
    .set({ identity: null })
    .where('provider_id', '=', providerId)
    .where('request_id', '=', requestId)
    .where('identity', 'is not', null)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1 ? (JSON.parse(row.identity) as SamlIdentity) : undefined;
}
