// Use cases for invitations: create (one, for a contact, in bulk), read, list, edit, deactivate,
// activate, reveal the link, delete. Status changes are guarded updates inside transactions.
import type { AppContext, Actor } from '../context.ts';
import type { Db, Tx } from '../db/types.ts';
import type { Selectable } from 'kysely';
import type { InvitationRow, RedemptionsTable } from '../db/schema.ts';
import { AppError, conflict, notFound, validationFailed } from '../shared/errors.ts';
import { lockRow, lockRows } from '../db/row-locks.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import {
  decodeCursor,
  decodeSortedCursor,
  toPage,
  toSortedPage,
  type Page,
  type SortOrder,
} from '../shared/pagination.ts';
import { writeAudit, writeAudits } from '../audit/audit.repo.ts';
import { recordLifecycleEvent, recordLifecycleEvents } from '../lifecycle-events/lifecycle-events.ts';
import { invitationData } from '../lifecycle-events/event-data.ts';
import { settingValueIn } from '../site-settings/site-settings.service.ts';
import { requireAdmin } from '../users/users.service.ts';
import { assertWebRolesExist } from '../web-roles/web-roles.service.ts';
import { lockAccountForReference } from '../accounts/accounts.service.ts';
import { fullNameOf } from '../contacts/contacts.service.ts';
import { findContact } from '../contacts/contacts.repo.ts';
import { decryptCode, encryptCode, generateCode, hashCode, redeemUrl } from './codes.ts';
import type {
  BulkCreateInput,
  BulkCreated,
  CreateInvitationInput,
  CreatedInvitation,
  Invitation,
  InvitationListQuery,
  InvitationSettings,
  InvitationStatus,
  UpdateInvitationInput,
} from './invitations.schema.ts';
import * as repo from './invitations.repo.ts';
import { coalesced } from '../db/coalesce.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { planReminders, remindersOf, type ReminderView } from './reminders.repo.ts';

// ---------------------------------------------------------------------------------------------
// Reading

/** The status a person sees: a new or sent invitation at or past its expiry is expired. */
export function effectiveStatus(
  row: Pick<InvitationRow, 'status' | 'expires_at'>,
  now: string = nowIso(),
): InvitationStatus {
  if ((row.status === 'new' || row.status === 'sent') && row.expires_at !== null && row.expires_at <= now)
    return 'expired';
  return row.status;
}

const parseDomains = (s: string | null): string[] => (s ? (JSON.parse(s) as string[]) : []);

interface Links {
  invited: Map<string, string[]>;
  roles: Map<string, string[]>;
  redeemed: Map<string, string[]>;
  reminders: Map<string, ReminderView[]>;
}

async function loadLinks(db: Db | Tx, ids: string[]): Promise<Links> {
  return {
    invited: await repo.invitedContactIdsOf(db, ids),
    roles: await repo.webRoleIdsOf(db, ids),
    redeemed: await repo.redeemedContactIdsOf(db, ids),
    reminders: await remindersOf(db, ids),
  };
}

export function toInvitation(r: InvitationRow, links: Links, now: string = nowIso()): Invitation {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    ownerId: r.owner_id,
    expiresAt: r.expires_at,
    inviterContactId: r.inviter_contact_id,
    invitedContactIds: links.invited.get(r.id) ?? [],
    assignToAccountId: r.assign_to_account_id,
    redeemWorkflowId: r.redeem_workflow_id,
    webRoleIds: links.roles.get(r.id) ?? [],
    maxRedemptions: r.max_redemptions,
    binding: r.binding,
    allowedDomains: parseDomains(r.allowed_domains),
    locale: r.locale === 'da' || r.locale === 'en' ? r.locale : null,
    signInProviderId: r.sign_in_provider_id ?? null,
    status: effectiveStatus(r, now),
    redemptionCount: r.redemption_count,
    redeemedContactIds: links.redeemed.get(r.id) ?? [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
    reminderSchedule: r.reminder_schedule,
    reminders: links.reminders.get(r.id) ?? [],
  };
}

/** The links of one invitation; lookups of the same turn share their three queries. */
const linksOfOne = coalesced(async (db: Db | Tx, ids: string[]) => {
  const links = await loadLinks(db, ids);
  return new Map(ids.map((id) => [id, links]));
});

