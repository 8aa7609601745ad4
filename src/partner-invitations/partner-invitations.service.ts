// Partners invite their own colleagues (issue #19): a contact holding a web role with canInvite
// creates single invitations for colleagues of its own account, with roles it may hand on and holds
// itself, sent at once; and sees, resends and deactivates its own. Invitations are made only through
// the invitations service; see docs/partner-invitations.md for every rule and decision.
import type { Actor, AppContext } from '../context.ts';
import type { Tx } from '../db/types.ts';
import { lockRow, lockRows } from '../db/row-locks.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { contactsWithEmail, findContact } from '../contacts/contacts.repo.ts';
import { fullNameOf, insertCreatedContact, newContactRow } from '../contacts/contacts.service.ts';
import {
  createInvitationInTransaction,
  deactivateInvitation,
  defaultInvitationName,
  effectiveStatus,
  getInvitation,
  listInvitations,
} from '../invitations/invitations.service.ts';
import { lockInvitation, portalInvitationsSince } from '../invitations/invitations.repo.ts';
import type { Invitation } from '../invitations/invitations.schema.ts';
import { invitingRightsOf } from '../web-roles/web-roles.service.ts';
import { queueWorkflowRun } from '../workflows/workflow-runs.queue.ts';
import { workflowStateByKey } from '../workflows/workflows.repo.ts';
import { SEND_INVITATION_KEY } from '../workflows/steps/create-invitation.ts';
import { settingValue, settingValueIn } from '../site-settings/site-settings.service.ts';
import type { SettingName } from '../site-settings/site-settings.definitions.ts';
import { AppError, conflict, notFound, validationFailed } from '../shared/errors.ts';
import type { Page } from '../shared/pagination.ts';
import type { ColleagueInvitation, InviteColleagueInput } from './partner-invitations.schema.ts';
import * as repo from './partner-invitations.repo.ts';

const DAY_MS = 86_400_000;

/** What the signed-in contact may do here, read on `tx` (or the database outside a transaction). */
export interface Inviter {
  contactId: string;
  accountId: string;
  ownerId: string;
  maxExpiryDays: number;
  /** The roles it may give: canInvite roles' grantable sets ∩ the roles it holds. */
  grantable: Array<{ id: string; name: string }>;
}

const notInUse = () => notFound('Inviting colleagues is not in use on this portal.');

/** The inviter's rights, or the refusal: feature off (404), no right (403), no account (403). */
export async function loadInviter(ctx: AppContext, contactId: string, tx?: Tx): Promise<Inviter> {
  // Inside a write transaction everything is read on it (on SQLite ctx.db would wait for it).
  const db = tx ?? ctx.db;
  const setting = (name: SettingName) => (tx ? settingValueIn(tx, name) : settingValue(ctx, name));
  const ownerId = await setting('Invitations/Portal/OwnerUserId');
  if (!ownerId) throw notInUse();
  const contact = await findContact(db, contactId);
  if (!contact) throw new AppError('unauthorized', 'Sign in first.');
  const rights = await invitingRightsOf(db, contactId);
  if (!rights.canInvite)
    throw new AppError('forbidden', 'None of your web roles lets you invite colleagues.', { reason: 'cannot-invite' });
  if (!contact.parent_account_id)
    throw new AppError('forbidden', 'You belong to no company account, so you cannot invite colleagues.', {
      reason: 'inviter-without-account',
    });
  const days = Number.parseInt(await setting('Invitations/Portal/MaxExpiryDays'), 10) || 14;
  return { contactId, accountId: contact.parent_account_id, ownerId, maxExpiryDays: days, grantable: rights.grantable };
}

/** The latest expiry an invitation made at `now` may have (also its default). */
export const maxExpiryAt = (inviter: Pick<Inviter, 'maxExpiryDays'>, now: Date): string =>
  new Date(now.getTime() + inviter.maxExpiryDays * DAY_MS).toISOString();

const contactActor = (contactId: string): Actor => ({ type: 'contact', id: contactId });

/** Refuses with 429 when `used` of `max` places of the last 24 hours are taken; a place frees as the oldest turns a day old. */
function assertUnderDailyLimit(
  used: { n: number; oldest: string | null },
  max: number,
  now: Date,
  who: 'inviter' | 'account',
) {
  if (used.n < max) return;
  const freesAt = (used.oldest ? Date.parse(used.oldest) : now.getTime()) + DAY_MS;
  throw new AppError(
    'rate-limited',
    who === 'inviter'
      ? `You have made ${used.n} invitations in the last 24 hours, the most allowed; try again later.`
      : `Your company has made ${used.n} invitations in the last 24 hours, the most allowed; try again later.`,
    {
      retryAfter: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)),
      reason: who === 'inviter' ? 'inviter-daily-limit' : 'account-daily-limit',
    },
  );
}

