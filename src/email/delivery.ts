// Delivers email activities: the `deliver-email` job handler.
//
// The email's status changes around each hand-over, so that a retry or a restart never sends
// again a message the server accepted:
//
//   pending ──(right before the point of no return: the final "." of SMTP DATA, or writing the
//              .eml)──▶ sending (attempts + 1) ──(server said 250)──▶ sent
//   sending ──(4xx reply: the server answered, and refused)──▶ pending, retried with back-off
//   sending ──(5xx reply)──▶ failed, with the server's reply; the job fails at once
//   sending ──(no reply: the connection broke or timed out)──▶ unknown (see below)
//   pending ──(failure before the point of no return)──▶ pending (attempts + 1), retried
//
// A row found in `sent`, `failed` or `unknown` is left alone, so a second run of the job does nothing.
//
// ONE RULE FOR AN UNKNOWN OUTCOME. SMTP leaves one moment open: after the final "." the server may
// or may not have taken the message when the connection breaks, times out, or our process dies
// before its answer is recorded. SMTP offers no way to ask a server afterwards, so the choice is
// between a possible duplicate and a possibly missing email. Every such case ends the same way:
//   - a dropped connection or a time-out after the hand-over (no reply from the server) marks the
//     email `unknown` with the reason;
//   - a row found in `sending` by a later attempt (the process died, or the database was
//     unreachable at that moment) first asks the transport: the local store knows (the .eml exists
//     or not: it is written atomically), and the SMTP transport knows the outcomes it saw in this
//     process. When it cannot tell, the email is marked `unknown` too.
// An `unknown` email is never sent again by itself; it is counted in /metrics, and staff send it
// again with one call (`POST /api/v1/emails/{id}/resend`, same Message-ID, audited). An operator
// who prefers at-least-once sets `Email/RetryUnknownOutcome` to "true": then these cases go back to
// `pending` and are retried with back-off, with the same Message-ID, so a receiving side that
// drops repeats by Message-ID still shows one. Because `sending` is written only right before the
// final ".", everything that failed earlier (connecting, envelope, body) is still `pending` and is
// simply sent again. A late "sent" from the original attempt (a worker that lost its lease but was
// alive) still wins over `unknown`, since the server did accept it.
import type { AppContext } from '../context.ts';

/** What delivery needs of the app's context (`secrets` for emails that carry sealed secrets). */
type DeliveryContext = Pick<AppContext, 'db' | 'dialect'> & { secrets?: Secrets };
import type { Tx } from '../db/types.ts';
import { PermanentJobError, type JobControl, type JobHandler, type JobHandlers, type JobRow } from '../jobs/jobs.ts';
import { nowIso } from '../shared/time.ts';
import type { Secrets } from '../shared/crypto.ts';
import { unsealSecrets } from './email-secrets.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import * as repo from './email.repo.ts';
import type { EmailRow } from './email.repo.ts';
import { DELIVER_EMAIL_JOB } from './email.service.ts';
import { MailSendError, type MailTransport, type OutgoingEmail, type SendResult } from './transport.ts';
import { autocommit, BACKGROUND, writeTransaction } from '../db/group-commit.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { emailData } from '../lifecycle-events/event-data.ts';

export const OUTCOME_UNKNOWN = 'Delivery outcome unknown';

/** The site setting that turns an unknown outcome into a retry (at-least-once) instead of `unknown`. */
export const RETRY_UNKNOWN_SETTING = 'Email/RetryUnknownOutcome';

async function markUnknown(ctx: DeliveryContext, email: EmailRow, message: string, hooks: DeliveryHooks) {
  await writeTransaction(
    ctx.db,
    ctx.dialect,
    async (tx) => {
      if (await repo.markUnknown(tx, email.id, message, nowIso()))
        await recordLifecycleEvent(tx, 'email.unknown', emailData(email, 'unknown', message));
    },
    BACKGROUND,
  );
  await settled(ctx, email.id, hooks);
}