async function present(db: Db | Tx, row: InvitationRow): Promise<Invitation> {
  return toInvitation(row, (await linksOfOne(db, row.id)) as Links);
}

/** The encrypted copy of an invitation's code (null when it keeps none), or undefined when there is no such invitation. */
export async function encryptedCodeOf(ctx: AppContext, id: string): Promise<string | null | undefined> {
  return (await repo.findInvitation(ctx.db, id))?.code_encrypted;
}

export async function getInvitation(ctx: AppContext, id: string): Promise<Invitation> {
  const row = await repo.findInvitation(ctx.db, id);
  if (!row) throw notFound('The invitation');
  return present(ctx.db, row);
}

/**
 * A page of invitations: by creation (the API), or — with `sort` (the back office's views) — by
 * name, expiry or creation, either way, with a cursor that continues that order.
 */
export async function listInvitations(
  ctx: AppContext,
  q: InvitationListQuery & {
    sort?: SortOrder<repo.InvitationSortKey> | undefined;
    /** `prefix`: the back office's Quick Find ("begins with"); the API's `q` matches anywhere. */
    match?: 'contains' | 'prefix' | undefined;
  },
): Promise<Page<Invitation>> {
  const now = nowIso();
  const { sort, cursor, ...filter } = q;
  const rows = sort
    ? await repo.listInvitations(ctx.db, { ...filter, sort, sortedAfter: decodeSortedCursor(cursor), now })
    : await repo.listInvitations(ctx.db, { ...filter, after: decodeCursor(cursor), now });
  const links = await loadLinks(
    ctx.db,
    rows.slice(0, q.limit).map((r) => r.id),
  );
  const map = (r: InvitationRow) => toInvitation(r, links, now);
  if (!sort) return toPage(rows, q.limit, map);
  const value = {
    name: (r: InvitationRow) => r.name,
    expiresAt: (r: InvitationRow) => r.expires_at,
    createdAt: (r: InvitationRow) => r.id,
  };
  return toSortedPage(rows, q.limit, value[sort.key], map);
}

/** The invitations named `name` in any letter case (at most `limit`), as ids and names. */
export const invitationsNamed = (
  ctx: AppContext,
  name: string,
  limit: number,
): Promise<{ id: string; name: string }[]> => repo.invitationsNamed(ctx.db, name, limit);

/** Finds an invitation by its code as a person typed it (any letter case, hyphens and spaces optional). */
export async function findInvitationByCode(
  ctx: AppContext,
  db: Db | Tx,
  code: string,
): Promise<InvitationRow | undefined> {
  if (code.length > 200) return undefined;
  return repo.findInvitationByCodeHash(db, hashCode(ctx.secrets, code));
}

const toRedemption = (r: Selectable<RedemptionsTable>) => ({
  id: r.id,
  invitationId: r.invitation_id,
  contactId: r.contact_id,
  redeemedAt: r.redeemed_at,
  ipAddress: r.ip_address,
  userAgent: r.user_agent,
  signInMethod: r.sign_in_method,
});

/** Every redemption activity, newest first (the back office's Invitation Redemptions view). */
export async function listAllRedemptions(ctx: AppContext, q: { limit: number; cursor?: string | undefined }) {
  const rows = await repo.listAllRedemptions(ctx.db, q.limit, decodeCursor(q.cursor));
  return toPage(rows, q.limit, toRedemption);
}

export async function listRedemptions(ctx: AppContext, id: string, q: { limit: number; cursor?: string | undefined }) {
  if (!(await repo.findInvitation(ctx.db, id))) throw notFound('The invitation');
  const rows = await repo.listRedemptions(ctx.db, id, q.limit, decodeCursor(q.cursor));
  return toPage(rows, q.limit, toRedemption);
}

/** The redemptions a contact made (the contact form's related list), oldest first. */
export async function listRedemptionsOfContact(
  ctx: AppContext,
  contactId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const rows = await repo.listRedemptionsOfContact(ctx.db, contactId, q.limit, decodeCursor(q.cursor));
  return toPage(rows, q.limit, toRedemption);
}

// ---------------------------------------------------------------------------------------------
// Validation shared by create, edit and bulk

