// Use cases for web roles. Names are unique (a database constraint); a role in use cannot be deleted.
// A role may carry the right to invite colleagues (canInvite) with the roles its holders may hand on.
import type { AppContext, Actor } from '../context.ts';
import type { WebRoleRow } from '../db/schema.ts';
import type { Db, Dialect, Tx } from '../db/types.ts';
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

export const toWebRole = (r: WebRoleRow, grantableWebRoleIds: string[]): WebRole => ({
  id: r.id,
  name: r.name,
  description: r.description,
  authenticatedUsersRole: fromFlag(r.authenticated_users_role),
  canInvite: fromFlag(r.can_invite),
  grantableWebRoleIds,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Roles with their grantable sets, read in one query. */
async function present(db: Db | Tx, rows: WebRoleRow[]): Promise<WebRole[]> {
  const sets = await repo.grantableIdsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toWebRole(r, sets.get(r.id) ?? []));
}

/** What a contact may do on the portal's "Invite a colleague": see web-roles.repo.ts invitingRightsOf. */
export const invitingRightsOf = (db: Db | Tx, contactId: string) => repo.invitingRightsOf(db, contactId);

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
    can_invite: toFlag(input.canInvite),
    created_at: now,
    updated_at: now,
  };
  // A role may name itself (a partner's administrators may make more administrators).
  const grantable = [...new Set(input.grantableWebRoleIds)].sort();
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await assertWebRolesExist(
        tx,
        grantable.filter((g) => g !== row.id),
        'grantableWebRoleIds',
        ctx.dialect,
      );
      await tx.insertInto('web_roles').values(row).execute();
      await repo.replaceGrantable(tx, row.id, grantable);
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
  return toWebRole(row, grantable);
}

export async function getWebRole(ctx: AppContext, id: string): Promise<WebRole> {
  const row = await repo.findWebRole(ctx.db, id);
  if (!row) throw notFound('The web role');
  return (await present(ctx.db, [row]))[0] as WebRole;
}

/** The web roles named `name` in any letter case (at most `limit`), without their grantable sets. */
export const webRolesNamed = (ctx: AppContext, name: string, limit: number): Promise<{ id: string; name: string }[]> =>
  repo.webRolesNamed(ctx.db, name, limit);

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
    return withGrantable(
      ctx,
      toSortedPage(
        rows,
        q.limit,
        (r) => r.name,
        (r) => r,
      ),
    );
  }
  const rows = await repo.listWebRoles(ctx.db, { limit: q.limit, after: decodeCursor(q.cursor), q: q.q });
  return withGrantable(
    ctx,
    toPage(rows, q.limit, (r) => r),
  );
}

async function withGrantable(ctx: AppContext, page: Page<WebRoleRow>): Promise<Page<WebRole>> {
  return { ...page, items: await present(ctx.db, page.items) };
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
      if (input.canInvite !== undefined) changes.can_invite = toFlag(input.canInvite);
      await tx.updateTable('web_roles').set(changes).where('id', '=', id).execute();
      if (input.grantableWebRoleIds !== undefined) {
        const grantable = [...new Set(input.grantableWebRoleIds)];
        await assertWebRolesExist(
          tx,
          grantable.filter((g) => g !== id),
          'grantableWebRoleIds',
          ctx.dialect,
        );
        await repo.replaceGrantable(tx, id, grantable);
      }
      await writeAudit(tx, {
        actor,
        action: 'update',
        recordType: 'web-role',
        recordId: id,
        details: { fields: Object.keys(input) },
      });
      return (await present(tx, [{ ...current, ...changes }]))[0] as WebRole;
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
      usage.grantedBy && `${usage.grantedBy} web role(s) let their holders grant it`,
    ].filter(Boolean);
    if (uses.length > 0) throw conflict(`The web role is in use: ${uses.join('; ')}.`);
    // Its own grantable set is part of the role and goes with it.
    await repo.replaceGrantable(tx, id, []);
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
