// Queries on contacts and their web roles.
import { failedSignInChanges } from '../db/lockout.ts';
import { replaceLinks } from '../db/link-sets.ts';
import { CompiledQuery, sql, type Updateable } from 'kysely';
import type { ContactRow, ContactsTable, ContactUpdate, NewContact } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';
import { nowIso } from '../shared/time.ts';
import { containsCi, equalsCi, equalsCiByPrefixIndex, PLAN_EACH_TIME, startsWithCi } from '../db/sql.ts';
import { byId, coalesced } from '../db/coalesce.ts';
import { prepared } from '../db/prepared.ts';
import { insertMany, isPostgres, placeholders } from '../db/insert-many.ts';
import { sortedPage } from '../db/keyset.ts';
import type { SortedAfter, SortOrder } from '../shared/pagination.ts';

/** What the contacts view sorts by (the back office). */
export type ContactSortKey = 'fullName' | 'lastName' | 'emailaddress1';

/**
 * The SQL each sort orders by, written without parameters: migration 0007 indexes these very
 * expressions (with the id), and the full name's must stay the same text there.
 */
const sortColumns: Record<ContactSortKey, string | ReturnType<typeof sql.raw>> = {
  fullName: sql.raw(`coalesce(first_name, '') || ' ' || coalesce(last_name, '')`),
  lastName: 'last_name',
  emailaddress1: 'emailaddress1',
};

/** The value a row sorts by, as the SQL computes it (the next page starts after it). */
export function contactSortValue(key: ContactSortKey, r: ContactRow): string {
  if (key === 'fullName') return `${r.first_name ?? ''} ${r.last_name ?? ''}`;
  return (key === 'lastName' ? r.last_name : r.emailaddress1) ?? '';
}

/** A contact by id; lookups of the same turn share one query (see db/coalesce.ts). */
export const findContact = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute()),
);

/** What `q` searches: a contact's names and email. */
const searchedColumns = ['first_name', 'last_name', 'emailaddress1'] as const;

/** The query of a page of contacts (the list below runs it; a test reads its plan). */
export function contactsPageQuery(
  db: Db,
  q: {
    limit: number;
    after?: string | undefined;
    email?: string | undefined;
    accountId?: string | undefined;
    q?: string | undefined;
    /**
     * How `q` matches: anywhere in the names and email (the API), or at their start (Quick Find).
     * Several words match a contact whose fields hold every word (each in any field).
     */
    match?: 'contains' | 'prefix' | undefined;
    /** A sorted view (the back office): continuing after `sortedAfter` instead of `after`. */
    sort?: SortOrder<ContactSortKey> | undefined;
    sortedAfter?: SortedAfter | undefined;
  },
) {
  let query = db.selectFrom('contacts').selectAll();
  if (q.email) query = query.where(equalsCi('emailaddress1', q.email.trim()));
  if (q.accountId) query = query.where('parent_account_id', '=', q.accountId);
  if (q.q) {
    const text = q.q.trim();
    const matches =
      q.match === 'prefix'
        ? (c: string, w: string) => startsWithCi(db, c, w)
        : (c: string, w: string) => containsCi(c, w);
    const words = text.split(/\s+/).filter(Boolean);
    query = query.where((eb) => {
      const anyField = (w: string) => eb.or(searchedColumns.map((c) => matches(c, w)));
      // One word (the common case) is the one OR its indexes serve; several ("Ada Lovelace") must
      // each match some field. The first word's OR stays a term of its own at the top, so that
      // SQLite still reads it from the prefix indexes (a multi-index OR) and filters the rest.
      const [first, ...others] = words;
      if (first === undefined || others.length === 0) return anyField(text);
      const otherWords = eb.and(others.map(anyField));
      // A name with a space in it ("van der Berg") still begins with the whole text (which begins
      // with the first word, so the first word's term holds for it too).
      return eb.and([anyField(first), q.match === 'prefix' ? eb.or([anyField(text), otherWords]) : otherWords]);
    });
  }
  if (q.sort) return sortedPage(query, sortColumns[q.sort.key], q.sort.dir, q.sortedAfter, q.limit);
  if (q.after) query = query.where('id', '>', q.after);
  return query.orderBy('id').limit(q.limit + 1);
}

