// Redemption: check the code, then in one transaction claim a place (a guarded update whose
// affected-row count decides), record the redemption activity, set the account, add the web roles,
// write the audit entry and queue the workflow run. All or nothing; exact under concurrency.
import type { AppContext } from '../context.ts';
import type { ContactRow, InvitationRow } from '../db/schema.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { nothingWritten, writeTransaction, type WriteOptions } from '../db/group-commit.ts';
import type { Db, Tx } from '../db/types.ts';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { findContact, grantInvitationWebRoles, setParentAccount } from '../contacts/contacts.repo.ts';
import { claimRedemption } from '../invitations/invitations.repo.ts';
import * as repo from './redemption.repo.ts';
import { fullNameOf } from '../contacts/contacts.service.ts';
import { findInvitationByCode } from '../invitations/invitations.service.ts';
import { assertUnderLimit, countEvent } from '../rate-limit/rate-limit.service.ts';
import { queueWorkflowRun } from '../workflows/workflow-runs.queue.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { redeemedData } from '../lifecycle-events/event-data.ts';

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

export { redemptionResult };

export interface RedeemResult {
  invitationId: string;
  contactId: string;
  accountId: string | null;
  webRoleIds: string[];
}

const rateKey = (client: Client) => client.ip ?? 'unknown';

/**
 * Looks a code up as a person typed it, counting unknown codes per client: past the limit every
 * lookup by that client is refused until the window passes.
 */
export async function lookUpCode(ctx: AppContext, code: string, client: Client): Promise<InvitationRow> {
  await assertUnderLimit(ctx, 'invitationCodes', rateKey(client));
  const invitation = code.trim() ? await findInvitationByCode(ctx, ctx.db, code) : undefined;
  if (!invitation) {
    await countEvent(ctx, 'invitationCodes', rateKey(client));
    throw new AppError('invitation-not-found', 'No invitation has this code. Check it and try again.');
  }
  return invitation;
}

/** Why an invitation cannot be redeemed by anyone now, or undefined. */
export function unavailableReason(inv: InvitationRow, now: string = nowIso()): AppError | undefined {
  if (inv.status === 'inactive') return new AppError('invitation-inactive', 'This invitation has been deactivated.');
  if (inv.status === 'declined') return new AppError('invitation-declined', 'This invitation has been declined.');
  if (inv.status === 'expired' || (inv.expires_at !== null && inv.expires_at <= now))
    return new AppError('invitation-expired', 'This invitation has expired.');
  if (inv.type === 'single' && (inv.status === 'redeemed' || inv.redemption_count >= 1))
    return new AppError('invitation-redeemed', 'This invitation has already been redeemed.');
  if (inv.status === 'redeemed' || (inv.max_redemptions !== null && inv.redemption_count >= inv.max_redemptions)) {
    return new AppError('max-redemptions-reached', 'This invitation has reached its maximum number of redemptions.');
  }
  return undefined;
}

/** The email addresses of a contact that count as verified (see SPEC "Redemption" 5). */
export function verifiedEmailsOf(
  contact: Pick<ContactRow, 'emailaddress1' | 'email_confirmed'>,
  vouched: readonly string[] = [],
): string[] {
  const emails = [...vouched];
  if (contact.email_confirmed === 1 && contact.emailaddress1) emails.push(contact.emailaddress1);
  return [...new Set(emails.map((e) => e.trim().toLowerCase()))];
}

/** The binding of the invitation, checked against the redeemer's verified emails. */
export async function checkBinding(db: Db | Tx, inv: InvitationRow, verifiedEmails: readonly string[]): Promise<void> {
  if (inv.binding === 'any') return;
  if (inv.binding === 'email-domain') {
    const domains = new Set((JSON.parse(inv.allowed_domains ?? '[]') as string[]).map((d) => d.toLowerCase()));
    if (verifiedEmails.some((e) => domains.has(e.slice(e.lastIndexOf('@') + 1)))) return;
    throw new AppError(
      'binding-mismatch',
      `This invitation is for verified email addresses at ${[...domains].join(', ')}.`,
    );
  }
  const invited = await repo.invitedEmailsOf(db, inv.id);
  const invitedEmails = new Set(invited.map((r) => (r.emailaddress1 ?? '').trim().toLowerCase()).filter(Boolean));
  if (verifiedEmails.some((e) => invitedEmails.has(e))) return;
  throw new AppError('binding-mismatch', 'This invitation is meant for another, verified email address.');
}

/** Every check that can be made before the transaction, in the order a person would want to hear them. */
export async function precheck(
  db: Db | Tx,
  inv: InvitationRow,
  contactId: string | null,
  verifiedEmails: readonly string[],
  known: { alreadyRedeemed?: boolean } = {},
): Promise<void> {
  if (inv.status === 'inactive' || inv.status === 'declined') throw unavailableReason(inv) as AppError;
  const already =
    known.alreadyRedeemed ?? (contactId !== null && (await repo.alreadyRedeemedBy(db, inv.id, contactId)));
  if (already) throw new AppError('already-redeemed-by-contact', 'You have already redeemed this invitation.');
  const reason = unavailableReason(inv);
  if (reason) throw reason;
  await checkBinding(db, inv, verifiedEmails);
}

