// Queries on invitations and their link tables.
import { insertLinks as insertLinkRows, replaceLinks } from '../db/link-sets.ts';
import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db, Dialect, Tx } from '../db/types.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import type { Database, InvitationRow } from '../db/schema.ts';
import { equalsCiByPrefixIndex, wordsMatchCi } from '../db/sql.ts';
import type { InvitationStatus } from './invitations.schema.ts';
import { byId, coalesced } from '../db/coalesce.ts';
import { prepared } from '../db/prepared.ts';
import { sortedPage } from '../db/keyset.ts';
import type { SortedAfter, SortOrder } from '../shared/pagination.ts';

/** The orders of the back office's invitation views (the API lists by id, which is creation order). */
export const invitationSortKeys = ['name', 'expiresAt', 'createdAt'] as const;
export type InvitationSortKey = (typeof invitationSortKeys)[number];
const sortColumns = { name: 'name', expiresAt: 'expires_at' } as const;

/** An invitation by id; lookups of the same turn share one query (see db/coalesce.ts). */
export const findInvitation = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('invitations').selectAll().where('id', 'in', ids).execute()),
);

/** Reads an invitation for change: on PostgreSQL the row is locked until the transaction ends. */
export function lockInvitation(tx: Tx, dialect: Dialect, id: string): Promise<InvitationRow | undefined> {
  const q = tx.selectFrom('invitations').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

/**
 * Locks the invitations of `ids` that no other transaction holds (PostgreSQL `FOR UPDATE SKIP
 * LOCKED`: a batch job leaves the busy ones to its next round; SQLite's one writer holds them all).
 */
export function lockFreeInvitations(tx: Tx, dialect: Dialect, ids: readonly string[]): Promise<InvitationRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const q = tx
    .selectFrom('invitations')
    .selectAll()
    .where('id', 'in', [...ids]);
  return (dialect === 'postgres' ? q.forUpdate().skipLocked() : q).execute();
}

const byCodeHash = prepared(['codeHash'], (db, p) =>
  db.selectFrom('invitations').selectAll().where('code_hash', '=', p('codeHash')),
);
/** The invitation of a code's keyed hash (every redemption and preview asks: compiled once, see db/prepared.ts). */
export const findInvitationByCodeHash = async (db: Db | Tx, codeHash: string) =>
  (await byCodeHash.execute(db, { codeHash }))[0];

export interface ListFilter {
  limit: number;
  after?: string | undefined;
  status?: InvitationStatus | undefined;
  type?: 'single' | 'group' | undefined;
  invitedContactId?: string | undefined;
  inviterContactId?: string | undefined;
  ownerId?: string | undefined;
  expiringBefore?: string | undefined;
  q?: string | undefined;
  /**
   * How `q` matches the name: anywhere (the API), or at its start (the back office's Quick Find).
   * Several words: each anywhere, or the first at its start and the others at the start of a word (db/sql.ts wordsMatchCi).
   */
  match?: 'contains' | 'prefix' | undefined;
  now: string;
  /**
   * A sorted view (the back office), continuing after `sortedAfter`. Name and expiry go through
   * db/keyset.ts (indexes of migration 0008 on the same expressions, with and without status);
   * creation order is id order (UUIDv7), so `createdAt` pages by id in either direction.
   */
  sort?: SortOrder<InvitationSortKey> | undefined;
  sortedAfter?: SortedAfter | undefined;
}

type InvitationQuery = SelectQueryBuilder<Database, 'invitations', InvitationRow>;

export async function listInvitations(db: Db, f: ListFilter): Promise<InvitationRow[]> {
  let query: InvitationQuery = db.selectFrom('invitations').selectAll();
  if (f.type) query = query.where('type', '=', f.type);
  if (f.ownerId) query = query.where('owner_id', '=', f.ownerId);
  if (f.inviterContactId) query = query.where('inviter_contact_id', '=', f.inviterContactId);
  if (f.expiringBefore) query = query.where('expires_at', '<', f.expiringBefore);
  if (f.q) query = query.where(wordsMatchCi(db, 'name', f.q, f.match));
  if (f.invitedContactId) {
    const contactId = f.invitedContactId;
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('invitation_invited_contacts').select('invitation_id').where('contact_id', '=', contactId),
    );
  }
  // "expired" is derived: a new or sent invitation at or past its expiry shows as expired.
  if (f.status === 'expired') {
    if (f.sort?.key === 'expiresAt') {
      // Sorted by expiry, the one OR query walks the whole expiry index past the open invitations;
      // each of its three parts follows invitations_status_expiry_sort instead, and their pages are
      // merged here (ISO times and ids order the same in JavaScript as in either database).
      // Bounded on both sides on the index's own expression (no expiry is '', below every time), so
      // the walk covers just the past expiries; a bound on expires_at itself would not bound it.
      const past = (status: 'new' | 'sent') =>
        query
          .where('status', '=', status)
          .where(sql<boolean>`coalesce(expires_at, '') > ''`)
          .where(sql<boolean>`coalesce(expires_at, '') <= ${f.now}`);
      const parts = await Promise.all([
        inOrder(query.where('status', '=', 'expired'), f),
        inOrder(past('new'), f),
        inOrder(past('sent'), f),
      ]);
      const sign = f.sort.dir === 'asc' ? 1 : -1;
      const key = (r: InvitationRow) => `${r.expires_at ?? ''}|${r.id}`;
      return parts
        .flat()
        .sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0))
        .slice(0, f.limit + 1);
    }
    query = query.where((eb) =>
      eb.or([
        eb('status', '=', 'expired'),
        eb.and([eb('status', 'in', ['new', 'sent']), eb('expires_at', '<=', f.now)]),
      ]),
    );
  } else if (f.status === 'new' || f.status === 'sent') {
    query = query
      .where('status', '=', f.status)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', f.now)]));
  } else if (f.status) {
    query = query.where('status', '=', f.status);
  }
  return inOrder(query, f);
}