/** → failed with the reason, and the email.failed event with it. */
async function markFailedWith(
  ctx: DeliveryContext,
  email: EmailRow,
  change: (tx: Tx) => Promise<boolean>,
  message: string,
): Promise<void> {
  await writeTransaction(
    ctx.db,
    ctx.dialect,
    async (tx) => {
      if (await change(tx)) await recordLifecycleEvent(tx, 'email.failed', emailData(email, 'failed', message));
    },
    BACKGROUND,
  );
}

export interface DeliverEmailPayload {
  emailId: string;
}

export interface DeliveryHooks {
  /** Called once an email reached `sent`, `failed` or `unknown` (for workflow runs to show the result). */
  onSettled?: (email: EmailRow) => Promise<void> | void;
}

/** The message as it is handed over: its secrets, sealed since it was queued, put back in. */
function toOutgoing(ctx: DeliveryContext, r: EmailRow): OutgoingEmail {
  let parts = { subject: r.subject, html: r.html, text: r.text };
  if (r.sealed_secrets) {
    if (!ctx.secrets) throw new PermanentJobError(`The email ${r.id} carries secrets, and this worker has no key.`);
    parts = unsealSecrets(parts, r.sealed_secrets, ctx.secrets);
  }
  return { id: r.id, messageId: r.message_id, from: r.from_address, to: r.to_address, ...parts };
}

/** Thrown inside the hand-over when the email is no longer ours to send. */
class NotPendingAnymore extends Error {}

async function settled(ctx: DeliveryContext, id: string, hooks: DeliveryHooks): Promise<void> {
  if (!hooks.onSettled) return;
  const row = await repo.findEmail(ctx.db, id);
  if (row && (row.status === 'sent' || row.status === 'failed' || row.status === 'unknown')) await hooks.onSettled(row);
}

/**
 * Records `sent`, trying a few times: the server has the message, losing that fact is costly. The
 * job's own success commits with it when the worker offers that (`control`).
 */