interface References {
  invitedContactIds?: readonly string[] | undefined;
  inviterContactId?: string | null | undefined;
  assignToAccountId?: string | null | undefined;
  webRoleIds?: readonly string[] | undefined;
  ownerId?: string | null | undefined;
  redeemWorkflowId?: string | null | undefined;
  signInProviderId?: string | null | undefined;
  /** The user creating the invitation (its created_by, and its owner unless ownerId names one). */
  creatorId?: string | null | undefined;
}

async function checkReferences(
  ctx: AppContext,
  tx: Tx,
  refs: References,
  invitedField = 'invitedContactIds',
): Promise<void> {
  // Every record named is share-locked until the transaction ends (db/row-locks.ts): a delete
  // racing this reference waits for it and then counts it (409), or runs first and this finds the
  // record gone (422), never a foreign-key error.
  const noSuch = (field: string, what: string, gone: readonly string[]) =>
    validationFailed(
      field,
      `no such ${what}: ${gone.slice(0, 10).join(', ')}${gone.length > 10 ? ` and ${gone.length - 10} more` : ''}`,
    );
  const contacts = [...(refs.invitedContactIds ?? []), ...(refs.inviterContactId ? [refs.inviterContactId] : [])];
  const goneContacts = await lockRows(tx, ctx.dialect, 'contacts', contacts, 'share');
  const goneInvited = (refs.invitedContactIds ?? []).filter((id) => goneContacts.includes(id));
  if (goneInvited.length > 0) throw noSuch(invitedField, 'contact', [...new Set(goneInvited)]);
  if (refs.inviterContactId && goneContacts.includes(refs.inviterContactId))
    throw noSuch('inviterContactId', 'contact', [refs.inviterContactId]);
  if (refs.assignToAccountId && !(await lockAccountForReference(tx, ctx.dialect, refs.assignToAccountId)))
    throw validationFailed('assignToAccountId', 'no such account');
  // Owner and creator in one statement, so in id order like every lock of users (no deadlock with a delete).
  const users = [refs.ownerId, refs.creatorId].filter((id): id is string => Boolean(id));
  const goneUsers = await lockRows(tx, ctx.dialect, 'system_users', users, 'share');
  if (refs.ownerId && goneUsers.includes(refs.ownerId)) throw noSuch('ownerId', 'system user', [refs.ownerId]);
  if (refs.creatorId && goneUsers.includes(refs.creatorId))
    throw new AppError('unauthorized', 'Your user has been deleted.');
  if (refs.webRoleIds) await assertWebRolesExist(tx, refs.webRoleIds, 'webRoleIds', ctx.dialect);
  if (
    refs.signInProviderId &&
    (await lockRows(tx, ctx.dialect, 'identity_providers', [refs.signInProviderId], 'share')).length > 0
  )
    throw validationFailed('signInProviderId', 'no such identity provider');
  if (refs.redeemWorkflowId) {
    if (!(await lockRow(tx, ctx.dialect, 'workflows', refs.redeemWorkflowId, 'share')))
      throw validationFailed('redeemWorkflowId', 'no such workflow');
    const wf = await tx
      .selectFrom('workflows')
      .select(['primary_entity'])
      .where('id', '=', refs.redeemWorkflowId)
      .executeTakeFirst();
    if (!wf) throw validationFailed('redeemWorkflowId', 'no such workflow');
    if (wf.primary_entity !== 'contact')
      throw validationFailed(
        'redeemWorkflowId',
        'the workflow run on redemption must have contact as its primary record',
      );
  }
}

function checkExpiry(expiresAt: string | null | undefined, now: string): void {
  if (expiresAt && expiresAt <= now) throw validationFailed('expiresAt', 'must be in the future');
}

/** Binding and domains as they will be stored, or a 422 naming the field. */
function resolveBinding(binding: InvitationRow['binding'], domains: string[]): string | null {
  if (binding === 'email-domain') {
    if (domains.length === 0)
      throw validationFailed('allowedDomains', 'the email-domain binding needs at least one domain');
    return JSON.stringify([...new Set(domains)]);
  }
  if (domains.length > 0) throw validationFailed('allowedDomains', 'domains go with the email-domain binding only');
  return null;
}

function resolveMax(type: 'single' | 'group', max: number | null | undefined): number | null {
  if (type === 'single') {
    if (max !== undefined && max !== null && max !== 1)
      throw validationFailed(
        'maxRedemptions',
        'only group invitations take a maximum; a single invitation is redeemed once',
      );
    return 1;
  }
  return max ?? null;
}

