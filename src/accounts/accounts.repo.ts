// Queries on accounts.
import { sql } from 'kysely';
import { equalsCiByPrefixIndex, wordsMatchCi, workflowsNaming } from '../db/sql.ts';
import type { Db, Tx } from '../db/types.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import type { AccountRow } from '../db/schema.ts';
import { sortedPage } from '../db/keyset.ts';
import { byId, coalesced } from '../db/coalesce.ts';
import type { SortedAfter, SortOrder } from '../shared/pagination.ts';

/** An account by id; lookups of the same turn share one query (see db/coalesce.ts). */
export const findAccount = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute()),
);

export function listAccounts(
  db: Db,
  q: {
    limit: number;
    after?: string | undefined;
    q?: string | undefined;
    parentAccountId?: string | undefined;
    /**
     * How `q` matches the name: anywhere (the API), or at its start (the back office's Quick Find).
     * Several words: each anywhere, or the first at its start and the others at the start of a word (db/sql.ts wordsMatchCi).
     */
    match?: 'contains' | 'prefix' | undefined;
    /** A sorted view (the back office): by name, continuing after `sortedAfter`. */
    sort?: SortOrder<'name'> | undefined;
    sortedAfter?: SortedAfter | undefined;
  },
) {
  let query = db.selectFrom('accounts').selectAll();
  if (q.parentAccountId) query = query.where('parent_account_id', '=', q.parentAccountId);
  if (q.q) query = query.where(wordsMatchCi(db, 'name', q.q, q.match));
  if (q.sort) return sortedPage(query, 'name', q.sort.dir, q.sortedAfter, q.limit).execute();
  if (q.after) query = query.where('id', '>', q.after);
  return query
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
}

/** Accounts named `name` (any letter case), at most `limit`, by id. */
export const accountsNamed = (db: Db | Tx, name: string, limit: number): Promise<AccountRow[]> =>
  db
    .selectFrom('accounts')
    .selectAll()
    .where(equalsCiByPrefixIndex(db, 'name', name))
    .orderBy('id')
    .limit(limit)
    .execute();

/** The ancestors of an account, nearest first (guards against cycles). */
export async function ancestorIds(db: Db | Tx, id: string): Promise<string[]> {
  const seen: string[] = [];
  let current: string | null = id;
  while (current && !seen.includes(current) && seen.length < 100) {
    seen.push(current);
    const row: { parent_account_id: string | null } | undefined = await db
      .selectFrom('accounts')
      .select('parent_account_id')
      .where('id', '=', current)
      .executeTakeFirst();
    current = row?.parent_account_id ?? null;
  }
  return seen.slice(1);
}

/** What uses an account: contacts, child accounts and invitations that assign it. */
export async function accountUsage(
  db: Db | Tx,
  id: string,
): Promise<{ contacts: number; childAccounts: number; invitations: number; workflows: number }> {
  const count = async (
    table: 'contacts' | 'accounts' | 'invitations',
    column: 'parent_account_id' | 'assign_to_account_id',
  ) => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where(sql.ref(column), '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    contacts: await count('contacts', 'parent_account_id'),
    childAccounts: await count('accounts', 'parent_account_id'),
    invitations: await count('invitations', 'assign_to_account_id'),
    workflows: await workflowsNaming(db, id),
  };
}

// ---------------------------------------------------------------------------------------------
// An import's reads and writes (import-export), in its transaction.

/** Accounts whose name is one of `names` (exactly), oldest first. */
export async function accountsByNames(db: Db | Tx, names: readonly string[]) {
  if (names.length === 0) return [];
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('name', 'in', [...names])
    .orderBy('id')
    .execute();
}

/** Accounts by id, many at once. */
export async function accountsByIds(db: Db | Tx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

/** Inserts accounts (an import creating those it names). */
export async function insertAccounts(tx: Tx, rows: readonly AccountRow[]): Promise<void> {
  await insertChunked(tx, 'accounts', rows);
}

/** Sets an account's name and parent (an import updating one). */
export async function updateAccountColumns(
  tx: Tx,
  id: string,
  changes: { name?: string; parent_account_id?: string | null; updated_at: string },
): Promise<void> {
  await tx.updateTable('accounts').set(changes).where('id', '=', id).execute();
}

/** Every account in id order (an export). */
export const allAccounts = (db: Db) => db.selectFrom('accounts').selectAll().orderBy('id').execute();
