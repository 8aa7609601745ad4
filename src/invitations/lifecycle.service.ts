// The invitation lifecycle beyond create and redeem: resend (Send Invitation again, keeping or
// rotating the code, optionally with a new expiry; one or many) and decline (the invitee's "This is
// not for me"). Each change is one transaction with its audit entry, its lifecycle event and the
// jobs it causes (the Send Invitation run; the owner's notice).
import type { Actor, AppContext } from '../context.ts';
import type { InvitationRow } from '../db/schema.ts';
import type { Tx } from '../db/types.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { lookUpCode, unavailableReason, type Client } from '../redemption/redemption.service.ts';
import { conflict, notFound, validationFailed } from '../shared/errors.ts';
import { nowIso } from '../shared/time.ts';
import { queueWorkflowRun } from '../workflows/workflow-runs.queue.ts';
import { encryptCode, generateCode, hashCode } from './codes.ts';
import { checkChosenCode, codeTaken, effectiveStatus } from './invitations.service.ts';
import type { BulkResendInput, ResendInvitationInput, ResendResult } from './invitations.schema.ts';
import { MAX_BULK } from './invitations.schema.ts';
import * as repo from './invitations.repo.ts';
import { queueInvitationNotices } from './notices.ts';

export const SEND_INVITATION_KEY = 'send-invitation';

/** The Send Invitation workflow, which must be activated to send. */
async function sendInvitationWorkflow(tx: Tx): Promise<string> {
  const wf = await tx
    .selectFrom('workflows')
    .select(['id', 'state'])
    .where('key', '=', SEND_INVITATION_KEY)
    .executeTakeFirst();
  if (!wf) throw conflict('The Send Invitation workflow is missing.');
  if (wf.state !== 'activated')
    throw conflict('Send Invitation is deactivated (being edited); activate it to send invitations.');
  return wf.id;
}

/** Why this invitation cannot be sent again as asked, or null. */
function resendRefusal(row: InvitationRow, newExpiry: string | null | undefined, now: string): string | null {
  switch (row.status) {
    case 'redeemed':
      return 'The invitation has already been redeemed.';
    case 'inactive':
      return 'The invitation is deactivated; activate it to send it.';
    case 'declined':
      return 'The invitee declined the invitation.';
    default:
      break;
  }
  if (effectiveStatus(row, now) === 'expired' && newExpiry === undefined)
    return `The invitation expired at ${row.expires_at}; give a new expiresAt to send it again.`;
  return null;
}

interface ResendOptions {
  rotateCode: boolean;
  code?: string | undefined;
  expiresAt?: string | null | undefined;
}

/** Resends one invitation in `tx`: the queued run's id, or the reason it was skipped. */
async function resendInTransaction(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  workflowId: string,
  row: InvitationRow,
  o: ResendOptions,
  now: string,
): Promise<{ runId: string } | { reason: string }> {
  const refusal = resendRefusal(row, o.expiresAt, now);
  if (refusal) return { reason: refusal };
  const changes: Partial<InvitationRow> = { updated_at: now };
  if (o.expiresAt !== undefined) changes.expires_at = o.expiresAt;
  // A swept expired invitation with a new expiry is open again.
  if (row.status === 'expired') changes.status = row.sent_at ? 'sent' : 'new';
  if (o.rotateCode) {
    // The old code's hash is replaced in this transaction: from its commit the old code finds nothing.
    const code = o.code?.trim() || generateCode();
    changes.code_hash = hashCode(ctx.secrets, code);
    changes.code_encrypted = encryptCode(ctx.secrets, code);
  }
  const result = await tx
    .updateTable('invitations')
    .set(changes)
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { reason: 'The invitation changed at the same moment; try again.' };
  // The one implementation of sending: a Send Invitation run on this invitation (its step checks
  // the invitation again when it runs, sets it to sent and plans its reminders).
  const runId = await queueWorkflowRun(tx, workflowId, row.id, 'on-demand');
  await writeAudit(tx, {
    actor,
    action: 'resend',
    recordType: 'invitation',
    recordId: row.id,
    details: {
      rotateCode: o.rotateCode,
      ...(o.code !== undefined ? { chosenCode: true } : {}),
      ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
      workflowRunId: runId,
    },
  });
  await recordLifecycleEvent(tx, 'invitation.resent', {
    invitationId: row.id,
    rotateCode: o.rotateCode,
    expiresAt: changes.expires_at ?? row.expires_at,
    workflowRunId: runId,
  });
  return { runId };
}

function checkOptions(
  actor: Actor,
  o: { rotateCode?: boolean | undefined; code?: string | undefined },
  now: string,
  expiresAt?: string | null,
) {
  if (o.code !== undefined && !o.rotateCode) throw validationFailed('code', 'a chosen code goes with rotateCode: true');
  checkChosenCode(actor, o.code);
  if (expiresAt && expiresAt <= now) throw validationFailed('expiresAt', 'must be in the future');
}

