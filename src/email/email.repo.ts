// Queries on email activities, and the guarded status changes of a delivery:
// pending → sending (attempts + 1) → sent | pending (temporary failure) | failed; see delivery.ts.
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/database.ts';
import type { EmailsTable } from '../db/schema.ts';

export type EmailRow = Selectable<EmailsTable>;

export const insertEmail = (tx: Tx, row: EmailRow) => tx.insertInto('emails').values(row).execute();

export const findEmail = (db: Db | Tx, id: string) => db.selectFrom('emails').selectAll().where('id', '=', id).executeTakeFirst();

export function listEmails(
  db: Db,
  q: { limit: number; after?: string | undefined; regardingId?: string | undefined; workflowRunId?: string | undefined; toContactId?: string | undefined; status?: EmailRow['status'] | undefined },
) {
  let query = db.selectFrom('emails').selectAll().orderBy('id').limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.regardingId) query = query.where('regarding_id', '=', q.regardingId);
  if (q.workflowRunId) query = query.where('workflow_run_id', '=', q.workflowRunId);
  if (q.toContactId) query = query.where('to_contact_id', '=', q.toContactId);
  if (q.status) query = query.where('status', '=', q.status);
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
export async function markSent(db: Db, id: string, providerMessageId: string | null, now: string, unknownPrefix: string): Promise<boolean> {
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