/** Invitations named `name` (any letter case), at most `limit`, by id: their ids and names. */
export const invitationsNamed = (db: Db | Tx, name: string, limit: number) =>
  db
    .selectFrom('invitations')
    .select(['id', 'name'])
    .where(equalsCiByPrefixIndex(db, 'name', name))
    .orderBy('id')
    .limit(limit)
    .execute();

/** A page of the filtered query in the list's order (the API's: by id), after the cursor. */
function inOrder(query: InvitationQuery, f: ListFilter): Promise<InvitationRow[]> {
  if (f.sort && f.sort.key !== 'createdAt')
    return sortedPage(query, sortColumns[f.sort.key], f.sort.dir, f.sortedAfter, f.limit).execute();
  const dir = f.sort?.dir ?? 'asc';
  const after = f.sort ? f.sortedAfter?.id : f.after;
  const q = after ? query.where('id', dir === 'asc' ? '>' : '<', after) : query;
  return q
    .orderBy('id', dir)
    .limit(f.limit + 1)
    .execute();
}

async function groupIds<K extends 'contact_id' | 'web_role_id'>(
  db: Db | Tx,
  table: 'invitation_invited_contacts' | 'invitation_web_roles' | 'redemptions',
  column: K,
  invitationIds: readonly string[],
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(invitationIds.map((id) => [id, []]));
  if (invitationIds.length === 0) return map;
  const rows = await db
    .selectFrom(table)
    .select([sql<string>`invitation_id`.as('invitation_id'), sql<string>`${sql.ref(column)}`.as('ref')])
    .where(sql.ref('invitation_id'), 'in', [...invitationIds])
    .orderBy(sql.ref(column))
    .execute();
  for (const r of rows) map.get(r.invitation_id)?.push(r.ref);
  return map;
}

export const invitedContactIdsOf = (db: Db | Tx, ids: readonly string[]) =>
  groupIds(db, 'invitation_invited_contacts', 'contact_id', ids);
export const webRoleIdsOf = (db: Db | Tx, ids: readonly string[]) =>
  groupIds(db, 'invitation_web_roles', 'web_role_id', ids);
export const redeemedContactIdsOf = (db: Db | Tx, ids: readonly string[]) =>
  groupIds(db, 'redemptions', 'contact_id', ids);

export const replaceInvitedContacts = (tx: Tx, invitationId: string, contactIds: readonly string[]): Promise<void> =>
  replaceLinks(tx, 'invitation_invited_contacts', invitationId, contactIds);

export const replaceWebRoles = (tx: Tx, invitationId: string, webRoleIds: readonly string[]): Promise<void> =>
  replaceLinks(tx, 'invitation_web_roles', invitationId, webRoleIds);

/** Batched insert of (invitation, contact or web role) pairs. */
export const insertLinks = (
  tx: Tx,
  table: 'invitation_invited_contacts' | 'invitation_web_roles',
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<void> => insertLinkRows(tx, table, pairs);

/** Batched insert of invitation rows. */
export async function insertInvitations(tx: Tx, rows: InvitationRow[]): Promise<void> {
  await insertChunked(tx, 'invitations', rows);
}

export function listRedemptions(db: Db, invitationId: string, limit: number, after?: string) {
  let q = db
    .selectFrom('redemptions')
    .selectAll()
    .where('invitation_id', '=', invitationId)
    .orderBy('id')
    .limit(limit + 1);
  if (after) q = q.where('id', '>', after);
  return q.execute();
}

/** The redemptions one contact made, by id (time order); the contact's index serves it. */
export function listRedemptionsOfContact(db: Db, contactId: string, limit: number, after?: string) {
  let q = db
    .selectFrom('redemptions')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('id')
    .limit(limit + 1);
  if (after) q = q.where('id', '>', after);
  return q.execute();
}

/** Every redemption, newest first (ids are time-ordered), continuing before `before`. */
export function listAllRedemptions(db: Db, limit: number, before?: string) {
  let q = db
    .selectFrom('redemptions')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before) q = q.where('id', '<', before);
  return q.execute();
}