/** POST /invitations/{id}/resend: 202 with the queued run, or 409 with why it cannot be sent again. */
export async function resendInvitation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ResendInvitationInput,
): Promise<ResendResult> {
  const now = nowIso();
  checkOptions(actor, input, now, input.expiresAt);
  const options = { rotateCode: input.rotateCode === true, code: input.code, expiresAt: input.expiresAt };
  return codeTaken(
    () =>
      ctx.db.transaction().execute(async (tx) => {
        const workflowId = await sendInvitationWorkflow(tx);
        const row = await repo.lockInvitation(tx, ctx.dialect, id);
        if (!row) throw notFound('The invitation');
        const r = await resendInTransaction(ctx, tx, actor, workflowId, row, options, now);
        if ('reason' in r) throw conflict(r.reason);
        return { items: [{ id: r.runId, targetId: id, status: 'queued' as const }], skipped: [] };
      }),
    input.code !== undefined,
  );
}

/** The ids of the invitations whose (effective) status is `status`, at most MAX_BULK + 1. */
async function idsWithStatus(tx: Tx, status: 'new' | 'sent' | 'expired', now: string): Promise<string[]> {
  let q = tx.selectFrom('invitations').select('id');
  q =
    status === 'expired'
      ? q.where((eb) =>
          eb.or([
            eb('status', '=', 'expired'),
            eb.and([eb('status', 'in', ['new', 'sent']), eb('expires_at', '<=', now)]),
          ]),
        )
      : q.where('status', '=', status).where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  return (
    await q
      .orderBy('id')
      .limit(MAX_BULK + 1)
      .execute()
  ).map((r) => r.id);
}

/**
 * POST /invitations/resend: `ids` or `status` (one of them). All in one transaction; the answer
 * lists the queued runs and, apart, the invitations skipped with the reason (redeemed, deactivated,
 * declined, expired without a new expiry). An unknown id is a 422 naming `ids`, and sends nothing.
 */
export async function bulkResendInvitations(
  ctx: AppContext,
  actor: Actor,
  input: BulkResendInput,
): Promise<ResendResult> {
  const now = nowIso();
  if ((input.ids === undefined) === (input.status === undefined))
    throw validationFailed(input.ids ? 'status' : 'ids', 'give either ids or status, not both and not neither');
  checkOptions(actor, input, now, input.expiresAt);
  const options = { rotateCode: input.rotateCode === true, expiresAt: input.expiresAt };
  return ctx.db.transaction().execute(async (tx) => {
    const workflowId = await sendInvitationWorkflow(tx);
    const ids = input.ids ? [...new Set(input.ids)] : await idsWithStatus(tx, input.status ?? 'new', now);
    if (ids.length > MAX_BULK)
      throw validationFailed(
        'status',
        `more than ${MAX_BULK} invitations have this status; resend them by ids, in parts`,
      );
    const items: ResendResult['items'] = [];
    const skipped: ResendResult['skipped'] = [];
    const missing: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const q = tx.selectFrom('invitations').selectAll().where('id', 'in', chunk).orderBy('id');
      const rows = await (ctx.dialect === 'postgres' ? q.forUpdate() : q).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of chunk) {
        const row = byId.get(id);
        if (!row) {
          missing.push(id);
          continue;
        }
        const r = await resendInTransaction(ctx, tx, actor, workflowId, row, options, now);
        if ('reason' in r) skipped.push({ targetId: id, reason: r.reason });
        else items.push({ id: r.runId, targetId: id, status: 'queued' });
      }
    }
    if (missing.length > 0)
      throw validationFailed(
        'ids',
        `no such invitation: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`,
      );
    return { items, skipped };
  });
}

/**
 * The invitee declines a single invitation by its code (the preview page's "This is not for me",
 * POST /portal/api/invitations/decline): status `declined`, the owner (and inviter) notified, the
 * event recorded, audited. Unknown codes count against the client's limit like every lookup.
 */
export async function declineInvitation(
  ctx: AppContext,
  code: string,
  client: Client,
  contactId: string | null,
): Promise<{ invitationId: string; status: 'declined' }> {
  const inv = await lookUpCode(ctx, code, client);
  const reason = unavailableReason(inv);
  if (reason) throw reason;
  if (inv.type !== 'single')
    throw conflict('A group invitation is shared by many people and cannot be declined by one of them.');
  const now = nowIso();
  await ctx.db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('invitations')
      .set({ status: 'declined', updated_at: now })
      .where('id', '=', inv.id)
      .where('status', 'in', ['new', 'sent'])
      .where('redemption_count', '=', 0)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      const fresh = await repo.findInvitationByCodeHash(tx, inv.code_hash);
      throw (
        (fresh && unavailableReason(fresh, now)) ?? conflict('The invitation changed at the same moment; try again.')
      );
    }
    await queueInvitationNotices(ctx, tx, 'declined', inv);
    await writeAudit(tx, {
      actor: contactId ? { type: 'contact', id: contactId } : { type: 'system', id: null },
      action: 'decline',
      recordType: 'invitation',
      recordId: inv.id,
      details: { by: 'invitee', ip: client.ip },
    });
    await recordLifecycleEvent(tx, 'invitation.declined', { invitationId: inv.id, declinedAt: now });
  });
  return { invitationId: inv.id, status: 'declined' };
}
