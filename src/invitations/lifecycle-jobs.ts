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
import { claimReminder, dueReminders } from './reminders.repo.ts';

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

/**
 * Sends the reminders due by `now`: rendered with the "Invitation reminder" templates (workflow
 * `send-invitation-reminder`; while it is deactivated for editing, due reminders wait) to each
 * invited contact's emailaddress1, never after redemption, deactivation, decline or expiry.
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
  for (const due of await dueReminders(ctx.db, now, options.limit ?? 500)) {
    // Rendered before the transaction (reads of their own); the transaction checks again and claims.
    let plan: Awaited<ReturnType<typeof planInvitationEmails>> | null = null;
    let code = '';
    try {
      const invitation = await getInvitation(ctx, due.invitation_id);
      const e = await invitationEmailContext(ctx, invitation, 'real');
      code = e.code;
      plan = await planInvitationEmails(ctx, templates, e);
    } catch (err) {
      if (!(err instanceof InvitationNotSendable) && !(err instanceof Error && /not found/i.test(err.message)))
        throw err;
    }
    const outcome = await ctx.db.transaction().execute(async (tx) => {
      const inv = await repo.lockInvitation(tx, ctx.dialect, due.invitation_id);
      if (!plan || plan.emails.length === 0 || !isOpen(inv, now)) {
        return (await claimReminder(tx, due.id, 'skipped', now)) ? 'skipped' : 'taken';
      }
      // The guarded claim decides: another process that took this reminder first leaves it alone.
      if (!(await claimReminder(tx, due.id, 'sent', now))) return 'taken';
      for (const m of plan.emails)
        await queueEmail(tx, {
          toContactId: m.contactId,
          toAddress: m.to,
          fromAddress: m.from,
          subject: m.rendered.subject,
          html: m.rendered.html,
          text: m.rendered.text,
          secrets: { values: [code, encodeURIComponent(code), normalizeCode(code)], box: ctx.secrets },
          regardingType: 'invitation',
          regardingId: due.invitation_id,
        });
      return 'sent';
    });
    if (outcome === 'sent') counts.sent++;
    else if (outcome === 'skipped') counts.skipped++;
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
