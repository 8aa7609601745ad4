// The redemption's queries: its statements, compiled once (see db/prepared.ts), the redemption in
// one statement on PostgreSQL, and the reads its checks and its answer need.
import { sql } from 'kysely';
import { prepared } from '../db/prepared.ts';
import type { Db, Tx } from '../db/types.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import { someEndpointEnabledSql } from '../lifecycle-events/lifecycle-events.ts';

const insertOne = prepared(['id', 'invitationId', 'contactId', 'now', 'ip', 'userAgent', 'signInMethod'], (db, p) =>
  db.insertInto('redemptions').values({
    id: p('id'),
    invitation_id: p('invitationId'),
    contact_id: p('contactId'),
    redeemed_at: p('now'),
    ip_address: p('ip'),
    user_agent: p('userAgent'),
    sign_in_method: p('signInMethod'),
  }),
);

export interface RedemptionInput {
  id: string;
  invitationId: string;
  contactId: string;
  now: string;
  ip: string | null;
  userAgent: string | null;
  signInMethod: string;
}

/** Records the redemption activity. */
export async function insertRedemption(tx: Tx, input: RedemptionInput): Promise<void> {
  await insertOne.affected(tx, input);
}

/**
 * PostgreSQL: the whole redemption as one statement (the guarded claim, and from its returned row
 * the activity, the account, the web roles and the audit entry), one round trip instead of five
 * inside the group commit's batch, where they run one after another on one connection. The claim
 * also requires the invitation to give what the caller checked (the same account, no workflow),
 * so a refusal writes nothing at all, and a redemption alone needs no savepoint in its batch
 * (WriteOptions.atomic). A second redemption by the same contact fails on the unique constraint,
 * and the transaction takes the claim back. Used when the invitation names no redemption workflow
 * (that one needs the run's id in the audit entry: the statements of redemption.service.ts).
 *
 * It writes the tables of invitations, contacts and the audit log itself, against the rule that a
 * feature writes another's tables only through that feature's repository: split into their
 * functions it would be five statements and five round trips again, on the hottest write there is.
 */
const oneStatement = prepared(
  [
    'invitationId',
    'accountId',
    'contactId',
    'now',
    'redemptionId',
    'ip',
    'userAgent',
    'signInMethod',
    'auditId',
    'details',
  ],
  (_db, p) =>
    sql<ClaimedInvitation & { some_endpoint_enabled: boolean }>`
    with claim as (
      update invitations
      set redemption_count = redemption_count + 1,
          status = case when max_redemptions is not null and redemption_count + 1 >= max_redemptions then 'redeemed' else status end,
          updated_at = ${p('now')}
      where id = ${p('invitationId')} and status in ('new', 'sent')
        and (expires_at is null or expires_at > ${p('now')})
        and (max_redemptions is null or redemption_count < max_redemptions)
        and assign_to_account_id is not distinct from ${p('accountId')} and redeem_workflow_id is null
      returning assign_to_account_id, redeem_workflow_id
    ), redemption as (
      insert into redemptions (id, invitation_id, contact_id, redeemed_at, ip_address, user_agent, sign_in_method)
      select ${p('redemptionId')}, ${p('invitationId')}, ${p('contactId')}, ${p('now')}, ${p('ip')}, ${p('userAgent')}, ${p('signInMethod')} from claim
    ), account as (
      update contacts set parent_account_id = claim.assign_to_account_id, updated_at = ${p('now')}
      from claim where contacts.id = ${p('contactId')} and claim.assign_to_account_id is not null
    ), roles as (
      insert into contact_web_roles (contact_id, web_role_id)
      select ${p('contactId')}, r.web_role_id from invitation_web_roles r, claim where r.invitation_id = ${p('invitationId')}
      on conflict (contact_id, web_role_id) do nothing
    ), audit as (
      insert into audit_log (id, actor_type, actor_id, action, record_type, record_id, details, created_at)
      select ${p('auditId')}, 'contact', ${p('contactId')}, 'redeem', 'invitation', ${p('invitationId')}, ${p('details')}, ${p('now')} from claim
    )
    select assign_to_account_id, redeem_workflow_id, ${someEndpointEnabledSql} as some_endpoint_enabled from claim`,
);

/** What the claim returns: what the invitation gives, as it is when claimed. */
export interface ClaimedInvitation {
  assign_to_account_id: string | null;
  redeem_workflow_id: string | null;
}

