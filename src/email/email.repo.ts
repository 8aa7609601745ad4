// Queries on email activities, and the guarded status changes of a delivery:
// pending → sending (attempts + 1) → sent | pending (temporary failure) | failed; see delivery.ts.
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import type { EmailBodiesTable, EmailsTable } from '../db/schema.ts';
import { byId, coalesced } from '../db/coalesce.ts';

/** An email with its bodies (kept in `email_bodies`, apart from the delivery state that changes). */
export type EmailRow = Selectable<EmailsTable> & Pick<EmailBodiesTable, 'html' | 'text'>;

export async function insertEmail(tx: Tx, row: EmailRow): Promise<void> {
  const { html, text, ...email } = row;
  await tx.insertInto('emails').values(email).execute();
  await tx.insertInto('email_bodies').values({ email_id: row.id, html, text }).execute();
}

const withBodies = (db: Db | Tx) => db.selectFrom('emails').innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id').selectAll('emails').select(['email_bodies.html', 'email_bodies.text']);

/** An email by id; lookups of the same turn share one query (see db/coalesce.ts). */
export const findEmail = coalesced(async (db: Db | Tx, ids: string[]) => byId<EmailRow>(await withBodies(db).where('emails.id', 'in', ids).execute()));

export function listEmails(
  db: Db,
  q: { limit: number; after?: string | undefined; regardingId?: string | undefined; workflowRunId?: string | undefined; toContactId?: string | undefined; status?: EmailRow['status'] | undefined },
) {
  let query = withBodies(db).orderBy('emails.id').limit(q.limit + 1);
  if (q.after) query = query.where('emails.id', '>', q.after);
  if (q.regardingId) query = query.where('emails.regarding_id', '=', q.regardingId);
  if (q.workflowRunId) query = query.where('emails.workflow_run_id', '=', q.workflowRunId);
  if (q.toContactId) query = query.where('emails.to_contact_id', '=', q.toContactId);
  if (q.status) query = query.where('emails.status', '=', q.status);
  return query.execute();
}

const changed = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows) > 0;

/** pending → sending, counting the attempt; false when the email was not pending. */
export async function claimForSending(db: Db, id: string, now: string): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
  );
}

/**
 * sending → sent. Also from a `failed` whose error starts with `unknownPrefix`: that failure was
 * a guess ("the server may have it") and the server's answer is the truth.
 */
export async function markSent(db: Db | Tx, id: string, providerMessageId: string | null, now: string, unknownPrefix: string): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set({ status: 'sent', provider_message_id: providerMessageId, sent_at: now, last_error: null, updated_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', '=', 'sending'), eb.and([eb('status', '=', 'failed'), eb('last_error', 'like', `${unknownPrefix}%`)])]))
      .executeTakeFirstOrThrow(),
  );
}

/** An attempt that failed before anything was handed over: counted, and the email stays pending or fails. */
export async function recordFailedAttempt(db: Db, id: string, error: string, now: string, to: 'pending' | 'failed'): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set((eb) => ({ status: to, attempts: eb('attempts', '+', 1), last_error: error, updated_at: now }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
  );
}

/** sending → pending after a failure the server gave for sure (nothing was accepted). */
export async function markPendingAgain(db: Db, id: string, error: string, now: string): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set({ status: 'pending', last_error: error, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .executeTakeFirstOrThrow(),
  );
}

export async function markFailed(db: Db, id: string, from: EmailRow['status'], error: string, now: string): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set({ status: 'failed', last_error: error, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirstOrThrow(),
  );
}