// ---------------------------------------------------------------------------------------------
// Creating

interface NewRow {
  row: InvitationRow;
  code: string;
}

/** The binding a new invitation gets when it names none: the site's `Invitations/DefaultBinding`. */
async function defaultBinding(tx: Tx): Promise<InvitationRow['binding']> {
  const value = await settingValueIn(tx, 'Invitations/DefaultBinding');
  // PUT checks the value; one written to the table by hand falls back to the classic behaviour.
  return value === 'invited-email' ? 'invited-email' : 'any';
}

function buildRow(
  ctx: AppContext,
  actor: Actor,
  type: 'single' | 'group',
  name: string,
  s: InvitationSettings,
  now: string,
  fallbackBinding: InvitationRow['binding'],
  chosenCode?: string,
): NewRow {
  const code = chosenCode?.trim() || generateCode();
  const binding = s.binding ?? fallbackBinding;
  return {
    code,
    row: {
      id: newId(),
      name,
      type,
      owner_id: s.ownerId ?? (actor.type === 'user' ? actor.id : null),
      code_hash: hashCode(ctx.secrets, code),
      code_encrypted: encryptCode(ctx.secrets, code),
      expires_at: s.expiresAt ?? null,
      inviter_contact_id: s.inviterContactId ?? null,
      assign_to_account_id: s.assignToAccountId ?? null,
      redeem_workflow_id: s.redeemWorkflowId ?? null,
      max_redemptions: resolveMax(type, s.maxRedemptions),
      redemption_count: 0,
      status: 'new',
      status_before_inactive: null,
      binding,
      allowed_domains: resolveBinding(binding, s.allowedDomains ?? []),
      locale: s.locale ?? null,
      sign_in_provider_id: s.signInProviderId ?? null,
      created_by: actor.type === 'user' ? actor.id : null,
      created_at: now,
      updated_at: now,
      sent_at: null,
      reminder_schedule: s.reminderSchedule ?? null,
    },
  };
}

/** A chosen code: admins only (403 otherwise). Its uniqueness is the unique index on the hash (see codeTaken). */
export function checkChosenCode(actor: Actor, code: string | undefined): void {
  if (code !== undefined) requireAdmin(actor);
}

/** The 409 for a chosen code another invitation has: the unique constraint on code_hash decided. */
export async function codeTaken<T>(work: () => Promise<T>, chosen: boolean): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (chosen && isUniqueViolation(err))
      throw conflict('This code is already in use by another invitation; choose another one.');
    throw err;
  }
}

const withCode = (inv: Invitation, ctx: AppContext, code: string): CreatedInvitation => ({
  ...inv,
  code,
  redeemUrl: redeemUrl(ctx.config.publicUrl, code),
});

export async function createInvitation(
  ctx: AppContext,
  actor: Actor,
  input: CreateInvitationInput,
): Promise<CreatedInvitation> {
  const now = nowIso();
  checkExpiry(input.expiresAt, now);
  const invited = [...new Set(input.invitedContactIds)];
  if (input.type === 'single' && invited.length !== 1)
    throw validationFailed('invitedContactIds', 'a single invitation invites exactly one contact');
  checkChosenCode(actor, input.code);
  // A code collision (p ≈ 2^-138) would violate the unique index and roll the transaction back;
  // a chosen code that is taken does the same, and answers 409.
  const built = await codeTaken(
    () => ctx.db.transaction().execute((tx) => createInvitationInTransaction(ctx, tx, actor, input)),
    input.code !== undefined,
  );
  return withCode(await present(ctx.db, built.row), ctx, built.code);
}

/**
 * Creates an invitation inside the caller's transaction (a workflow step creates one together with
 * its step log, so a retried run never creates it twice). Returns the row and the plain code.
 */
