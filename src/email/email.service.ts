// Email activities: queue one in the caller's transaction (with its delivery job), read them back.
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/types.ts';
import { enqueueJob, type JobControl } from '../jobs/jobs.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { decodeCursor, toPage, type Page } from '../shared/pagination.ts';
import type { EmailActivity, EmailListQuery } from './email.schema.ts';
import * as repo from './email.repo.ts';
import type { EmailRow } from './email.repo.ts';

export type { EmailRow } from './email.repo.ts';

/** The job type that delivers one email; its payload is `{ emailId }`. */
export const DELIVER_EMAIL_JOB = 'deliver-email';
/** Attempts of a delivery job; with the default back-off (10 s doubling, capped at 1 h) about 4.5 hours. */
export const DELIVER_EMAIL_MAX_ATTEMPTS = 12;

export interface QueueEmailInput {
  toContactId?: string | null;
  toAddress: string;
  /** An address, optionally with a display name: `"Ann Berg" <ann@example.com>`. */
  fromAddress: string;
  subject: string;
  html: string;
  text: string;
  regardingType?: string | null;
  regardingId?: string | null;
  workflowRunId?: string | null;
  /** The job whose work this email continues: it is delivered right after that job (see EnqueueJobInput.followUpOf). */
  followUpOf?: JobControl | undefined;
}

/**
 * A stable RFC 5322 Message-ID: the same on every attempt, so the receiving side can tell repeats.
 * Made of the email's own id (a UUIDv7: unique, and in creation order, so that the unique index on
 * message_id grows at its end instead of taking a write on a random page for every email).
 */
export const messageIdOf = (emailId: string): string => `<${emailId}@portal-invitations>`;

export const toEmailActivity = (r: EmailRow): EmailActivity => ({
  id: r.id,
  toContactId: r.to_contact_id,
  to: r.to_address,
  from: r.from_address,
  subject: r.subject,
  html: r.html,
  text: r.text,
  status: r.status,
  attempts: r.attempts,
  messageId: r.message_id,
  providerMessageId: r.provider_message_id,
  lastError: r.last_error,
  regardingType: r.regarding_type,
  regardingId: r.regarding_id,
  workflowRunId: r.workflow_run_id,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

const HEADER_BREAK = /[\r\n]/;

/**
 * Records an email activity (status `pending`) and enqueues its delivery, both in `tx`: a change
 * that rolls back leaves neither. Once it commits, this process's workers start the delivery at once.
 */
export async function queueEmail(tx: Tx, input: QueueEmailInput): Promise<EmailRow> {
  if (!input.toAddress.trim() || HEADER_BREAK.test(input.toAddress))
    throw validationFailed('to', 'must be one email address');
  if (!input.fromAddress.trim() || HEADER_BREAK.test(input.fromAddress))
    throw validationFailed('from', 'must be one email address');
  const now = nowIso();
  const id = newId();
  const row: EmailRow = {
    id,
    to_contact_id: input.toContactId ?? null,
    to_address: input.toAddress.trim(),
    from_address: input.fromAddress.trim(),
    // A subject is one header line.
    subject: input.subject.replace(/[\r\n]+/g, ' '),
    html: input.html,
    text: input.text,
    status: 'pending',
    attempts: 0,
    message_id: messageIdOf(id),
    provider_message_id: null,
    last_error: null,
    regarding_type: input.regardingType ?? null,
    regarding_id: input.regardingId ?? null,
    workflow_run_id: input.workflowRunId ?? null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  };
  await repo.insertEmail(tx, row);
  await enqueueJob(tx, {
    type: DELIVER_EMAIL_JOB,
    payload: { emailId: row.id },
    maxAttempts: DELIVER_EMAIL_MAX_ATTEMPTS,
    followUpOf: input.followUpOf,
  });
  return row;
}

export async function getEmail(ctx: AppContext, id: string): Promise<EmailActivity> {
  const row = await repo.findEmail(ctx.db, id);
  if (!row) throw notFound('The email');
  return toEmailActivity(row);
}

export async function listEmails(ctx: AppContext, q: EmailListQuery): Promise<Page<EmailActivity>> {
  const rows = await repo.listEmails(ctx.db, {
    limit: q.limit,
    after: decodeCursor(q.cursor),
    regardingId: q.regardingId,
    workflowRunId: q.workflowRunId,
    toContactId: q.toContactId,
    status: q.status,
  });
  return toPage(rows, q.limit, toEmailActivity);
}