/** Guarded: the invitation must still be sendable when the change lands. */
const markSent = prepared(['id', 'now'], (db, p) =>
  db
    .updateTable('invitations')
    .set({ status: 'sent', sent_at: p('now'), updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('status', 'in', ['new', 'sent'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p('now'))])),
);
/** Sets the invitation to sent (the Send Invitation step); false when it is no longer sendable. */
export const markInvitationSent = async (tx: Tx, id: string, now: string): Promise<boolean> =>
  (await markSent.affected(tx, { id, now })) === 1;

/** The guarded claim: one more redemption while the invitation is open and has places left. */
const claimOne = prepared(['invitationId', 'now'], (db, p) =>
  db
    .updateTable('invitations')
    .set((eb) => ({
      redemption_count: eb('redemption_count', '+', 1),
      status: eb
        .case()
        .when(
          eb.and([
            eb('max_redemptions', 'is not', null),
            eb(eb('redemption_count', '+', 1), '>=', eb.ref('max_redemptions')),
          ]),
        )
        .then('redeemed' as const)
        .else(eb.ref('status'))
        .end(),
      updated_at: p('now'),
    }))
    .where('id', '=', p('invitationId'))
    .where('status', 'in', ['new', 'sent'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p('now'))]))
    .where((eb) => eb.or([eb('max_redemptions', 'is', null), eb('redemption_count', '<', eb.ref('max_redemptions'))]))
    .returning(['assign_to_account_id', 'redeem_workflow_id']),
);

/**
 * Claims one redemption of the invitation, guarded: the affected row decides. Returns what the
 * invitation gives as it is at the claim, or undefined when it had no place left (or is closed).
 */
export async function claimRedemption(
  tx: Tx,
  invitationId: string,
  now: string,
): Promise<{ assign_to_account_id: string | null; redeem_workflow_id: string | null } | undefined> {
  const [claimed] = await claimOne.execute(tx, { invitationId, now });
  return claimed;
}

/**
 * How many invitations were created, sent, or expired without any redemption (`expires_at`, counted
 * up to `to` only) on each day (UTC) of [from, to). One range on one column per call, so that an index
 * on that column (none yet: see docs) makes it a range scan; without one it is a scan of the table.
 * Times are ISO text, so a day is its first ten characters and ranges compare as text on both databases.
 */
export async function invitationsPerDay(
  db: Db,
  column: 'created_at' | 'sent_at' | 'expires_at',
  range: { from: string; to: string },
): Promise<Array<{ day: string; n: number }>> {
  const col = sql.ref(column);
  const unredeemed = column === 'expires_at' ? sql`and redemption_count = 0` : sql``;
  const result = await sql<{ day: string; n: number | string }>`
    select substr(${col}, 1, 10) as day, count(*) as n
    from invitations
    where ${col} >= ${range.from} and ${col} < ${range.to} ${unredeemed}
    group by 1`.execute(db);
  return result.rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

/** How many invitations had their first redemption on each day (UTC) of [from, to). */
export async function firstRedemptionDays(
  db: Db,
  range: { from: string; to: string },
): Promise<Array<{ day: string; n: number }>> {
  const result = await sql<{ day: string; n: number | string }>`
    select substr(first_at, 1, 10) as day, count(*) as n
    from (select min(redeemed_at) as first_at from redemptions group by invitation_id) firsts
    where first_at >= ${range.from} and first_at < ${range.to}
    group by 1`.execute(db);
  return result.rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

/**
 * How many invitations made on the portal (no creating user, an inviter contact) since `since`: by
 * one inviter, or to one account; and the oldest of them, for when a place frees up again.
 */
export async function portalInvitationsSince(
  db: Db | Tx,
  by: { inviterContactId: string } | { accountId: string },
  since: string,
): Promise<{ n: number; oldest: string | null }> {
  let q = db
    .selectFrom('invitations')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('created_by', 'is', null)
    .where('created_at', '>', since);
  q =
    'inviterContactId' in by
      ? q.where('inviter_contact_id', '=', by.inviterContactId)
      : q.where('assign_to_account_id', '=', by.accountId).where('inviter_contact_id', 'is not', null);
  const row = await q.executeTakeFirstOrThrow();
  return { n: Number(row.n), oldest: (row.oldest as string | null) ?? null };
}