export async function createInvitationInTransaction(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  input: CreateInvitationInput,
): Promise<{ row: InvitationRow; code: string }> {
  const now = nowIso();
  checkExpiry(input.expiresAt, now);
  const invited = [...new Set(input.invitedContactIds)];
  if (input.type === 'single' && invited.length !== 1)
    throw validationFailed('invitedContactIds', 'a single invitation invites exactly one contact');
  const built = buildRow(ctx, actor, input.type, input.name, input, now, await defaultBinding(tx), input.code);
  await checkReferences(ctx, tx, { ...input, invitedContactIds: invited, creatorId: built.row.created_by });
  await repo.insertInvitations(tx, [built.row]);
  await repo.insertLinks(
    tx,
    'invitation_invited_contacts',
    invited.map((c) => [built.row.id, c]),
  );
  await repo.insertLinks(
    tx,
    'invitation_web_roles',
    [...new Set(input.webRoleIds ?? [])].map((w) => [built.row.id, w]),
  );
  await writeAudit(tx, {
    actor,
    action: 'create',
    recordType: 'invitation',
    recordId: built.row.id,
    details: {
      name: input.name,
      type: input.type,
      invitedContacts: invited.length,
      ...(input.code !== undefined ? { chosenCode: true } : {}),
    },
  });
  await recordLifecycleEvent(tx, 'invitation.created', invitationData(built.row));
  return built;
}

/** The name an invitation for one contact gets when none is given ("Create Invitation", bulk). */
export const defaultInvitationName = (contactFullName: string): string => `Invitation for ${contactFullName}`;

/** "Create Invitation" on one contact: a new single invitation for it. */
export async function createInvitationForContact(
  ctx: AppContext,
  actor: Actor,
  contactId: string,
  settings: InvitationSettings & { code?: string | undefined },
): Promise<CreatedInvitation> {
  const contact = await findContact(ctx.db, contactId);
  if (!contact) throw notFound('The contact');
  const name = settings.name ?? defaultInvitationName(fullNameOf(contact));
  return createInvitation(ctx, actor, { ...settings, name, type: 'single', invitedContactIds: [contactId] });
}