/** The sign-in method a redemption records for an external identity: `oidc:{providerId}`, `saml:{providerId}`. */
export const externalSignInMethod = (type: 'oidc' | 'saml', providerId: string): string => `${type}:${providerId}`;

/**
 * Refuses a redemption through another method than the one the invitation names (`signInProviderId`):
 * `sign-in-method-required` (403). `signInMethod` is `local` or an `externalSignInMethod`.
 */
export function assertSignInMethod(inv: InvitationRow, signInMethod: string): void {
  const required = inv.sign_in_provider_id;
  if (!required || signInMethod.endsWith(`:${required}`)) return;
  throw new AppError(
    'sign-in-method-required',
    'This invitation must be redeemed by signing in with the identity provider it names.',
  );
}

export interface RedeemInTxInput {
  invitation: InvitationRow;
  contactId: string;
  client: Client;
  signInMethod: string;
}

/**
 * The redemption itself, inside the caller's write transaction. The guarded claim is its last
 * statement: everything else is written first, so the invitation's row (where every redemption of
 * the invitation waits its turn on PostgreSQL) is locked only from the claim to the commit. A claim
 * that finds no place left throws, and the transaction takes everything back.
 */
export async function redeemInTransaction(
  ctx: AppContext,
  tx: Tx,
  input: RedeemInTxInput,
): Promise<{ invitationId: string; contactId: string }> {
  const { invitation: inv, contactId } = input;
  // Before any write: a refusal here leaves the caller's transaction as it was.
  try {
    assertSignInMethod(inv, input.signInMethod);
  } catch (err) {
    throw nothingWritten(err as AppError);
  }
  const now = nowIso();
  const redemptionId = newId();
  const redeemedEvent = () =>
    recordLifecycleEvent(tx, 'invitation.redeemed', () => redeemedData(tx, inv, contactId, redemptionId, now));
  if (ctx.dialect === 'postgres' && !inv.redeem_workflow_id) {
    const claimed = await repo.redeemInOneStatement(tx, {
      invitationId: inv.id,
      accountId: inv.assign_to_account_id,
      contactId,
      now,
      redemptionId,
      ip: input.client.ip,
      userAgent: input.client.userAgent?.slice(0, 500) ?? null,
      signInMethod: input.signInMethod,
      auditId: newId(),
      details: JSON.stringify({
        contactId,
        signInMethod: input.signInMethod,
        ip: input.client.ip,
        workflowRunId: null,
      }),
    });
    if (claimed) {
      // No endpoint enabled as the statement saw it: the event's own read would find none either.
      if (claimed.some_endpoint_enabled) await redeemedEvent();
      return { invitationId: inv.id, contactId };
    }
    // The statement wrote nothing: no place left, or the invitation changed (see the claim).
    throw nothingWritten(await refusalNow(tx, inv, now));
  }
  await repo.insertRedemption(tx, {
    id: redemptionId,
    invitationId: inv.id,
    contactId,
    now,
    ip: input.client.ip,
    userAgent: input.client.userAgent?.slice(0, 500) ?? null,
    signInMethod: input.signInMethod,
  });
  if (inv.assign_to_account_id) await setParentAccount(tx, contactId, inv.assign_to_account_id, now);
  await grantInvitationWebRoles(tx, contactId, inv.id);
  let workflowRunId: string | null = null;
  if (inv.redeem_workflow_id) {
    const wf = await repo.workflowStateOf(tx, inv.redeem_workflow_id);
    // Only an activated workflow runs; the redemption itself succeeds either way.
    if (wf?.state === 'activated')
      workflowRunId = await queueWorkflowRun(tx, inv.redeem_workflow_id, contactId, 'redemption');
  }
  await writeAudit(tx, {
    actor: { type: 'contact', id: contactId },
    action: 'redeem',
    recordType: 'invitation',
    recordId: inv.id,
    details: { contactId, signInMethod: input.signInMethod, ip: input.client.ip, workflowRunId },
  });
  await redeemedEvent();
  const claimed = await claimRedemption(tx, inv.id, now);
  return checkClaim(tx, inv, claimed, now, contactId);
}

/** After the guarded claim: no place left (say why) or the invitation changed meanwhile (undo). */
async function checkClaim(
  tx: Tx,
  inv: InvitationRow,
  claimed: repo.ClaimedInvitation | undefined,
  now: string,
  contactId: string,
): Promise<{ invitationId: string; contactId: string }> {
  if (!claimed) throw await refusalNow(tx, inv, now);
  if (
    claimed.assign_to_account_id !== inv.assign_to_account_id ||
    claimed.redeem_workflow_id !== inv.redeem_workflow_id
  )
    throw changedMeanwhile();
  return { invitationId: inv.id, contactId };
}

// Staff changed what the invitation gives between the check and now: nothing is kept.
const changedMeanwhile = () => new AppError('conflict', 'The invitation was changed at this moment; redeem it again.');

