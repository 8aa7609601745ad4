// The Send Invitation step (`send-invitation`): emails the invitation to each invited contact in
// their language and sets it to sent, guarded so that a deactivated, redeemed or expired invitation
// is never sent. Invitation workflows only.
import { normalizeCode } from '../../invitations/codes.ts';
import { queueEmail } from '../../email/email.service.ts';
import { markInvitationSent } from '../../invitations/invitations.repo.ts';
import { planReminders } from '../../invitations/reminders.repo.ts';
import { nowIso } from '../../shared/time.ts';
import { invitationEmailContext, InvitationNotSendable, planInvitationEmails, refusalOf } from '../workflow-emails.ts';
import * as repo from '../workflows.repo.ts';
import { StepFailure, type StepDefinition, type StepOf } from './step.ts';
import { recordLifecycleEvent } from '../../lifecycle-events/lifecycle-events.ts';
import { invitationData } from '../../lifecycle-events/event-data.ts';

export const sendInvitationStep: StepDefinition<StepOf<'send-invitation'>> = {
  check(_step, checks) {
    if (checks.primaryEntity !== 'invitation')
      checks.problem('type', 'send-invitation needs a workflow whose primary record is the invitation');
  },

  async describe(_step, { ctx, record, templates }) {
    if (record.entity !== 'invitation') return { wouldDo: 'Would fail: send-invitation runs on invitations only.' };
    const invitation = record.invitation;
    const refusal = refusalOf(invitation);
    if (refusal) return { wouldDo: `Would refuse to send: ${refusal}` };
    try {
      const plan = await planInvitationEmails(
        ctx,
        templates,
        await invitationEmailContext(ctx, invitation, 'stand-in'),
      );
      const to = plan.emails.map((m) => `${m.to} (${m.locale})`);
      return {
        wouldDo:
          plan.emails.length > 0
            ? `Would email the invitation to ${to.join(', ')} and set it to sent.`
            : 'Would send nothing: no invited contact has a primary email address.',
        detail: {
          emails: plan.emails.map((m) => ({
            contactId: m.contactId,
            to: m.to,
            from: m.from,
            locale: m.locale,
            subject: m.rendered.subject,
          })),
          skipped: plan.skipped,
        },
      };
    } catch (err) {
      if (err instanceof InvitationNotSendable) return { wouldDo: `Would refuse to send: ${err.message}` };
      throw err;
    }
  },

  async run(_step, run) {
    const { ctx, record } = run;
    if (record.entity !== 'invitation') throw new StepFailure('send-invitation runs on invitations only.', false);
    const invitation = record.invitation;
    const refusal = refusalOf(invitation);
    if (refusal) throw new StepFailure(`Not sent: ${refusal}`, false);
    let plan: Awaited<ReturnType<typeof planInvitationEmails>>;
    let code: string;
    try {
      const e = await invitationEmailContext(ctx, invitation, 'real');
      code = e.code;
      plan = await planInvitationEmails(ctx, await repo.templatesOf(ctx.db, run.workflow.id), e);
    } catch (err) {
      if (err instanceof InvitationNotSendable) throw new StepFailure(`Not sent: ${err.message}`, false);
      if (err instanceof Error && /liquid|render/i.test(err.name + err.message))
        throw new StepFailure(`The template could not be rendered: ${err.message}`, false);
      throw err;
    }
    const skipped = plan.skipped.map((s) => ({ contactId: s.contactId, status: 'skipped' as const, reason: s.reason }));
    if (plan.emails.length === 0) {
      const reason =
        invitation.invitedContactIds.length === 0
          ? 'The invitation has no invited contacts; nothing was sent.'
          : 'No invited contact has a primary email address (emailaddress1); nothing was sent.';
      await run.commit('skipped', { invitationId: invitation.id, recipients: skipped, reason });
      return;
    }
    const recipients: Array<Record<string, unknown>> = [];
    await run.commit('succeeded', { invitationId: invitation.id, recipients }, async (tx) => {
      const sentAt = nowIso();
      if (!(await markInvitationSent(tx, invitation.id, sentAt)))
        throw new StepFailure('Not sent: the invitation was deactivated, redeemed or expired meanwhile.', false);
      // Its reminders count from this sending (and its expiry as it stands now).
      await planReminders(
        tx,
        {
          id: invitation.id,
          sent_at: sentAt,
          expires_at: invitation.expiresAt,
          reminder_schedule: invitation.reminderSchedule,
        },
        sentAt,
      );
      recipients.length = 0;
      for (const m of plan.emails) {
        const email = await queueEmail(tx, {
          toContactId: m.contactId,
          toAddress: m.to,
          fromAddress: m.from,
          subject: m.rendered.subject,
          html: m.rendered.html,
          text: m.rendered.text,
          // The code, as written and as it stands in the link: kept sealed until delivery.
          secrets: { values: [code, encodeURIComponent(code), normalizeCode(code)], box: ctx.secrets },
          regardingType: 'invitation',
          regardingId: invitation.id,
          workflowRunId: run.run.id,
          // Delivered by this worker right after the run, not behind every run queued meanwhile.
          followUpOf: run.control,
        });
        recipients.push({
          contactId: m.contactId,
          to: m.to,
          locale: m.locale,
          templateId: m.templateId,
          status: 'queued',
          emailId: email.id,
        });
      }
      recipients.push(...skipped);
      await recordLifecycleEvent(tx, 'invitation.sent', {
        ...invitationData({ ...invitation, status: 'sent' }),
        contactIds: plan.emails.map((m) => m.contactId),
      });
    });
  },
};
