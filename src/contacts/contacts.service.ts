// Use cases for contacts: the records API and the "Change Password" command.
import type { AppContext, Actor } from '../context.ts';
import type { ContactRow } from '../db/schema.ts';
import type { Tx } from '../db/types.ts';
import { fromFlag, toFlag } from '../db/types.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { lockRow } from '../db/row-locks.ts';
import { conflict, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { randomToken } from '../shared/crypto.ts';
import { hashPassword, passwordProblem } from '../shared/passwords.ts';
import {
  decodeCursor,
  decodeSortedCursor,
  type Page,
  type SortOrder,
  toPage,
  toSortedPage,
} from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { recordLifecycleEvent } from '../lifecycle-events/lifecycle-events.ts';
import { contactData } from '../lifecycle-events/event-data.ts';
import { lockAccountForReference } from '../accounts/accounts.service.ts';
import { assertWebRolesExist } from '../web-roles/web-roles.service.ts';
import type { Contact, ContactListQuery, CreateContactInput, UpdateContactInput } from './contacts.schema.ts';
import * as repo from './contacts.repo.ts';
import { endSessionsOfContact } from '../portal-auth/sessions.repo.ts';

export const fullNameOf = (r: Pick<ContactRow, 'first_name' | 'last_name' | 'emailaddress1'>): string =>
  [r.first_name, r.last_name].filter(Boolean).join(' ') || r.emailaddress1 || '';

export const toContact = (r: ContactRow, webRoleIds: string[]): Contact => ({
  id: r.id,
  firstName: r.first_name,
  lastName: r.last_name,
  fullName: fullNameOf(r),
  emailaddress1: r.emailaddress1,
  emailaddress2: r.emailaddress2,
  emailaddress3: r.emailaddress3,
  parentAccountId: r.parent_account_id,
  locale: r.locale === 'da' || r.locale === 'en' ? r.locale : null,
  webRoleIds,
  username: r.username,
  loginEnabled: fromFlag(r.login_enabled),
  emailConfirmed: fromFlag(r.email_confirmed),
  emailaddress1Undeliverable: r.emailaddress1_undeliverable ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Checks the account and web roles the contact will refer to, and keeps them from being deleted meanwhile. */
/** A new contact row: no portal identity yet unless `fields` give one. */
export function newContactRow(fields: Partial<ContactRow>): ContactRow {
  // An import gives its batch's time: no clock read per row.
  const now = fields.created_at ?? nowIso();
  return {
    id: newId(),
    first_name: null,
    last_name: null,
    emailaddress1: null,
    emailaddress2: null,
    emailaddress3: null,
    parent_account_id: null,
    locale: null,
    username: null,
    password_hash: null,
    email_confirmed: 0,
    login_enabled: 1,
    lockout_end: null,
    access_failed_count: 0,
    security_stamp: randomToken(16),
    last_sign_in_at: null,
    emailaddress1_undeliverable: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

/**
 * A contact made outside the contacts API (portal sign-up, external sign-in, a partner's colleague):
 * the row and its `contact.created` event (the API's payload), in the caller's transaction.
 */
export async function insertCreatedContact(tx: Tx, row: ContactRow): Promise<void> {
  await repo.insertContact(tx, row);
  await recordLifecycleEvent(tx, 'contact.created', { contactId: row.id, contact: contactData(row) });
}

async function checkReferences(ctx: AppContext, tx: Tx, input: UpdateContactInput): Promise<void> {
  if (input.parentAccountId && !(await lockAccountForReference(tx, ctx.dialect, input.parentAccountId)))
    throw validationFailed('parentAccountId', 'no such account');
  if (input.webRoleIds) await assertWebRolesExist(tx, input.webRoleIds, 'webRoleIds', ctx.dialect);
}

const usernameTaken = (username: string | null | undefined) =>
  conflict(`The username "${username}" is taken by another contact.`);

export async function createContact(ctx: AppContext, actor: Actor, input: CreateContactInput): Promise<Contact> {
  const row = newContactRow({
    first_name: input.firstName ?? null,
    last_name: input.lastName ?? null,
    emailaddress1: input.emailaddress1 ?? null,
    emailaddress2: input.emailaddress2 ?? null,
    emailaddress3: input.emailaddress3 ?? null,
    parent_account_id: input.parentAccountId ?? null,
    locale: input.locale ?? null,
    username: input.username ?? null,
    login_enabled: toFlag(input.loginEnabled ?? true),
  });
  const webRoleIds = [...new Set(input.webRoleIds ?? [])];
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await checkReferences(ctx, tx, input);
      await tx.insertInto('contacts').values(row).execute();
      await repo.replaceWebRoles(tx, row.id, webRoleIds);
      await writeAudit(tx, { actor, action: 'create', recordType: 'contact', recordId: row.id });
      await recordLifecycleEvent(tx, 'contact.created', { contactId: row.id, contact: contactData(row) });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw usernameTaken(input.username);
    throw err;
  }
  return toContact(row, webRoleIds.sort());
}

export async function getContact(ctx: AppContext, id: string): Promise<Contact> {
  const row = await repo.findContact(ctx.db, id);
  if (!row) throw notFound('The contact');
  return toContact(row, (await repo.webRoleIdsOfContact(ctx.db, id)) ?? []);
}

/**
 * How a contact is named where it is shown (a look-up, a view's column): its full name and email,
 * without its web roles. Names asked for in the same turn share one query (repo.findContact).
 */
export async function contactName(
  ctx: AppContext,
  id: string,
): Promise<{ id: string; fullName: string; emailaddress1: string | null } | undefined> {
  const row = await repo.findContact(ctx.db, id);
  return row && { id: row.id, fullName: fullNameOf(row), emailaddress1: row.emailaddress1 };
}

/**
 * The contacts whose full name (as fullNameOf builds it) is `fullName` and whose primary email is
 * `email` (null: none), both in any letter case, at most `limit`: what a typed name names, as
 * contactName shows them.
 */
export async function contactsNamed(
  ctx: AppContext,
  fullName: string,
  email: string | null,
  limit: number,
): Promise<{ id: string; fullName: string; emailaddress1: string | null }[]> {
  const rows = await repo.contactsNamed(ctx.db, fullName, email, limit);
  return rows.map((row) => ({ id: row.id, fullName: fullNameOf(row), emailaddress1: row.emailaddress1 }));
}

export type { ContactSortKey } from './contacts.repo.ts';

/**
 * A page of contacts: by creation (the API), or sorted by a column (the back office's view, `sort`),
 * each continuing after its cursor; a sorted page's cursor also carries the last row's sort value.
 */
export async function listContacts(
  ctx: AppContext,
  q: ContactListQuery & {
    sort?: SortOrder<repo.ContactSortKey> | undefined;
    /** `prefix`: the back office's Quick Find ("begins with"); the API's `q` matches anywhere. */
    match?: 'contains' | 'prefix' | undefined;
  },
): Promise<Page<Contact>> {
  const filter = { limit: q.limit, email: q.email, accountId: q.accountId, q: q.q, match: q.match };
  const sort = q.sort;
  const rows = sort
    ? await repo.listContacts(ctx.db, { ...filter, sort, sortedAfter: decodeSortedCursor(q.cursor) })
    : await repo.listContacts(ctx.db, { ...filter, after: decodeCursor(q.cursor) });
  const roles = await repo.webRoleIdsOf(
    ctx.db,
    rows.slice(0, q.limit).map((r) => r.id),
  );
  const map = (r: ContactRow) => toContact(r, roles.get(r.id) ?? []);
  return sort
    ? toSortedPage(rows, q.limit, (r) => repo.contactSortValue(sort.key, r), map)
    : toPage(rows, q.limit, map);
}

/** A contact's portal sign-in state, as the back office's Web Authentication section shows it. */
export interface ContactAuthentication {
  hasPassword: boolean;
  /** Locked out of portal sign-in until then (null or past: not locked). */
  lockoutEnd: string | null;
  lockedOut: boolean;
  accessFailedCount: number;
  lastSignInAt: string | null;
}

export async function getContactAuthentication(ctx: AppContext, id: string): Promise<ContactAuthentication> {
  const row = await repo.findContact(ctx.db, id);
  if (!row) throw notFound('The contact');
  return {
    hasPassword: row.password_hash !== null,
    lockoutEnd: row.lockout_end,
    lockedOut: row.lockout_end !== null && row.lockout_end > nowIso(),
    accessFailedCount: row.access_failed_count,
    lastSignInAt: row.last_sign_in_at,
  };
}

/** "Unlock": ends the contact's portal lockout and forgets its failed sign-ins (audited). */
export async function unlockContact(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await repo.clearLockout(tx, id, nowIso()))) throw notFound('The contact');
    await writeAudit(tx, { actor, action: 'unlock', recordType: 'contact', recordId: id });
  });
}

