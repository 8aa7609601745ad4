// The invitation lifecycle's scheduled work (run by jobs/scheduled.ts on every worker process):
// due reminders sent, and invitations that expired unredeemed swept to `expired` with their notice
// and event. Each item is claimed with a guarded update inside the transaction that does its work,
// so any number of processes can run these at once and each reminder or notice goes exactly once.
// `now` is a parameter: tests move the clock.
import type { AppContext } from '../context.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { queueEmail } from '../email/email.service.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { REMINDER_WORKFLOW_KEY } from '../db/migrations/0012_invitation_lifecycle.ts';
import { invitationEmailContext, InvitationNotSendable, planInvitationEmails } from '../workflows/workflow-emails.ts';
import { templatesOf } from '../workflows/workflows.repo.ts';
import { normalizeCode } from './codes.ts';
import { getInvitation } from './invitations.service.ts';
import * as repo from './invitations.repo.ts';
import { queueInvitationNotices } from './notices.ts';
import { claimReminders, dueReminders } from './reminders.repo.ts';
import { BACKGROUND, writeTransaction } from '../db/group-commit.ts';

export interface SweepOptions {
  now?: Date;
  /** Items handled in one call (the next tick takes the rest). */
  limit?: number;
}

const isOpen = (
  inv: { status: string; expires_at: string | null; type: string; redemption_count: number } | undefined,
  now: string,
) =>
  inv !== undefined &&
  (inv.status === 'new' || inv.status === 'sent') &&
  (inv.expires_at === null || inv.expires_at > now) &&
  !(inv.type === 'single' && inv.redemption_count >= 1);

/** Reminders claimed in one transaction (one guarded statement) with their emails and jobs. */
export const REMINDER_BATCH = 100;
/** Reminders rendered at once before their batch's transaction (PostgreSQL's pool serves them). */
const RENDER_CONCURRENCY = 8;

type ReminderPlan = { plan: Awaited<ReturnType<typeof planInvitationEmails>>; code: string } | null;

/** The reminder's emails, rendered outside any transaction (reads of their own); null: nothing to send. */
async function renderReminder(
  ctx: AppContext,
  templates: Awaited<ReturnType<typeof templatesOf>>,
  invitationId: string,
): Promise<ReminderPlan> {
  try {
    const invitation = await getInvitation(ctx, invitationId);
    const e = await invitationEmailContext(ctx, invitation, 'real');
    return { plan: await planInvitationEmails(ctx, templates, e), code: e.code };
  } catch (err) {
    if (err instanceof InvitationNotSendable || (err instanceof Error && /not found/i.test(err.message))) return null;
    throw err;
  }
}

/**
 * Sends the reminders due by `now`: rendered with the "Invitation reminder" templates (workflow
 * `send-invitation-reminder`; while it is deactivated for editing, due reminders wait) to each
 * invited contact's emailaddress1, never after redemption, deactivation, decline or expiry.
 * In batches of REMINDER_BATCH: found through the due index, rendered, then one transaction locks
 * their invitations (skipping those another transaction holds), claims the batch with one guarded
 * statement and queues the emails with their jobs. A batch that claims nothing ends the call (other
 * processes hold the rest; the next tick looks again).
 */
export async function sendDueReminders(
  ctx: AppContext,
  options: SweepOptions = {},
): Promise<{ sent: number; skipped: number }> {
  const now = (options.now ?? new Date()).toISOString();
  const counts = { sent: 0, skipped: 0 };
  const wf = await ctx.db
    .selectFrom('workflows')
    .select(['id', 'state'])
    .where('key', '=', REMINDER_WORKFLOW_KEY)
    .executeTakeFirst();
  if (wf?.state !== 'activated') return counts;
  const templates = await templatesOf(ctx.db, wf.id);
  let left = options.limit ?? 500;
  while (left > 0) {
    const due = await dueReminders(ctx.db, now, Math.min(REMINDER_BATCH, left));
    if (due.length === 0) break;
    left -= due.length;
    const invitationIds = [...new Set(due.map((d) => d.invitation_id))];
    const plans = new Map<string, ReminderPlan>();
    for (let i = 0; i < invitationIds.length; i += RENDER_CONCURRENCY)
      await Promise.all(
        invitationIds
          .slice(i, i + RENDER_CONCURRENCY)
          .map(async (id) => plans.set(id, await renderReminder(ctx, templates, id))),
      );
    const claimed = await writeTransaction(
      ctx.db,
      ctx.dialect,
      async (tx) => {
        // The invitations first (the order every change of an invitation takes), then the claim.
        const locked = new Map((await repo.lockFreeInvitations(tx, ctx.dialect, invitationIds)).map((i) => [i.id, i]));
        const mine = due.filter((d) => locked.has(d.invitation_id));
        const sending = new Set(
          mine
            .filter(
              (d) =>
                isOpen(locked.get(d.invitation_id), now) && (plans.get(d.invitation_id)?.plan.emails.length ?? 0) > 0,
            )
            .map((d) => d.id),
        );
        const rows = await claimReminders(
          tx,
          mine.map((d) => d.id),
          sending,
          now,
        );
        const invitationOf = new Map(mine.map((d) => [d.id, d.invitation_id]));
        for (const r of rows) {
          if (r.status !== 'sent') continue;
          const invitationId = invitationOf.get(r.id) as string;
          const p = plans.get(invitationId) as NonNullable<ReminderPlan>;
          for (const m of p.plan.emails)
            await queueEmail(tx, {
              toContactId: m.contactId,
              toAddress: m.to,
              fromAddress: m.from,
              subject: m.rendered.subject,
              html: m.rendered.html,
              text: m.rendered.text,
              secrets: { values: [p.code, encodeURIComponent(p.code), normalizeCode(p.code)], box: ctx.secrets },
              regardingType: 'invitation',
              regardingId: invitationId,
            });
        }
        return rows;
      },
      BACKGROUND,
    );
    for (const r of claimed) counts[r.status]++;
    if (claimed.length === 0) break;
  }
  return counts;
}

/**
 * Sweeps invitations still new or sent whose expiry has passed to `expired` (the index
 * invitations_status_expires finds them), each with the short notice to its owner and inviter and
 * the `invitation.expired` event, in one transaction: once, however many processes sweep.
 */
export async function sweepExpiredInvitations(ctx: AppContext, options: SweepOptions = {}): Promise<number> {
  const now = (options.now ?? new Date()).toISOString();
  const rows = await ctx.db
    .selectFrom('invitations')
    .select('id')
    .where('status', 'in', ['new', 'sent'])
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(options.limit ?? 500)
    .execute();
  let swept = 0;
  for (const { id } of rows) {
    const done = await ctx.db.transaction().execute(async (tx) => {
      const claimed = await tx
        .updateTable('invitations')
        .set({ status: 'expired', updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', ['new', 'sent'])
        .where('expires_at', '<=', now)
        .returning(['id', 'name', 'owner_id', 'inviter_contact_id', 'expires_at', 'redemption_count'])
        .executeTakeFirst();
      if (!claimed) return false;
      await queueInvitationNotices(ctx, tx, 'expired', claimed);
      await writeAudit(tx, {
        actor: { type: 'system', id: null },
        action: 'expire',
        recordType: 'invitation',
        recordId: id,
        details: { expiresAt: claimed.expires_at },
      });
      await recordLifecycleEvent(tx, 'invitation.expired', {
        invitationId: id,
        expiresAt: claimed.expires_at,
        redemptionCount: claimed.redemption_count,
      });
      return true;
    });
    if (done) swept++;
  }
  return swept;
}
