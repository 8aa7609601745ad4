// Email activities: queue one in the caller's transaction (with its delivery job), read them back.
import type { Actor, AppContext } from '../context.ts';
import { writeTransaction } from '../db/group-commit.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import type { Tx } from '../db/types.ts';
import { enqueueJob, type JobControl } from '../jobs/jobs.ts';
import { conflict, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { decodeCursor, toPage, type Page } from '../shared/pagination.ts';
import type { EmailActivity, EmailListQuery } from './email.schema.ts';
import type { Secrets } from '../shared/crypto.ts';
import { hasMaskedSecrets, maskSecrets, sealSecrets } from './email-secrets.ts';
import * as repo from './email.repo.ts';
import { markEmailUndeliverable } from '../contacts/contacts.repo.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { emailData } from '../lifecycle-events/event-data.ts';
import { systemActor } from '../context.ts';
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
  /**
   * Secrets that occur in the subject or bodies (an invitation code, a link's token): stored only
   * encrypted and only until delivery; staff see them masked.
   */
  secrets?: { values: readonly string[]; box: Secrets } | undefined;
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
  subject: maskSecrets(r.subject),
  html: maskSecrets(r.html),
  text: maskSecrets(r.text),
  secretsMasked: hasMaskedSecrets(r.subject) || hasMaskedSecrets(r.html) || hasMaskedSecrets(r.text),
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
  // A subject is one header line.
  const parts = { subject: input.subject.replace(/[\r\n]+/g, ' '), html: input.html, text: input.text };
  const sealed = input.secrets
    ? sealSecrets(parts, input.secrets.values, input.secrets.box)
    : { ...parts, sealed: null };
  const row: EmailRow = {
    id,
    to_contact_id: input.toContactId ?? null,
    to_address: input.toAddress.trim(),
    from_address: input.fromAddress.trim(),
    subject: sealed.subject,
    html: sealed.html,
    text: sealed.text,
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
    sealed_secrets: sealed.sealed,
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

/**
 * The email activities, oldest first as the API lists them; `newestFirst` (the back office's Sent
 * mail, not an API parameter) turns the order, and its cursors continue towards older ones.
 */
export async function listEmails(
  ctx: AppContext,
  q: EmailListQuery & { newestFirst?: boolean },
): Promise<Page<EmailActivity>> {
  const rows = await repo.listEmails(ctx.db, {
    newestFirst: q.newestFirst,
    limit: q.limit,
    after: decodeCursor(q.cursor),
    regardingId: q.regardingId,
    workflowRunId: q.workflowRunId,
    toContactId: q.toContactId,
    status: q.status,
  });
  return toPage(rows, q.limit, toEmailActivity);
}

/** Whether staff may send an email in this status again (the one rule resendEmail applies). */
export const canResend = (status: EmailActivity['status']): boolean =>
  (repo.RESENDABLE_STATUSES as readonly string[]).includes(status);

/**
 * Staff send an `unknown` or `failed` email again: it goes back to `pending` with a new delivery
 * job, keeping its Message-ID (a receiving side that drops repeats by Message-ID shows it once).
 * Audited. Any other status is a 409 with the reason.
 */
export async function resendEmail(ctx: AppContext, actor: Actor, id: string): Promise<EmailActivity> {
  const before = await repo.findEmail(ctx.db, id);
  if (!before) throw notFound('The email');
  await writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    if (!(await repo.markForResend(tx, id, nowIso())))
      throw conflict(
        `The email is ${(await repo.findEmail(tx, id))?.status ?? before.status}; only an email whose delivery is unknown, failed or bounced can be sent again.`,
      );
    await enqueueJob(tx, {
      type: DELIVER_EMAIL_JOB,
      payload: { emailId: id },
      maxAttempts: DELIVER_EMAIL_MAX_ATTEMPTS,
    });
    await writeAudit(tx, {
      actor,
      action: 'resend',
      recordType: 'email',
      recordId: id,
      details: { previousStatus: before.status, messageId: before.message_id },
    });
  });
  const after = await repo.findEmail(ctx.db, id);
  if (!after) throw notFound('The email');
  return toEmailActivity(after);
}

/**
 * A delivery status notification for `emailId` (email/bounces.ts): the email becomes `bounced` with
 * the reason; a hard bounce marks its contact's emailaddress1 undeliverable while it is still the
 * address the email went to; the email.bounced event fires. All in one transaction; a repeated DSN
 * changes nothing. Answers whether it changed the email.
 */
export async function recordBounce(
  ctx: Pick<AppContext, 'db' | 'dialect'>,
  emailId: string,
  verdict: { hard: boolean; reason: string },
): Promise<boolean> {
  return writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    const email = await repo.findEmail(tx, emailId);
    if (!email || !(await repo.markBounced(tx, emailId, verdict.reason, nowIso()))) return false;
    if (verdict.hard && email.to_contact_id)
      await markEmailUndeliverable(tx, email.to_contact_id, email.to_address, verdict.reason);
    await writeAudit(tx, {
      actor: systemActor,
      action: 'bounce',
      recordType: 'email',
      recordId: emailId,
      details: { hard: verdict.hard, reason: verdict.reason },
    });
    await recordLifecycleEvent(tx, 'email.bounced', {
      ...emailData(email, 'bounced', verdict.reason),
      hard: verdict.hard,
    });
    return true;
  });
}

/** How many email activities are in each status, for /metrics. */
export async function emailCountsByStatus(ctx: Pick<AppContext, 'db'>) {
  return repo.countByStatus(ctx.db);
}