export const listContacts = (db: Db, q: Parameters<typeof contactsPageQuery>[1]) => contactsPageQuery(db, q).execute();

/** Ends a portal lockout: no lockout end, no failed sign-ins counted. False when there is no such contact. */
export async function clearLockout(tx: Tx, id: string, now: string): Promise<boolean> {
  const r = await tx
    .updateTable('contacts')
    .set({ lockout_end: null, access_failed_count: 0, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Web role ids of each contact in `contactIds`. */
/** The web roles of one contact; lookups of the same turn share one query. */
export const webRoleIdsOfContact = coalesced(async (db: Db | Tx, ids: string[]) => {
  const roles = await webRoleIdsOf(db, ids);
  return new Map(ids.map((id) => [id, roles.get(id) ?? []]));
});

export async function webRoleIdsOf(db: Db | Tx, contactIds: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  if (contactIds.length === 0) return map;
  const rows = await db
    .selectFrom('contact_web_roles')
    .select(['contact_id', 'web_role_id'])
    .where('contact_id', 'in', [...contactIds])
    .orderBy('web_role_id')
    .execute();
  for (const r of rows) map.get(r.contact_id)?.push(r.web_role_id);
  return map;
}

export const replaceWebRoles = (tx: Tx, contactId: string, webRoleIds: readonly string[]): Promise<void> =>
  replaceLinks(tx, 'contact_web_roles', contactId, webRoleIds);

/** What keeps a contact from being deleted: invitations and redemptions that name it. */
export async function contactUsage(
  db: Db | Tx,
  id: string,
): Promise<{ invited: number; inviter: number; redeemed: number }> {
  const n = async (q: Promise<{ n: unknown }>) => Number((await q).n);
  return {
    invited: await n(
      db
        .selectFrom('invitation_invited_contacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('contact_id', '=', id)
        .executeTakeFirstOrThrow(),
    ),
    inviter: await n(
      db
        .selectFrom('invitations')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('inviter_contact_id', '=', id)
        .executeTakeFirstOrThrow(),
    ),
    redeemed: await n(
      db
        .selectFrom('redemptions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('contact_id', '=', id)
        .executeTakeFirstOrThrow(),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Writes of the workflow engine's contact steps, each in the step's transaction

/** Columns a step may change (its own `updated_at` is set here). */
export type ContactFieldChanges = Omit<Updateable<ContactsTable>, 'id' | 'updated_at'>;

/** Sets `changes` on the contact; false when it no longer exists. */
export async function updateContactFields(tx: Tx, id: string, changes: ContactFieldChanges): Promise<boolean> {
  const r = await tx
    .updateTable('contacts')
    .set({ ...changes, updated_at: nowIso() })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives the contact the web role; nothing changes when it has it already. */
export async function addWebRole(tx: Tx, contactId: string, webRoleId: string): Promise<void> {
  await tx
    .insertInto('contact_web_roles')
    .values({ contact_id: contactId, web_role_id: webRoleId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeWebRole(tx: Tx, contactId: string, webRoleId: string): Promise<void> {
  await tx
    .deleteFrom('contact_web_roles')
    .where('contact_id', '=', contactId)
    .where('web_role_id', '=', webRoleId)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Contact writes of the redemption and of portal sign-in (portal-auth): in the caller's transaction.

/** The invitation's web roles to the contact in one statement (those it has already stay). */
const grantRoles = prepared(['contactId', 'invitationId'], (db, p) =>
  db
    .insertInto('contact_web_roles')
    .columns(['contact_id', 'web_role_id'])
    .expression((eb) =>
      eb
        .selectFrom('invitation_web_roles')
        .select([eb.val(p('contactId')).as('contact_id'), 'web_role_id'])
        .where('invitation_id', '=', p('invitationId')),
    )
    .onConflict((oc) => oc.columns(['contact_id', 'web_role_id']).doNothing()),
);

/** Gives the contact the invitation's web roles (those it has already stay). */
export async function grantInvitationWebRoles(tx: Tx, contactId: string, invitationId: string): Promise<void> {
  await grantRoles.affected(tx, { contactId, invitationId });
}

/** Puts the contact under the account (a redeemed invitation's, a set-account step's), or none with null. */
export async function setParentAccount(
  tx: Tx,
  contactId: string,
  accountId: string | null,
  now: string = nowIso(),
): Promise<void> {
  await tx
    .updateTable('contacts')
    .set({ parent_account_id: accountId, updated_at: now })
    .where('id', '=', contactId)
    .execute();
}

/** Contacts whose primary email is `email` (any letter case), at most 20, by id. */
export const contactsWithEmail = (db: Db | Tx, email: string): Promise<ContactRow[]> =>
  db.selectFrom('contacts').selectAll().where(equalsCi('emailaddress1', email)).orderBy('id').limit(20).execute();

/** Splitting a name at more spaces than this is not tried: it bounds the query, and no one's name has as many. */
const MAX_NAME_SPACES = 50;

/**
 * Contacts whose full name, as the service's fullNameOf builds it (first and last name joined by a
 * space, either alone, else the email), is `fullName` in any letter case, and whose primary email
 * is `email` (any letter case; null: none), at most `limit`, by id. Each way the name can be split
 * into a first and a last name at one of its spaces is a term of its own, found through the names'
 * prefix indexes (migration 0010) or, for a contact without names, the email's.
 */
export function contactsNamed(
  db: Db | Tx,
  fullName: string,
  email: string | null,
  limit: number,
): Promise<ContactRow[]> {
  const blank = (column: 'first_name' | 'last_name' | 'emailaddress1') =>
    sql<boolean>`coalesce(${sql.ref(column)}, '') = ''`;
  const name = (column: 'first_name' | 'last_name', text: string) => equalsCiByPrefixIndex(db, column, text);
  const splits: Array<[first: string, last: string]> = [];
  for (let i = fullName.indexOf(' '); i >= 0 && splits.length < MAX_NAME_SPACES; i = fullName.indexOf(' ', i + 1)) {
    // Both parts non-empty: an empty first or last name is left out of the full name (fullNameOf).
    if (i > 0 && i < fullName.length - 1) splits.push([fullName.slice(0, i), fullName.slice(i + 1)]);
  }
  return db
    .selectFrom('contacts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([name('first_name', fullName), blank('last_name')]),
        eb.and([name('last_name', fullName), blank('first_name')]),
        eb.and([equalsCi('emailaddress1', fullName), blank('first_name'), blank('last_name')]),
        ...splits.map(([first, last]) => eb.and([name('first_name', first), name('last_name', last)])),
      ]),
    )
    .where(email === null ? blank('emailaddress1') : equalsCi('emailaddress1', email))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The contact with a password whose username is `username` (any letter case). */
export const contactWithPasswordByUsername = (db: Db | Tx, username: string) =>
  db
    .selectFrom('contacts')
    .selectAll()
    // The unique index holds usernames only (migration 0019): the condition lets both databases use it.
    .where('username', 'is not', null)
    .where(equalsCi('username', username))
    .where('password_hash', 'is not', null)
    .executeTakeFirst();

export async function insertContact(tx: Tx, row: NewContact): Promise<void> {
  await tx.insertInto('contacts').values(row).execute();
}

/** Changes the contact's columns in `changes` (a sign-up attaching its identity, a confirmed email …). */
export async function updateContactColumns(db: Db | Tx, id: string, changes: ContactUpdate): Promise<void> {
  await db.updateTable('contacts').set(changes).where('id', '=', id).execute();
}

/**
 * Counts a failed sign-in in one guarded statement, so that concurrent failures all count: the
 * `lockAfter`-th failure in a row locks the contact out until `lockoutEnd` and starts the count again.
 */
export async function countFailedSignIn(
  db: Db | Tx,
  contactId: string,
  lockAfter: number,
  lockoutEnd: string,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set(failedSignInChanges(lockAfter, lockoutEnd))
    .where('id', '=', contactId)
    .execute();
}

export async function recordSignIn(db: Db | Tx, contactId: string, now: string): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ access_failed_count: 0, lockout_end: null, last_sign_in_at: now })
    .where('id', '=', contactId)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Writes of an import (import-export): batched, in the importing transaction.

/** Contacts whose primary email is one of `lowerEmails` (already lower-cased), by the lower(emailaddress1) index. */
export async function contactsByEmails(db: Db | Tx, lowerEmails: readonly string[]): Promise<ContactRow[]> {
  const out: ContactRow[] = [];
  const postgres = isPostgres(db);
  // Raw SQL of one text per chunk length: an import asks this for every batch of rows, and Kysely
  // building the 1,000-value list cost more than the indexed lookup (contacts_email1_ci). Planned
  // each time on PostgreSQL: the import grows the table between its lookups (db/sql.ts).
  for (let i = 0; i < lowerEmails.length; i += 1000) {
    const part = lowerEmails.slice(i, i + 1000);
    const text = `${PLAN_EACH_TIME}select * from "contacts" where lower("emailaddress1") in (${placeholders(postgres, part.length)}) order by "id"`;
    out.push(...(await db.executeQuery(CompiledQuery.raw(text, [...part]) as CompiledQuery<ContactRow>)).rows);
  }
  return out;
}

/** Contacts by id, many at once (an import checking which of its records exist). */
export async function contactsByIds(db: Db | Tx, ids: readonly string[]): Promise<ContactRow[]> {
  const out: ContactRow[] = [];
  for (let i = 0; i < ids.length; i += 1000)
    out.push(
      ...(await db
        .selectFrom('contacts')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 1000))
        .execute()),
    );
  return out;
}

/** Batched insert of contact rows (18 columns: 500 rows stay under both databases' parameter limits). */
const contactColumns = [
  'id',
  'first_name',
  'last_name',
  'emailaddress1',
  'emailaddress2',
  'emailaddress3',
  'parent_account_id',
  'locale',
  'username',
  'password_hash',
  'email_confirmed',
  'login_enabled',
  'lockout_end',
  'access_failed_count',
  'security_stamp',
  'last_sign_in_at',
  'created_at',
  'updated_at',
  'emailaddress1_undeliverable',
] as const satisfies ReadonlyArray<keyof ContactRow>;

/** Many whole contact rows (newContactRow's), in multi-row inserts compiled once (an import). */
export const insertContactRows = (tx: Tx, rows: readonly ContactRow[]): Promise<void> =>
  insertMany(tx, 'contacts', contactColumns, rows);

/** Gives contacts web roles, (contact, web role) pairs; links they have already stay. */
export async function addWebRoles(tx: Tx, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await insertMany(
    tx,
    'contact_web_roles',
    ['contact_id', 'web_role_id'],
    pairs.map(([contact_id, web_role_id]) => ({ contact_id, web_role_id })),
    { conflictDoNothing: ['contact_id', 'web_role_id'] },
  );
}

/** Every contact in id order, a page at a time after `after` (an export). */
export const contactsAfter = (db: Db, after: string | null, limit: number): Promise<ContactRow[]> =>
  (after ? db.selectFrom('contacts').selectAll().where('id', '>', after) : db.selectFrom('contacts').selectAll())
    .orderBy('id')
    .limit(limit)
    .execute();
/**
 * A hard bounce: marks emailaddress1 undeliverable with the reason, when it is still `address`
 * (staff may have changed it since the email went out). Cleared by a change of the address.
 */
export async function markEmailUndeliverable(tx: Tx, id: string, address: string, reason: string): Promise<boolean> {
  const r = await tx
    .updateTable('contacts')
    .set({ emailaddress1_undeliverable: reason, updated_at: nowIso() })
    .where('id', '=', id)
    .where(equalsCi('emailaddress1', address))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