export async function updateContact(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateContactInput,
): Promise<Contact> {
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const current = await repo.findContact(tx, id);
      if (!current) throw notFound('The contact');
      await checkReferences(ctx, tx, input);
      const changes: Partial<ContactRow> = { updated_at: nowIso() };
      if (input.firstName !== undefined) changes.first_name = input.firstName;
      if (input.lastName !== undefined) changes.last_name = input.lastName;
      if (input.emailaddress1 !== undefined) {
        changes.emailaddress1 = input.emailaddress1;
        // A changed primary email is no longer the confirmed one.
        if ((input.emailaddress1 ?? '').toLowerCase() !== (current.emailaddress1 ?? '').toLowerCase()) {
          changes.email_confirmed = 0;
          // A new address is worth trying again (a hard bounce marked the old one).
          changes.emailaddress1_undeliverable = null;
        }
      }
      if (input.emailaddress2 !== undefined) changes.emailaddress2 = input.emailaddress2;
      if (input.emailaddress3 !== undefined) changes.emailaddress3 = input.emailaddress3;
      if (input.parentAccountId !== undefined) changes.parent_account_id = input.parentAccountId;
      if (input.locale !== undefined) changes.locale = input.locale;
      if (input.username !== undefined) changes.username = input.username;
      if (input.loginEnabled !== undefined) changes.login_enabled = toFlag(input.loginEnabled);
      const next = { ...current, ...changes };
      if (!next.first_name && !next.last_name && !next.emailaddress1) {
        throw validationFailed('lastName', 'a contact needs a first name, a last name or an email address');
      }
      await tx.updateTable('contacts').set(changes).where('id', '=', id).execute();
      if (input.webRoleIds !== undefined) await repo.replaceWebRoles(tx, id, input.webRoleIds);
      await writeAudit(tx, {
        actor,
        action: 'update',
        recordType: 'contact',
        recordId: id,
        details: { fields: Object.keys(input) },
      });
      const roles = await repo.webRoleIdsOf(tx, [id]);
      return toContact(next, roles.get(id) ?? []);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw usernameTaken(input.username);
    throw err;
  }
}

