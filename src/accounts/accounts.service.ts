// Use cases for accounts. Deleting an account in use is refused with the reason.
import type { AppContext, Actor } from '../context.ts';
import type { AccountRow } from '../db/schema.ts';
import type { Dialect, Tx } from '../db/types.ts';
import { lockRow } from '../db/row-locks.ts';
import { conflict, notFound, validationFailed } from '../shared/errors.ts';
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
import { writeAudit } from '../audit/audit.repo.ts';
import type { Account, CreateAccountInput, UpdateAccountInput } from './accounts.schema.ts';
import * as repo from './accounts.repo.ts';

export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  name: r.name,
  parentAccountId: r.parent_account_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

async function checkParent(ctx: AppContext, tx: Tx, id: string, parentId: string | null | undefined): Promise<void> {
  if (!parentId) return;
  if (parentId === id) throw validationFailed('parentAccountId', 'an account cannot be its own parent');
  if (!(await lockRow(tx, ctx.dialect, 'accounts', parentId, 'share')))
    throw validationFailed('parentAccountId', 'no such account');
  if ((await repo.ancestorIds(tx, parentId)).includes(id))
    throw validationFailed('parentAccountId', 'would make a cycle of parent accounts');
}

/** Used by other features (contacts, invitations) to check a reference. */
export async function accountExists(db: Tx | AppContext['db'], id: string): Promise<boolean> {
  return (await repo.findAccount(db, id)) !== undefined;
}

/**
 * For a transaction about to make a record refer to the account: true when it exists, and then it
 * cannot be deleted until the transaction ends (see db/row-locks.ts).
 */
export async function lockAccountForReference(tx: Tx, dialect: Dialect, id: string): Promise<boolean> {
  return lockRow(tx, dialect, 'accounts', id, 'share');
}

export async function createAccount(ctx: AppContext, actor: Actor, input: CreateAccountInput): Promise<Account> {
  const now = nowIso();
  const row: AccountRow = {
    id: newId(),
    name: input.name,
    parent_account_id: input.parentAccountId ?? null,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (tx) => {
    await checkParent(ctx, tx, row.id, row.parent_account_id);
    await tx.insertInto('accounts').values(row).execute();
    await writeAudit(tx, {
      actor,
      action: 'create',
      recordType: 'account',
      recordId: row.id,
      details: { name: row.name },
    });
  });
  return toAccount(row);
}

export async function getAccount(ctx: AppContext, id: string): Promise<Account> {
  const row = await repo.findAccount(ctx.db, id);
  if (!row) throw notFound('The account');
  return toAccount(row);
}

export async function listAccounts(
  ctx: AppContext,
  q: {
    limit: number;
    cursor?: string | undefined;
    q?: string | undefined;
    parentAccountId?: string | undefined;
    sort?: SortOrder<'name'> | undefined;
    /** `prefix`: the back office's Quick Find ("begins with"); the API's `q` matches anywhere. */
    match?: 'contains' | 'prefix' | undefined;
  },
): Promise<Page<Account>> {
  const filter = { limit: q.limit, q: q.q, parentAccountId: q.parentAccountId, match: q.match };
  if (q.sort) {
    const rows = await repo.listAccounts(ctx.db, {
      ...filter,
      sort: q.sort,
      sortedAfter: decodeSortedCursor(q.cursor),
    });
    return toSortedPage(rows, q.limit, (r) => r.name, toAccount);
  }
  const rows = await repo.listAccounts(ctx.db, { ...filter, after: decodeCursor(q.cursor) });
  return toPage(rows, q.limit, toAccount);
}

/** The accounts named `name` in any letter case (at most `limit`): what a typed name names. */
export async function accountsNamed(ctx: AppContext, name: string, limit: number): Promise<Account[]> {
  return (await repo.accountsNamed(ctx.db, name, limit)).map(toAccount);
}

export async function updateAccount(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateAccountInput,
): Promise<Account> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.findAccount(tx, id);
    if (!current) throw notFound('The account');
    await checkParent(ctx, tx, id, input.parentAccountId);
    const changes: Partial<AccountRow> = { updated_at: nowIso() };
    if (input.name !== undefined) changes.name = input.name;
    if (input.parentAccountId !== undefined) changes.parent_account_id = input.parentAccountId;
    await tx.updateTable('accounts').set(changes).where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'update',
      recordType: 'account',
      recordId: id,
      details: { fields: Object.keys(input) },
    });
    return toAccount({ ...current, ...changes });
  });
}

export async function deleteAccount(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = (await lockRow(tx, ctx.dialect, 'accounts', id, 'update')) && (await repo.findAccount(tx, id));
    if (!current) throw notFound('The account');
    const usage = await repo.accountUsage(tx, id);
    const uses = [
      usage.contacts && `${usage.contacts} contact(s) have it as parent account`,
      usage.childAccounts && `${usage.childAccounts} account(s) have it as parent`,
      usage.invitations && `${usage.invitations} invitation(s) assign it`,
      usage.workflows && `${usage.workflows} workflow(s) name it in their steps`,
    ].filter(Boolean);
    if (uses.length > 0) throw conflict(`The account is in use: ${uses.join('; ')}.`);
    await tx.deleteFrom('accounts').where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'account',
      recordId: id,
      details: { name: current.name },
    });
  });
}