/** The Send Invitation workflow's id, or the refusal when it is deactivated (staff are editing its template). */
async function sendInvitationWorkflow(tx: Tx): Promise<string> {
  const wf = await workflowStateByKey(tx, SEND_INVITATION_KEY);
  if (wf?.state !== 'activated')
    throw conflict('Invitations cannot be sent at the moment; try again later.', 'send-invitation-off');
  return wf.id;
}

/** The colleague: a contact of the inviter's account with this emailaddress1 (any case), or a new one. */
async function colleagueOf(tx: Tx, inviter: Inviter, input: InviteColleagueInput, locale: string | null) {
  const same = await contactsWithEmail(tx, input.email);
  const ours = same.find((c) => c.parent_account_id === inviter.accountId);
  if (ours) return ours.id;
  // Anyone else's contact (another account's, or one without an account) is never touched, and the
  // refusal names nobody: staff decide where that person belongs.
  if (same.length > 0)
    throw new AppError(
      'conflict',
      'This email address belongs to someone outside your company; ask the portal staff.',
      {
        reason: 'colleague-in-other-account',
        errors: [{ field: 'email', message: 'belongs to a contact outside your company' }],
      },
    );
  const row = newContactRow({
    first_name: input.firstName || null,
    last_name: input.lastName || null,
    emailaddress1: input.email,
    parent_account_id: inviter.accountId,
    locale,
  });
  await insertCreatedContact(tx, row);
  const actor = contactActor(inviter.contactId);
  await writeAudit(tx, {
    actor,
    action: 'create',
    recordType: 'contact',
    recordId: row.id,
    details: { via: 'portal-invitation' },
  });
  return row.id;
}

/**
 * "Invite a colleague": one single invitation, bound to the invited email, to the inviter's own
 * account, with roles it may hand on, owned by Invitations/Portal/OwnerUserId, and its Send
 * Invitation run queued in the same transaction. All or nothing.
 */
export async function inviteColleague(
  ctx: AppContext,
  contactId: string,
  input: InviteColleagueInput,
  options: { now?: Date } = {},
): Promise<ColleagueInvitation> {
  const now = options.now ?? new Date();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const inviter = await loadInviter(ctx, contactId, tx);
    const grantable = new Set(inviter.grantable.map((r) => r.id));
    const refused = [...new Set(input.webRoleIds)].filter((r) => !grantable.has(r));
    if (refused.length > 0)
      throw new AppError('forbidden', `You cannot grant these web roles: ${refused.join(', ')}.`, {
        reason: 'role-not-grantable',
        errors: [{ field: 'webRoleIds', message: `not a role you may grant: ${refused.join(', ')}` }],
      });
    const latest = maxExpiryAt(inviter, now);
    if (input.expiresAt && input.expiresAt > latest)
      throw validationFailed('expiresAt', `must be at most ${inviter.maxExpiryDays} days from now (${latest})`);

    // Every invitation of one account is made one after another (the account row is locked for
    // update on PostgreSQL; SQLite has one writer), so the counts below cannot be overtaken.
    if (!(await lockRow(tx, ctx.dialect, 'accounts', inviter.accountId, 'update'))) throw notInUse();
    // Counted as of now, after the wait for the lock (not as of the request's arrival).
    const at = options.now ?? new Date();
    const since = new Date(at.getTime() - DAY_MS).toISOString();
    const perInviter = Number.parseInt(await settingValueIn(tx, 'Invitations/Portal/DailyLimit'), 10) || 20;
    const perAccount = Number.parseInt(await settingValueIn(tx, 'Invitations/Portal/AccountDailyLimit'), 10) || 100;
    assertUnderDailyLimit(
      await portalInvitationsSince(tx, { inviterContactId: contactId }, since),
      perInviter,
      at,
      'inviter',
    );
    assertUnderDailyLimit(
      await portalInvitationsSince(tx, { accountId: inviter.accountId }, since),
      perAccount,
      at,
      'account',
    );

    // The owner must exist for the feature to be on; a deleted user turns it off rather than a 422.
    if ((await lockRows(tx, ctx.dialect, 'system_users', [inviter.ownerId], 'share')).length > 0) throw notInUse();
    const sendWorkflowId = await sendInvitationWorkflow(tx);
    const me = await findContact(tx, contactId);
    const colleagueId = await colleagueOf(tx, inviter, input, me?.locale ?? null);
    const colleague = await findContact(tx, colleagueId);
    const built = await createInvitationInTransaction(ctx, tx, contactActor(contactId), {
      name: defaultInvitationName(colleague ? fullNameOf(colleague) : input.email),
      type: 'single',
      invitedContactIds: [colleagueId],
      inviterContactId: contactId,
      assignToAccountId: inviter.accountId,
      webRoleIds: [...new Set(input.webRoleIds)],
      expiresAt: input.expiresAt ?? latest,
      ownerId: inviter.ownerId,
      binding: 'invited-email',
    });
    await queueWorkflowRun(tx, sendWorkflowId, built.row.id, 'portal');
    return built.row.id;
  });
  return (await present(ctx, [await getInvitation(ctx, id)]))[0] as ColleagueInvitation;
}

