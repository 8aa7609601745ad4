// Use cases for web roles. Names are unique (a database constraint); a role in use cannot be deleted.
import type { AppContext, Actor } from '../context.ts';
import type { WebRoleRow } from '../db/schema.ts';
import type { Dialect, Tx } from '../db/types.ts';
import { fromFlag, toFlag } from '../db/types.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { lockRow, lockRows } from '../db/row-locks.ts';
import { conflict, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import {
  decodeCursor,
  decodeSortedCursor,
  type Page,
  type SortOrder,
  toPage,
  toSortedPage,
} from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import type { CreateWebRoleInput, UpdateWebRoleInput, WebRole } from './web-roles.schema.ts';
import * as repo from './web-roles.repo.ts';

export const toWebRole = (r: WebRoleRow): WebRole => ({
  id: r.id,
  name: r.name,
  description: r.description,
  authenticatedUsersRole: fromFlag(r.authenticated_users_role),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Throws a 422 naming `field` when any of `ids` is not a web role. The caller's transaction will
 * refer to the roles: they are share-locked, so they cannot be deleted until it ends (db/row-locks.ts).
 */
export async function assertWebRolesExist(
  tx: Tx,
  ids: readonly string[],
  field: string,
  dialect: Dialect,
): Promise<void> {
  const missing = await lockRows(tx, dialect, 'web_roles', ids, 'share');
  if (missing.length > 0) throw validationFailed(field, `no such web role: ${missing.join(', ')}`);
}

const nameTaken = (name: string | undefined) => conflict(`A web role named "${name}" already exists.`);

export async function createWebRole(ctx: AppContext, actor: Actor, input: CreateWebRoleInput): Promise<WebRole> {
  const now = nowIso();
  const row: WebRoleRow = {
    id: newId(),
    name: input.name,
    description: input.description ?? null,
    authenticated_users_role: toFlag(input.authenticatedUsersRole),
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await tx.insertInto('web_roles').values(row).execute();
      await writeAudit(tx, {
        actor,
        action: 'create',
        recordType: 'web-role',
        recordId: row.id,
        details: { name: row.name },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  return toWebRole(row);
}

export async function getWebRole(ctx: AppContext, id: string): Promise<WebRole> {
  const row = await repo.findWebRole(ctx.db, id);
  if (!row) throw notFound('The web role');
  return toWebRole(row);
}

/** A page of web roles: by creation (the API), or by name (the back office's view, `sort`). */
export async function listWebRoles(
  ctx: AppContext,
  q: { limit: number; cursor?: string | undefined; q?: string | undefined; sort?: SortOrder<'name'> | undefined },
): Promise<Page<WebRole>> {
  if (q.sort) {
    const rows = await repo.listWebRoles(ctx.db, {
      limit: q.limit,
      q: q.q,
      sort: q.sort,
      sortedAfter: decodeSortedCursor(q.cursor),
    });
    return toSortedPage(rows, q.limit, (r) => r.name, toWebRole);
  }
  const rows = await repo.listWebRoles(ctx.db, { limit: q.limit, after: decodeCursor(q.cursor), q: q.q });
  return toPage(rows, q.limit, toWebRole);
}

export async function updateWebRole(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateWebRoleInput,
): Promise<WebRole> {
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const current = await repo.findWebRole(tx, id);
      if (!current) throw notFound('The web role');
      const changes: Partial<WebRoleRow> = { updated_at: nowIso() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description;
      if (input.authenticatedUsersRole !== undefined)
        changes.authenticated_users_role = toFlag(input.authenticatedUsersRole);
      await tx.updateTable('web_roles').set(changes).where('id', '=', id).execute();
      await writeAudit(tx, {
        actor,
        action: 'update',
        recordType: 'web-role',
        recordId: id,
        details: { fields: Object.keys(input) },
      });
      return toWebRole({ ...current, ...changes });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

export async function deleteWebRole(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = (await lockRow(tx, ctx.dialect, 'web_roles', id, 'update')) && (await repo.findWebRole(tx, id));
    if (!current) throw notFound('The web role');
    const usage = await repo.webRoleUsage(tx, id);
    const uses = [
      usage.contacts && `${usage.contacts} contact(s) have it`,
      usage.invitations && `${usage.invitations} invitation(s) assign it`,
      usage.contentPages && `${usage.contentPages} content page(s) require it`,
      usage.workflows && `${usage.workflows} workflow(s) name it in their steps`,
    ].filter(Boolean);
    if (uses.length > 0) throw conflict(`The web role is in use: ${uses.join('; ')}.`);
    await tx.deleteFrom('web_roles').where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'web-role',
      recordId: id,
      details: { name: current.name },
    });
  });
}