/** One single invitation per contact with shared settings, all or nothing. Codes go out by email only. */
export async function bulkCreateInvitations(
  ctx: AppContext,
  actor: Actor,
  input: BulkCreateInput,
): Promise<BulkCreated> {
  const now = nowIso();
  const s = input.settings;
  checkExpiry(s.expiresAt, now);
  // The same contact named twice gets one invitation.
  const contactIds = [...new Set(input.contactIds)];
  return ctx.db.transaction().execute(async (tx) => {
    const creatorId = actor.type === 'user' ? actor.id : null;
    await checkReferences(ctx, tx, { ...s, invitedContactIds: contactIds, creatorId }, 'contactIds');
    const contacts = new Map<
      string,
      { first_name: string | null; last_name: string | null; emailaddress1: string | null }
    >();
    for (let i = 0; i < contactIds.length; i += 5000) {
      const rows = await tx
        .selectFrom('contacts')
        .select(['id', 'first_name', 'last_name', 'emailaddress1'])
        .where('id', 'in', contactIds.slice(i, i + 5000))
        .execute();
      for (const r of rows) contacts.set(r.id, r);
    }
    const fallbackBinding = await defaultBinding(tx);
    const built = contactIds.map((contactId) => {
      const c = contacts.get(contactId);
      const name = s.name ?? defaultInvitationName(c ? fullNameOf(c) : contactId);
      return { contactId, ...buildRow(ctx, actor, 'single', name, s, now, fallbackBinding) };
    });
    await repo.insertInvitations(
      tx,
      built.map((b) => b.row),
    );
    await repo.insertLinks(
      tx,
      'invitation_invited_contacts',
      built.map((b) => [b.row.id, b.contactId]),
    );
    const roles = [...new Set(s.webRoleIds ?? [])];
    if (roles.length > 0)
      await repo.insertLinks(
        tx,
        'invitation_web_roles',
        built.flatMap((b) => roles.map((w): [string, string] => [b.row.id, w])),
      );
    await writeAudits(
      tx,
      built.map((b) => ({
        actor,
        action: 'create',
        recordType: 'invitation',
        recordId: b.row.id,
        details: { name: b.row.name, type: 'single', invitedContacts: 1, bulk: true },
      })),
      now,
    );
    await recordLifecycleEvents(
      tx,
      'invitation.created',
      built.map((b) => invitationData(b.row)),
    );
    return {
      items: built.map((b) => ({ id: b.row.id, contactId: b.contactId })),
      contactsWithoutEmail: contactIds.filter((id) => !contacts.get(id)?.emailaddress1),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Changing

/** Fields that may still change once the invitation has been sent. */
const EDITABLE_AFTER_SENDING = new Set([
  'name',
  'expiresAt',
  'assignToAccountId',
  'webRoleIds',
  'redeemWorkflowId',
  'maxRedemptions',
  'invitedContactIds',
  'reminderSchedule',
]);

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

export async function updateInvitation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateInvitationInput,
): Promise<Invitation> {
  const now = nowIso();
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockInvitation(tx, ctx.dialect, id);
    if (!current) throw notFound('The invitation');
    if (input.type !== undefined && input.type !== current.type)
      throw validationFailed('type', 'cannot change after the invitation was created');
    if (current.status === 'inactive') throw conflict('The invitation is deactivated; activate it before editing.');
    if (current.status === 'redeemed') throw conflict('The invitation has been redeemed and can no longer be edited.');
    if (current.status === 'declined')
      throw conflict('The invitee declined the invitation; it can no longer be edited.');

    const links = await loadLinks(tx, [id]);
    const before = toInvitation(current, links, now);
    // Only what actually changes counts; sending the record back as it is changes nothing.
    const changed = (Object.keys(input) as Array<keyof UpdateInvitationInput>).filter((k) => {
      if (k === 'type') return false;
      const next = input[k];
      const prev = before[k as keyof Invitation];
      if (Array.isArray(next) && Array.isArray(prev)) return !sameSet(next as string[], prev as string[]);
      return next !== prev;
    });
    if (current.status === 'sent' || current.sent_at !== null) {
      const locked = changed.filter(
        (k) => !EDITABLE_AFTER_SENDING.has(k) || (k === 'invitedContactIds' && current.type === 'single'),
      );
      if (locked.length > 0) throw conflict(`The invitation has been sent; ${locked.join(', ')} can no longer change.`);
    }
    if (changed.includes('expiresAt')) checkExpiry(input.expiresAt, now);
    if (input.invitedContactIds && current.type === 'single' && new Set(input.invitedContactIds).size !== 1) {
      throw validationFailed('invitedContactIds', 'a single invitation invites exactly one contact');
    }
    await checkReferences(ctx, tx, input);

    const changes: Partial<InvitationRow> = { updated_at: now };
    if (input.name !== undefined) changes.name = input.name;
    if (input.ownerId !== undefined) changes.owner_id = input.ownerId;
    if (input.expiresAt !== undefined) changes.expires_at = input.expiresAt;
    if (input.inviterContactId !== undefined) changes.inviter_contact_id = input.inviterContactId;
    if (input.assignToAccountId !== undefined) changes.assign_to_account_id = input.assignToAccountId;
    if (input.redeemWorkflowId !== undefined) changes.redeem_workflow_id = input.redeemWorkflowId;
    if (input.locale !== undefined) changes.locale = input.locale;
    if (input.signInProviderId !== undefined) changes.sign_in_provider_id = input.signInProviderId;
    if (input.reminderSchedule !== undefined) changes.reminder_schedule = input.reminderSchedule;
    // A swept expired invitation given a new expiry in the future is open again.
    if (
      current.status === 'expired' &&
      input.expiresAt !== undefined &&
      (input.expiresAt === null || input.expiresAt > now)
    )
      changes.status = current.sent_at ? 'sent' : 'new';
    if (input.maxRedemptions !== undefined) {
      const max = resolveMax(current.type, input.maxRedemptions);
      if (max !== null && max < current.redemption_count)
        throw validationFailed('maxRedemptions', `is below the ${current.redemption_count} redemptions already made`);
      changes.max_redemptions = max;
      if (current.type === 'group' && max !== null && max === current.redemption_count) changes.status = 'redeemed';
    }
    if (input.binding !== undefined || input.allowedDomains !== undefined) {
      const binding = input.binding ?? current.binding;
      const domains =
        input.allowedDomains ??
        (input.binding !== undefined && input.binding !== 'email-domain' ? [] : parseDomains(current.allowed_domains));
      changes.binding = binding;
      changes.allowed_domains = resolveBinding(binding, domains);
    }
    // Guarded: the row must still be editable when the update lands.
    const result = await tx
      .updateTable('invitations')
      .set(changes)
      .where('id', '=', id)
      .where('status', 'not in', ['inactive', 'redeemed', 'declined'])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw conflict('The invitation changed while it was being edited; try again.');
    if (input.invitedContactIds !== undefined) await repo.replaceInvitedContacts(tx, id, input.invitedContactIds);
    if (input.webRoleIds !== undefined) await repo.replaceWebRoles(tx, id, input.webRoleIds);
    // The reminders follow a new expiry or schedule.
    if (changed.includes('expiresAt') || changed.includes('reminderSchedule'))
      await planReminders(tx, { ...current, ...changes }, now);
    await writeAudit(tx, {
      actor,
      action: 'update',
      recordType: 'invitation',
      recordId: id,
      details: { fields: changed },
    });
    return present(tx, { ...current, ...changes });
  });
}

/**
 * Deactivates an invitation. `only` is a portal inviter's: someone else's invitation is not found
 * (so ids tell nothing), and only an open one (new or sent, not expired) can be deactivated.
 */
export async function deactivateInvitation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  only?: { inviterContactId: string },
): Promise<Invitation> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockInvitation(tx, ctx.dialect, id);
    if (!current || (only && current.inviter_contact_id !== only.inviterContactId)) throw notFound('The invitation');
    if (only && !['new', 'sent'].includes(effectiveStatus(current)))
      throw conflict(
        `Only an open invitation can be deactivated (this one is ${effectiveStatus(current)}).`,
        'invitation-not-open',
      );
    if (current.status === 'inactive') throw conflict('The invitation is already deactivated.');
    const now = nowIso();
    const result = await tx
      .updateTable('invitations')
      .set({ status: 'inactive', status_before_inactive: current.status, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', current.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict('The invitation changed at the same moment; try again.');
    await writeAudit(tx, {
      actor,
      action: 'deactivate',
      recordType: 'invitation',
      recordId: id,
      details: { from: current.status },
    });
    await recordLifecycleEvent(tx, 'invitation.deactivated', invitationData({ ...current, status: 'inactive' }));
    return present(tx, { ...current, status: 'inactive', status_before_inactive: current.status, updated_at: now });
  });
}