/** The invitations the contact made (its Inviter is the contact), newest first. */
export async function listMyInvitations(
  ctx: AppContext,
  contactId: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<ColleagueInvitation>> {
  await loadInviter(ctx, contactId);
  const page = await listInvitations(ctx, {
    limit: q.limit,
    cursor: q.cursor,
    inviterContactId: contactId,
    sort: { key: 'createdAt', dir: 'desc' },
  });
  return { items: await present(ctx, page.items), nextCursor: page.nextCursor };
}

/** One of the contact's own invitations; anyone else's is not found (404: ids tell nothing). */
export async function getMyInvitation(ctx: AppContext, contactId: string, id: string): Promise<ColleagueInvitation> {
  await loadInviter(ctx, contactId);
  const inv = await getInvitation(ctx, id);
  if (inv.inviterContactId !== contactId) throw notFound('The invitation');
  return (await present(ctx, [inv]))[0] as ColleagueInvitation;
}

/** Sends one of the contact's own open invitations again: a Send Invitation run, with the same code. */
export async function resendMyInvitation(ctx: AppContext, contactId: string, id: string): Promise<ColleagueInvitation> {
  await ctx.db.transaction().execute(async (tx) => {
    await loadInviter(ctx, contactId, tx);
    const current = await lockInvitation(tx, ctx.dialect, id);
    if (!current || current.inviter_contact_id !== contactId) throw notFound('The invitation');
    const status = effectiveStatus(current);
    if (status !== 'new' && status !== 'sent')
      throw conflict(`Only an open invitation can be sent again (this one is ${status}).`, 'invitation-not-open');
    const runId = await queueWorkflowRun(tx, await sendInvitationWorkflow(tx), id, 'portal');
    await writeAudit(tx, {
      actor: contactActor(contactId),
      action: 'resend',
      recordType: 'invitation',
      recordId: id,
      details: { workflowRunId: runId },
    });
    // The same event as a staff resend (lifecycle.service.ts), with the code kept.
    await recordLifecycleEvent(tx, 'invitation.resent', {
      invitationId: id,
      rotateCode: false,
      expiresAt: current.expires_at,
    });
  });
  return getMyInvitation(ctx, contactId, id);
}

/** Deactivates one of the contact's own open invitations (its code stops working at once). */
export async function deactivateMyInvitation(
  ctx: AppContext,
  contactId: string,
  id: string,
): Promise<ColleagueInvitation> {
  await loadInviter(ctx, contactId);
  const inv = await deactivateInvitation(ctx, contactActor(contactId), id, { inviterContactId: contactId });
  return (await present(ctx, [inv]))[0] as ColleagueInvitation;
}

async function present(ctx: AppContext, items: Invitation[]): Promise<ColleagueInvitation[]> {
  const people = await repo.peopleByIds(ctx.db, [...new Set(items.flatMap((i) => i.invitedContactIds))]);
  const roles = await repo.roleNamesByIds(ctx.db, [...new Set(items.flatMap((i) => i.webRoleIds))]);
  const redeemed = await repo.firstRedemptionsOf(
    ctx.db,
    items.map((i) => i.id),
  );
  return items.map((i) => {
    const contactId = i.invitedContactIds[0] ?? null;
    const person = contactId ? people.get(contactId) : undefined;
    return {
      id: i.id,
      name: i.name,
      status: i.status,
      contactId,
      email: person?.emailaddress1 ?? null,
      firstName: person?.first_name ?? null,
      lastName: person?.last_name ?? null,
      webRoles: i.webRoleIds.map((r) => ({ id: r, name: roles.get(r) ?? r })),
      createdAt: i.createdAt,
      sentAt: i.sentAt,
      expiresAt: i.expiresAt,
      redeemedAt: redeemed.get(i.id) ?? null,
      open: i.status === 'new' || i.status === 'sent',
    };
  });
}
