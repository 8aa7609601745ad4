// What the contact steps (update-contact, add/remove-web-role, set-account, create-invitation)
// share: they act on the run's contact, or on each invited contact of an invitation workflow, and
// audit every change as the system on behalf of the run.
import { writeAudit } from '../../audit/audit.repo.ts';
import type { Contact } from '../../contacts/contacts.schema.ts';
import { type AppContext, systemActor } from '../../context.ts';
import type { Tx } from '../../db/types.ts';
import { findWebRole } from '../../web-roles/web-roles.repo.ts';
import type { StepRun } from './step.ts';
import { targetContacts } from './step.ts';

export type AuditContact = (
  tx: Tx,
  contactId: string,
  action: string,
  details: Record<string, unknown>,
) => Promise<void>;

/**
 * Runs `effect` on the contacts the step acts on and logs the step with `detail`, in one
 * transaction; false when there is no contact (the step is logged as skipped).
 */
export async function runOnContacts(
  run: StepRun,
  detail: (contactIds: string[]) => Record<string, unknown>,
  effect: (tx: Tx, contacts: Contact[], audit: AuditContact) => Promise<void>,
): Promise<boolean> {
  const contacts = await targetContacts(run.ctx, run.record);
  if (contacts.length === 0) {
    await run.commit('skipped', { reason: 'The invitation has no invited contacts.' });
    return false;
  }
  const audit: AuditContact = (tx, id, action, details) =>
    writeAudit(tx, {
      actor: systemActor,
      action,
      recordType: 'contact',
      recordId: id,
      details: { ...details, workflowId: run.workflow.id, workflowRunId: run.run.id },
    });
  await run.commit('succeeded', detail(contacts.map((c) => c.id)), (tx) => effect(tx, contacts, audit));
  return true;
}

/** The web role as a dry run names it; a role deleted since the save makes the step fail. */
export async function webRoleInWords(ctx: AppContext, webRoleId: string): Promise<string> {
  const role = await findWebRole(ctx.db, webRoleId);
  return role ? `"${role.name}"` : `${webRoleId} (which no longer exists: the step would fail)`;
}
