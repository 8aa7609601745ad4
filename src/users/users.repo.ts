// Queries on system_users.
import { containsCi, equalsCi } from '../db/sql.ts';
import type { Db, Dialect, Tx } from '../db/types.ts';
import type { Insertable } from 'kysely';
import type { SystemUserRow, SystemUsersTable } from '../db/schema.ts';
import { byId, coalesced } from '../db/coalesce.ts';
import { failedSignInChanges } from '../db/lockout.ts';

/** A system user by id; lookups of the same turn share one query (see db/coalesce.ts). */
export const findUserById = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('system_users').selectAll().where('id', 'in', ids).execute()),
);

export const findUserByEmail = (db: Db | Tx, email: string) =>
  db.selectFrom('system_users').selectAll().where(equalsCi('email', email)).executeTakeFirst();

/** The user whose email is `email` and whose full name is `fullName`, both in any letter case. */
export const findUserByEmailAndName = (db: Db | Tx, email: string, fullName: string) =>
  db
    .selectFrom('system_users')
    .selectAll()
    .where(equalsCi('email', email))
    .where(equalsCi('full_name', fullName))
    .executeTakeFirst();

export async function listUsers(
  db: Db,
  q: { limit: number; after?: string; email?: string },
): Promise<SystemUserRow[]> {
  let query = db
    .selectFrom('system_users')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.email) query = query.where(equalsCi('email', q.email));
  return query.execute();
}

export async function countUsers(db: Db | Tx): Promise<number> {
  const row = await db
    .selectFrom('system_users')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countAdmins(db: Db | Tx): Promise<number> {
  const row = await db
    .selectFrom('system_users')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The number of admins, locking their rows on PostgreSQL: two transactions that each take away an
 * admin then run one after the other, so the second sees the first's change and the last admin stays.
 * (SQLite has one writer at a time.) In id order, as every lock of users is (db/row-locks.ts).
 */
export async function countAdminsForUpdate(tx: Tx, dialect: Dialect): Promise<number> {
  const rows = await tx
    .selectFrom('system_users')
    .select('id')
    .where('role', '=', 'admin')
    .orderBy('id')
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .execute();
  return rows.length;
}

/** The ids of the admins, unlocked (deleteUser locks them together with the user it deletes). */
export async function adminIds(db: Db | Tx): Promise<string[]> {
  const rows = await db.selectFrom('system_users').select('id').where('role', '=', 'admin').execute();
  return rows.map((r) => r.id);
}

/** What keeps a user from being deleted: records that name it as owner or creator. */
export async function userReferences(db: Db | Tx, id: string): Promise<number> {
  const row = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where((eb) => eb.or([eb('owner_id', '=', id), eb('created_by', '=', id)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Adds a system user (the email is unique: a second one fails on the constraint). */
export async function insertUser(tx: Tx, row: Insertable<SystemUsersTable>): Promise<void> {
  await tx.insertInto('system_users').values(row).execute();
}

/** Counts a failed back-office sign-in (the lockout starts at the limit; see db/lockout.ts). */
export async function countFailedUserSignIn(db: Db, userId: string, lockAfter: number, lockoutEnd: string) {
  await db
    .updateTable('system_users')
    .set(failedSignInChanges(lockAfter, lockoutEnd))
    .where('id', '=', userId)
    .execute();
}

/** A good sign-in (or an admin's Unlock) lifts the lockout and forgets the failures. */
export async function clearUserLockout(db: Db | Tx, userId: string): Promise<void> {
  await db
    .updateTable('system_users')
    .set({ access_failed_count: 0, lockout_end: null })
    .where('id', '=', userId)
    .execute();
}

/** Users whose name or email contains `text` (the back office's owner look-up), by name. */
export function searchUsers(db: Db, text: string, limit: number): Promise<SystemUserRow[]> {
  let query = db.selectFrom('system_users').selectAll().orderBy('full_name').orderBy('id').limit(limit);
  if (text.trim())
    query = query.where((eb) => eb.or([containsCi('full_name', text.trim()), containsCi('email', text.trim())]));
  return query.execute();
}