async function recordSent(
  ctx: DeliveryContext,
  email: EmailRow,
  result: SendResult,
  hooks: DeliveryHooks,
  control?: JobControl,
): Promise<void> {
  let marked = false;
  const now = nowIso();
  for (let attempt = 1; ; attempt++) {
    try {
      marked = await writeTransaction(
        ctx.db,
        ctx.dialect,
        async (tx) => {
          const done = await repo.markSent(tx, email.id, result.providerMessageId, now);
          if (done) await recordLifecycleEvent(tx, 'email.sent', emailData(email, 'sent', null));
          await control?.complete(tx);
          return done;
        },
        BACKGROUND,
      );
      break;
    } catch (err) {
      if (attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  // The row as it is now, without reading it back: sent by this attempt.
  if (marked)
    await hooks.onSettled?.({
      ...email,
      status: 'sent',
      provider_message_id: result.providerMessageId,
      sent_at: now,
      last_error: null,
      updated_at: now,
    });
  else await settled(ctx, email.id, hooks);
}

/**
 * Delivers one email activity. `job` (attempts, max_attempts) tells whether this is the last try,
 * after which a temporary failure fails the email too.
 */
export async function deliverEmail(
  ctx: DeliveryContext,
  transport: MailTransport,
  emailId: string,
  job: Pick<JobRow, 'attempts' | 'max_attempts'> = { attempts: 1, max_attempts: 1 },
  hooks: DeliveryHooks = {},
  control?: JobControl,
): Promise<void> {
  const email = await repo.findEmail(ctx.db, emailId);
  if (!email) throw new PermanentJobError(`The email ${emailId} does not exist.`);
  if (email.status === 'sent' || email.status === 'failed' || email.status === 'unknown' || email.status === 'bounced')
    return;
  const outgoing = toOutgoing(ctx, email);

  if (email.status === 'sending') {
    const outcome = await transport.outcomeOf(outgoing);
    if (outcome) {
      await recordSent(ctx, email, outcome, hooks, control);
      return;
    }
    if (outcome === undefined && !(await settingFlag(ctx, RETRY_UNKNOWN_SETTING))) {
      const message = `${OUTCOME_UNKNOWN}: attempt ${email.attempts} stopped after handing the message to the mail server and before its answer was recorded. It was not sent again, so that the recipient never gets it twice; send it again if it did not arrive.`;
      await markUnknown(ctx, email, message, hooks);
      throw new PermanentJobError(message);
    }
    // The transport knows the server did not take it (or the operator chose to retry an unknown
    // outcome): an ordinary retry.
    await autocommit(
      ctx.db,
      ctx.dialect,
      (db) => repo.markPendingAgain(db, emailId, email.last_error ?? 'The previous attempt did not finish.', nowIso()),
      BACKGROUND,
    );
  }

  let handedOver = false;
  let result: SendResult;
  try {
    result = await transport.send(outgoing, async () => {
      if (!(await autocommit(ctx.db, ctx.dialect, (db) => repo.claimForSending(db, emailId, nowIso()), BACKGROUND)))
        throw new NotPendingAnymore();
      handedOver = true;
    });
  } catch (err) {
    // Another run of this email got there first (a duplicate job): it owns the outcome.
    if (err instanceof NotPendingAnymore) return;
    const failure =
      err instanceof MailSendError
        ? err
        : new MailSendError('temporary', err instanceof Error ? err.message : String(err), undefined, { cause: err });
    const from = handedOver ? 'sending' : 'pending';
    const lastTry = job.attempts >= job.max_attempts;
    // Handed over and no reply: the server may have the message, unless the transport knows it
    // does not (the local store: its .eml is written whole or not at all).
    const ambiguous =
      handedOver &&
      failure.kind === 'temporary' &&
      failure.reply === undefined &&
      (await transport.outcomeOf(outgoing)) === undefined;
    if (ambiguous && !(await settingFlag(ctx, RETRY_UNKNOWN_SETTING))) {
      const message = `${OUTCOME_UNKNOWN}: ${failure.message} after the message was handed to the mail server, before its answer. It was not sent again, so that the recipient never gets it twice; send it again if it did not arrive.`;
      await markUnknown(ctx, email, message, hooks);
      throw new PermanentJobError(message, { cause: err });
    }
    if (failure.kind === 'permanent' || lastTry) {
      const message =
        failure.kind === 'permanent'
          ? (failure.reply ?? failure.message)
          : `${failure.message} (gave up after ${job.attempts} attempts)`;
      if (handedOver)
        await markFailedWith(ctx, email, (tx) => repo.markFailed(tx, emailId, from, message, nowIso()), message);
      else
        await markFailedWith(
          ctx,
          email,
          (tx) => repo.recordFailedAttempt(tx, emailId, message, nowIso(), 'failed'),
          message,
        );
      await settled(ctx, emailId, hooks);
      throw new PermanentJobError(message, { cause: err });
    }
    if (handedOver)
      await autocommit(
        ctx.db,
        ctx.dialect,
        (db) => repo.markPendingAgain(db, emailId, failure.message, nowIso()),
        BACKGROUND,
      );
    else
      await autocommit(
        ctx.db,
        ctx.dialect,
        (db) => repo.recordFailedAttempt(db, emailId, failure.message, nowIso(), 'pending'),
        BACKGROUND,
      );
    throw failure;
  }
  // As claimForSending left it.
  await recordSent(ctx, { ...email, status: 'sending', attempts: email.attempts + 1 }, result, hooks, control);
}

/** The `deliver-email` handler (listed in jobs/job-registry.ts); `hooks` learn each email's outcome. */
export function deliverEmailHandler(
  ctx: DeliveryContext,
  transport: MailTransport,
  hooks: DeliveryHooks = {},
): JobHandler<DeliverEmailPayload> {
  return (payload, job, control) => deliverEmail(ctx, transport, payload.emailId, job, hooks, control);
}

/** Email delivery alone, for a worker that runs nothing else: `{ 'deliver-email': … }`. */
export function emailJobHandlers(
  ctx: DeliveryContext,
  transport: MailTransport,
  hooks: DeliveryHooks = {},
): JobHandlers {
  return { [DELIVER_EMAIL_JOB]: deliverEmailHandler(ctx, transport, hooks) };
}