export async function deleteContact(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    // Locked first, so an invitation naming it commits before its usage is counted, or finds it gone.
    if (!(await lockRow(tx, ctx.dialect, 'contacts', id, 'update'))) throw notFound('The contact');
    const usage = await repo.contactUsage(tx, id);
    const uses = [
      usage.invited && `${usage.invited} invitation(s) invite it`,
      usage.inviter && `it is the inviter on ${usage.inviter} invitation(s)`,
      usage.redeemed && `it has redeemed ${usage.redeemed} invitation(s)`,
    ].filter(Boolean);
    if (uses.length > 0) throw conflict(`The contact is in use: ${uses.join('; ')}. Disable its login instead.`);
    await tx.deleteFrom('contacts').where('id', '=', id).execute();
    await writeAudit(tx, { actor, action: 'delete', recordType: 'contact', recordId: id });
  });
}

/** "Change Password": sets a contact's portal password and ends the lockout. */
export async function setContactPassword(ctx: AppContext, actor: Actor, id: string, password: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw validationFailed('password', problem);
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('contacts')
      .set({
        password_hash: passwordHash,
        access_failed_count: 0,
        lockout_end: null,
        security_stamp: randomToken(16),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound('The contact');
    await endSessionsOfContact(tx, id);
    await writeAudit(tx, { actor, action: 'change-password', recordType: 'contact', recordId: id });
  });
}
