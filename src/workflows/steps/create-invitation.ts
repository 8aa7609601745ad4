// The create-invitation step: a single invitation for each contact the step acts on, and with
// `send` a Send Invitation run for it (trigger `workflow`) in the same transaction.
import { fullNameOf } from '../../contacts/contacts.service.ts';
import { systemActor } from '../../context.ts';
import { createInvitationInTransaction } from '../../invitations/invitations.service.ts';
import { isoPlus } from '../../shared/time.ts';
import { queueWorkflowRun } from '../workflow-runs.queue.ts';
import * as repo from '../workflows.repo.ts';
import { runOnContacts } from './contact-step.ts';
import { permanentIfAppError, StepFailure, type StepDefinition, type StepOf } from './step.ts';

/** The key of the built-in Send Invitation workflow (see migration 0002). */
export const SEND_INVITATION_KEY = 'send-invitation';

export const createInvitationStep: StepDefinition<StepOf<'create-invitation'>> = {
  check(step, checks) {
    const inv = step.invitation;
    checks.reference('system_users', inv.ownerId, 'invitation.ownerId');
    checks.reference('contacts', inv.inviterContactId, 'invitation.inviterContactId');
    checks.reference('accounts', inv.assignToAccountId, 'invitation.assignToAccountId');
    for (const [i, w] of (inv.webRoleIds ?? []).entries())
      checks.reference('web_roles', w, `invitation.webRoleIds.${i}`);
    if (inv.redeemWorkflowId) checks.workflowReference(inv.redeemWorkflowId, 'invitation.redeemWorkflowId');
    if (inv.binding === 'email-domain' && (inv.allowedDomains ?? []).length === 0)
      checks.problem('invitation.allowedDomains', 'the email-domain binding needs at least one domain');
    if (inv.binding !== 'email-domain' && (inv.allowedDomains ?? []).length > 0)
      checks.problem('invitation.allowedDomains', 'domains go with the email-domain binding only');
    if (inv.maxRedemptions !== undefined && inv.maxRedemptions !== null && inv.maxRedemptions !== 1)
      checks.problem('invitation.maxRedemptions', 'the step creates a single invitation, which is redeemed once');
  },

  async describe(step, { who }) {
    return {
      wouldDo: `Would create a single invitation for ${who}${step.send ? ' and send it with Send Invitation' : ''}.`,
      detail: { invitation: step.invitation, send: step.send ?? false },
    };
  },

  async run(step, run) {
    const { ctx } = run;
    const created: Array<Record<string, unknown>> = [];
    const { expiresInDays, ...settings } = step.invitation;
    await runOnContacts(
      run,
      (contactIds) => ({ contactIds, invitations: created }),
      async (tx, contacts) => {
        created.length = 0;
        let sendWorkflow: { id: string; state: string } | undefined;
        if (step.send) {
          sendWorkflow = await repo.workflowStateByKey(tx, SEND_INVITATION_KEY);
          if (sendWorkflow?.state !== 'activated')
            throw new StepFailure(
              'The Send Invitation workflow is deactivated, so the invitation cannot be sent; activate it first.',
              false,
            );
        }
        for (const c of contacts) {
          const built = await createInvitationInTransaction(ctx, tx, systemActor, {
            ...settings,
            name:
              settings.name ??
              `Invitation for ${fullNameOf({ first_name: c.firstName, last_name: c.lastName, emailaddress1: c.emailaddress1 })}`,
            type: 'single',
            invitedContactIds: [c.id],
            expiresAt: expiresInDays ? isoPlus(expiresInDays * 24 * 3600_000) : null,
          }).catch(permanentIfAppError);
          const entry: Record<string, unknown> = { contactId: c.id, invitationId: built.row.id };
          if (sendWorkflow) entry.sendRunId = await queueWorkflowRun(tx, sendWorkflow.id, built.row.id, 'workflow');
          created.push(entry);
        }
      },
    );
  },
};
