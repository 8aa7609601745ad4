// Queries on email activities, and the guarded status changes of a delivery:
// pending → sending (attempts + 1) → sent | pending (temporary failure) | failed | unknown; see delivery.ts.
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/types.ts';
import type { EmailBodiesTable, EmailsTable } from '../db/schema.ts';
import { byId, coalesced } from '../db/coalesce.ts';
import { prepared } from '../db/prepared.ts';

/** An email with its bodies (kept in `email_bodies`, apart from the delivery state that changes). */
export type EmailRow = Selectable<EmailsTable> & Pick<EmailBodiesTable, 'html' | 'text'>;

// Every email is inserted once and changes state two or three times: compiled once (see db/prepared.ts).
const EMAIL_COLUMNS = [
  'id',
  'to_contact_id',
  'to_address',
  'from_address',
  'subject',
  'status',
  'attempts',
  'message_id',
  'provider_message_id',
  'last_error',
  'regarding_type',
  'regarding_id',
  'workflow_run_id',
  'created_at',
  'updated_at',
  'sent_at',
  'sealed_secrets',
] as const;
const insertEmailRow = prepared(EMAIL_COLUMNS, (db, p) =>
  db.insertInto('emails').values(Object.fromEntries(EMAIL_COLUMNS.map((c) => [c, p(c)])) as never),
);
const insertBodies = prepared(['id', 'html', 'text'], (db, p) =>
  db.insertInto('email_bodies').values({ email_id: p('id'), html: p('html'), text: p('text') }),
);

export async function insertEmail(tx: Tx, row: EmailRow): Promise<void> {
  await insertEmailRow.affected(tx, row);
  await insertBodies.affected(tx, row);
}

const withBodies = (db: Db | Tx) =>
  db
    .selectFrom('emails')
    .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
    .selectAll('emails')
    .select(['email_bodies.html', 'email_bodies.text']);

/** An email by id; lookups of the same turn share one query (see db/coalesce.ts). */
export const findEmail = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId<EmailRow>(await withBodies(db).where('emails.id', 'in', ids).execute()),
);

export function listEmails(
  db: Db,
  q: {
    limit: number;
    after?: string | undefined;
    regardingId?: string | undefined;
    workflowRunId?: string | undefined;
    toContactId?: string | undefined;
    status?: EmailRow['status'] | undefined;
    /** Newest first (the back office's Sent mail); the cursor then continues towards older ones. */
    newestFirst?: boolean | undefined;
  },
) {
  let query = withBodies(db)
    .orderBy('emails.id', q.newestFirst ? 'desc' : 'asc')
    .limit(q.limit + 1);
  if (q.after) query = query.where('emails.id', q.newestFirst ? '<' : '>', q.after);
  if (q.regardingId) query = query.where('emails.regarding_id', '=', q.regardingId);
  if (q.workflowRunId) query = query.where('emails.workflow_run_id', '=', q.workflowRunId);
  if (q.toContactId) query = query.where('emails.to_contact_id', '=', q.toContactId);
  if (q.status) query = query.where('emails.status', '=', q.status);
  return query.execute();
}

const changed = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows) > 0;

/** pending → sending, counting the attempt; false when the email was not pending. */
const toSending = prepared(['id', 'now'], (db, p) =>
  db
    .updateTable('emails')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: p('now') }))
    .where('id', '=', p('id'))
    .where('status', '=', 'pending'),
);
export async function claimForSending(db: Db, id: string, now: string): Promise<boolean> {
  return (await toSending.affected(db, { id, now })) > 0;
}

/**
 * sending → sent. Also from `unknown`: that status was a guess ("the server may have it") and a
 * late answer of the server is the truth.
 */
const toSent = prepared(['id', 'providerMessageId', 'now'], (db, p) =>
  db
    .updateTable('emails')
    .set({
      status: 'sent',
      provider_message_id: p('providerMessageId'),
      sent_at: p('now'),
      last_error: null,
      updated_at: p('now'),
      // Delivered: its secrets are not needed any more.
      sealed_secrets: null,
    })
    .where('id', '=', p('id'))
    .where('status', 'in', ['sending', 'unknown']),
);
export async function markSent(
  db: Db | Tx,
  id: string,
  providerMessageId: string | null,
  now: string,
): Promise<boolean> {
  return (await toSent.affected(db, { id, providerMessageId, now })) > 0;
}

/** An attempt that failed before anything was handed over: counted, and the email stays pending or fails. */
export async function recordFailedAttempt(
  db: Db,
  id: string,
  error: string,
  now: string,
  to: 'pending' | 'failed',
): Promise<boolean> {
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

export async function markFailed(
  db: Db,
  id: string,
  from: EmailRow['status'],
  error: string,
  now: string,
): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set({ status: 'failed', last_error: error, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirstOrThrow(),
  );
}

/** sending → unknown: the server may or may not have taken the message; never retried by itself. */
export async function markUnknown(db: Db, id: string, error: string, now: string): Promise<boolean> {
  return changed(
    await db
      .updateTable('emails')
      .set({ status: 'unknown', last_error: error, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .executeTakeFirstOrThrow(),
  );
}

/**
 * → bounced with the remote reason: a DSN came back for a message the server took (or may have).
 * False when the email is already bounced or was never handed over.
 */
export async function markBounced(tx: Tx, id: string, reason: string, now: string): Promise<boolean> {
  return changed(
    await tx
      .updateTable('emails')
      .set({ status: 'bounced', last_error: reason, updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', ['sent', 'sending', 'unknown', 'failed'])
      .executeTakeFirstOrThrow(),
  );
}

/** The statuses staff may send again by hand. */
export const RESENDABLE_STATUSES = ['unknown', 'failed', 'bounced'] as const satisfies readonly EmailRow['status'][];

/** unknown | failed → pending again (same Message-ID), for a resend by staff; false when it is in another state. */
export async function markForResend(tx: Tx, id: string, now: string): Promise<boolean> {
  return changed(
    await tx
      .updateTable('emails')
      .set({ status: 'pending', updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', [...RESENDABLE_STATUSES])
      .executeTakeFirstOrThrow(),
  );
}

/** How many emails are in each status (for /metrics). */
export async function countByStatus(db: Db): Promise<Array<{ status: EmailRow['status']; n: number }>> {
  const rows = await db
    .selectFrom('emails')
    .select((eb) => ['status', eb.fn.countAll<string | number>().as('n')])
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}