/** Why a claim found no place: from the invitation's row as it is now. */
async function refusalNow(tx: Tx, inv: InvitationRow, now: string): Promise<AppError> {
  const current = await repo.invitationNow(tx, inv.id);
  const reason = unavailableReason(current, now);
  if (reason) return reason;
  if (
    current.assign_to_account_id !== inv.assign_to_account_id ||
    current.redeem_workflow_id !== inv.redeem_workflow_id
  )
    return changedMeanwhile();
  return new AppError('conflict', 'The invitation changed at the same moment; try again.');
}

/** What a redemption answers: the contact's account and web roles as they are now (read after the commit). */
async function redemptionResult(db: Db, redeemed: { invitationId: string; contactId: string }): Promise<RedeemResult> {
  const rows = await repo.accountAndWebRolesOf(db, redeemed.contactId);
  const webRoleIds = rows.map((r) => r.web_role_id).filter((id): id is string => id !== null);
  return { ...redeemed, accountId: rows[0]?.parent_account_id ?? null, webRoleIds };
}

const alreadyRedeemed = () => new AppError('already-redeemed-by-contact', 'You have already redeemed this invitation.');

/** Runs `fn` in a write transaction, turning a duplicate redemption (a unique constraint) into its problem code. */
export async function inRedemptionTransaction<T>(
  ctx: AppContext,
  fn: (tx: Tx) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  try {
    // A workflow run or an email it queues wakes this process's workers after the commit (enqueueJobs).
    return await writeTransaction(ctx.db, ctx.dialect, fn, options);
  } catch (err) {
    if (
      isUniqueViolation(err) &&
      /redemptions/.test(String((err as Error).message) + String((err as { constraint?: string }).constraint ?? ''))
    )
      throw alreadyRedeemed();
    throw err;
  }
}

export interface RedeemInput {
  code: string;
  contactId: string;
  client: Client;
  signInMethod: string;
  /** Emails an identity provider vouched for in this session. */
  vouchedEmails?: readonly string[];
}

/** A signed-in contact redeems a code as itself. */
export async function redeemInvitation(ctx: AppContext, input: RedeemInput): Promise<RedeemResult> {
  const invitation = await lookUpCode(ctx, input.code, input.client);
  const contact = await repo.contactForRedemptionOf(ctx.db, invitation.id, input.contactId);
  if (!contact) throw new AppError('unauthorized', 'Sign in again.');
  const alreadyRedeemed = contact.already_redeemed === true || Number(contact.already_redeemed) === 1;
  assertSignInMethod(invitation, input.signInMethod);
  await precheck(ctx.db, invitation, contact.id, verifiedEmailsOf(contact, input.vouchedEmails), { alreadyRedeemed });
  // Without a redemption workflow, the redemption alone writes nothing when refused (on PostgreSQL
  // one statement: see redemption.repo.ts), so its batch needs no savepoint for it.
  const redeemed = await inRedemptionTransaction(
    ctx,
    (tx) =>
      redeemInTransaction(ctx, tx, {
        invitation,
        contactId: contact.id,
        client: input.client,
        signInMethod: input.signInMethod,
      }),
    { atomic: !invitation.redeem_workflow_id },
  );
  return redemptionResult(ctx.db, redeemed);
}

export interface InvitationPreview {
  name: string;
  type: 'single' | 'group';
  inviterName: string | null;
  ownerName: string | null;
  accountName: string | null;
  expiresAt: string | null;
  /** For a single invitation, the invited address with its local part masked (a hint, not the address). */
  invitedEmailHint: string | null;
  binding: InvitationRow['binding'];
  allowedDomains: string[];
  locale: string | null;
  /** The identity provider the invitation must be redeemed through (the redeem page offers only it). */
  signInProviderId: string | null;
}

const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
};

/** What the redeem page shows: who invites, to what, until when. Changes nothing (but counts unknown codes). */
export async function previewInvitation(ctx: AppContext, code: string, client: Client): Promise<InvitationPreview> {
  const inv = await lookUpCode(ctx, code, client);
  const reason = unavailableReason(inv);
  if (reason) throw reason;
  const inviter = inv.inviter_contact_id ? await findContact(ctx.db, inv.inviter_contact_id) : undefined;
  const owner = inv.owner_id ? await repo.ownerNameOf(ctx.db, inv.owner_id) : undefined;
  const account = inv.assign_to_account_id ? await repo.accountNameOf(ctx.db, inv.assign_to_account_id) : undefined;
  let invitedEmailHint: string | null = null;
  if (inv.type === 'single') {
    const invited = await repo.invitedEmailOf(ctx.db, inv.id);
    invitedEmailHint = invited?.emailaddress1 ? maskEmail(invited.emailaddress1) : null;
  }
  return {
    name: inv.name,
    type: inv.type,
    inviterName: inviter ? fullNameOf(inviter) : null,
    ownerName: owner?.full_name ?? null,
    accountName: account?.name ?? null,
    expiresAt: inv.expires_at,
    invitedEmailHint,
    binding: inv.binding,
    allowedDomains: JSON.parse(inv.allowed_domains ?? '[]') as string[],
    locale: inv.locale,
    signInProviderId: inv.sign_in_provider_id ?? null,
  };
}