export async function activateInvitation(ctx: AppContext, actor: Actor, id: string): Promise<Invitation> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockInvitation(tx, ctx.dialect, id);
    if (!current) throw notFound('The invitation');
    if (current.status !== 'inactive') throw conflict('The invitation is not deactivated.');
    const restored = (current.status_before_inactive ?? 'new') as InvitationRow['status'];
    const now = nowIso();
    const result = await tx
      .updateTable('invitations')
      .set({ status: restored, status_before_inactive: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'inactive')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict('The invitation changed at the same moment; try again.');
    await writeAudit(tx, {
      actor,
      action: 'activate',
      recordType: 'invitation',
      recordId: id,
      details: { to: restored },
    });
    await recordLifecycleEvent(tx, 'invitation.activated', invitationData({ ...current, status: restored }));
    return present(tx, { ...current, status: restored, status_before_inactive: null, updated_at: now });
  });
}

/** Admins only: the code and link again, from the encrypted copy. Audited; the code never enters the log. */
export async function revealInvitationLink(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ code: string; redeemUrl: string }> {
  requireAdmin(actor);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findInvitation(tx, id);
    if (!row) throw notFound('The invitation');
    if (!row.code_encrypted) throw conflict('This invitation keeps no recoverable copy of its code.');
    let code: string;
    try {
      code = decryptCode(ctx.secrets, row.code_encrypted);
    } catch {
      throw conflict('The code cannot be recovered with the current SECRET_KEY.');
    }
    await writeAudit(tx, { actor, action: 'reveal-link', recordType: 'invitation', recordId: id });
    return { code, redeemUrl: redeemUrl(ctx.config.publicUrl, code) };
  });
}

export async function deleteInvitation(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockInvitation(tx, ctx.dialect, id);
    if (!current) throw notFound('The invitation');
    if (current.status !== 'new' || current.sent_at !== null || current.redemption_count > 0) {
      throw conflict(
        `Only a new invitation that was never sent or redeemed can be deleted (this one is ${effectiveStatus(current)}); deactivate it instead.`,
      );
    }
    await tx
      .deleteFrom('invitations')
      .where('id', '=', id)
      .where('status', '=', 'new')
      .where('redemption_count', '=', 0)
      .execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'invitation',
      recordId: id,
      details: { name: current.name },
    });
  });
}