/**
 * The redemption in one statement (see above); undefined when it wrote nothing. It also answers
 * whether any webhook endpoint is enabled, so that the usual redemption (none is) needs no second
 * round trip to find that no event is wanted.
 */
export async function redeemInOneStatement(
  tx: Tx,
  input: Omit<RedemptionInput, 'id'> & {
    redemptionId: string;
    accountId: string | null;
    auditId: string;
    details: string;
  },
): Promise<(ClaimedInvitation & { some_endpoint_enabled: boolean }) | undefined> {
  const [claimed] = await oneStatement.execute(tx, input);
  return claimed;
}

/** The contact's account, and a row per web role it holds (or one row with none). */
const accountAndWebRoles = prepared(['contactId'], (db, p) =>
  db
    .selectFrom('contacts')
    .leftJoin('contact_web_roles', 'contact_web_roles.contact_id', 'contacts.id')
    .select(['contacts.parent_account_id', 'contact_web_roles.web_role_id'])
    .where('contacts.id', '=', p('contactId'))
    .orderBy('contact_web_roles.web_role_id'),
);

/** The contact and whether it has redeemed this invitation already, in one query. */
const contactForRedemption = prepared(['invitationId', 'contactId'], (db, p) =>
  db
    .selectFrom('contacts')
    .selectAll('contacts')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('redemptions')
            .select('redemptions.id')
            .where('redemptions.invitation_id', '=', p('invitationId'))
            .whereRef('redemptions.contact_id', '=', 'contacts.id'),
        )
        .as('already_redeemed'),
    )
    .where('contacts.id', '=', p('contactId')),
);

/** The contact's account, and a row per web role it holds (or one row with none). */
export const accountAndWebRolesOf = (db: Db, contactId: string) => accountAndWebRoles.execute(db, { contactId });

/** The contact, with whether it has redeemed this invitation already (one query). */
export async function contactForRedemptionOf(db: Db, invitationId: string, contactId: string) {
  const [contact] = await contactForRedemption.execute(db, { invitationId, contactId });
  return contact;
}

/** The primary email addresses of the invitation's invited contacts. */
export function invitedEmailsOf(db: Db | Tx, invitationId: string) {
  return db
    .selectFrom('invitation_invited_contacts')
    .innerJoin('contacts', 'contacts.id', 'invitation_invited_contacts.contact_id')
    .select('contacts.emailaddress1')
    .where('invitation_invited_contacts.invitation_id', '=', invitationId)
    .execute();
}

export async function alreadyRedeemedBy(db: Db | Tx, invitationId: string, contactId: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('redemptions')
      .select('id')
      .where('invitation_id', '=', invitationId)
      .where('contact_id', '=', contactId)
      .executeTakeFirst()) !== undefined
  );
}

/** The state of the workflow an invitation runs on redemption. */
export const workflowStateOf = (tx: Tx, workflowId: string) =>
  tx.selectFrom('workflows').select('state').where('id', '=', workflowId).executeTakeFirst();

/** The invitation's row as it is now (to say why a claim found no place). */
export const invitationNow = (tx: Tx, invitationId: string) =>
  tx.selectFrom('invitations').selectAll().where('id', '=', invitationId).executeTakeFirstOrThrow();

// What the redeem page shows of an invitation.

export const ownerNameOf = (db: Db, userId: string) =>
  db.selectFrom('system_users').select('full_name').where('id', '=', userId).executeTakeFirst();

export const accountNameOf = (db: Db, accountId: string) =>
  db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();

/** The invited contact's email of a single invitation. */
export const invitedEmailOf = (db: Db, invitationId: string) =>
  db
    .selectFrom('invitation_invited_contacts')
    .innerJoin('contacts', 'contacts.id', 'invitation_invited_contacts.contact_id')
    .select('contacts.emailaddress1')
    .where('invitation_id', '=', invitationId)
    .executeTakeFirst();

/** Redemption activities brought in by an import (kept ids); one a contact already has of the invitation stays. */
export async function insertImportedRedemptions(
  tx: Tx,
  rows: ReadonlyArray<{
    id: string;
    invitation_id: string;
    contact_id: string;
    redeemed_at: string;
    ip_address: string | null;
    user_agent: string | null;
    sign_in_method: string | null;
  }>,
): Promise<number> {
  // Any constraint: a kept id already imported, or the contact's redemption of the invitation.
  return insertChunked(tx, 'redemptions', rows, { conflictDoNothing: true });
}

/** Every redemption in id order (an export). */
export const allRedemptions = (db: Db | Tx) => db.selectFrom('redemptions').selectAll().orderBy('id').execute();
