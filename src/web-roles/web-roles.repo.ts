// Queries on web_roles and their links.
import type { Db, Tx } from '../db/types.ts';
import type { WebRoleRow } from '../db/schema.ts';
import { containsCi, equalsCi, workflowsNaming } from '../db/sql.ts';
import { sortedPage } from '../db/keyset.ts';
import { replaceLinks } from '../db/link-sets.ts';
import type { SortedAfter, SortOrder } from '../shared/pagination.ts';

export const findWebRole = (db: Db | Tx, id: string) =>
  db.selectFrom('web_roles').selectAll().where('id', '=', id).executeTakeFirst();

export function listWebRoles(
  db: Db,
  q: {
    limit: number;
    after?: string | undefined;
    q?: string | undefined;
    /** A sorted view (the back office): by name, continuing after `sortedAfter`. */
    sort?: SortOrder<'name'> | undefined;
    sortedAfter?: SortedAfter | undefined;
  },
) {
  let query = db.selectFrom('web_roles').selectAll();
  if (q.q) query = query.where(containsCi('name', q.q));
  if (q.sort) return sortedPage(query, 'name', q.sort.dir, q.sortedAfter, q.limit).execute();
  if (q.after) query = query.where('id', '>', q.after);
  return query
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
}

/** Web roles named `name` (any letter case: the unique name is case-sensitive), at most `limit`, by id. */
export const webRolesNamed = (db: Db | Tx, name: string, limit: number) =>
  db.selectFrom('web_roles').select(['id', 'name']).where(equalsCi('name', name)).orderBy('id').limit(limit).execute();

/** The grantable roles of each role in `ids` (every id gets an entry), each set sorted. */
export async function grantableIdsOf(db: Db | Tx, ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('web_role_grantable_roles')
    .select(['web_role_id', 'grantable_web_role_id'])
    .where('web_role_id', 'in', [...ids])
    .orderBy('grantable_web_role_id')
    .execute();
  for (const r of rows) map.get(r.web_role_id)?.push(r.grantable_web_role_id);
  return map;
}

export const replaceGrantable = (tx: Tx, webRoleId: string, ids: readonly string[]): Promise<void> =>
  replaceLinks(tx, 'web_role_grantable_roles', webRoleId, ids);

/**
 * What a contact may hand on when inviting: its roles (direct, and every authenticated-users role)
 * that carry canInvite, and the union of their grantable sets restricted to roles it holds itself.
 */
export async function invitingRightsOf(
  db: Db | Tx,
  contactId: string,
): Promise<{ canInvite: boolean; grantable: Array<{ id: string; name: string }> }> {
  const held = await db
    .selectFrom('web_roles')
    .select(['id', 'name', 'can_invite'])
    .where((eb) =>
      eb.or([
        eb('authenticated_users_role', '=', 1),
        eb('id', 'in', eb.selectFrom('contact_web_roles').select('web_role_id').where('contact_id', '=', contactId)),
      ]),
    )
    .orderBy('name')
    .execute();
  const inviting = held.filter((r) => r.can_invite === 1).map((r) => r.id);
  if (inviting.length === 0) return { canInvite: false, grantable: [] };
  const sets = await grantableIdsOf(db, inviting);
  const union = new Set([...sets.values()].flat());
  return {
    canInvite: true,
    grantable: held.filter((r) => union.has(r.id)).map((r) => ({ id: r.id, name: r.name })),
  };
}

export async function webRoleUsage(
  db: Db | Tx,
  id: string,
): Promise<{ contacts: number; invitations: number; contentPages: number; workflows: number; grantedBy: number }> {
  const n = async (table: 'contact_web_roles' | 'invitation_web_roles' | 'content_page_web_roles') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('web_role_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  // Another role that lets its holders grant this one (a role granting itself goes with it).
  const grantedBy = await db
    .selectFrom('web_role_grantable_roles')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('grantable_web_role_id', '=', id)
    .where('web_role_id', '!=', id)
    .executeTakeFirstOrThrow();
  return {
    contacts: await n('contact_web_roles'),
    invitations: await n('invitation_web_roles'),
    contentPages: await n('content_page_web_roles'),
    workflows: await workflowsNaming(db, id),
    grantedBy: Number(grantedBy.n),
  };
}

// ---------------------------------------------------------------------------------------------
// An import's reads and writes (import-export).

/** Every web role, by id (few: a site has tens). */
export const allWebRoles = (db: Db | Tx) => db.selectFrom('web_roles').selectAll().orderBy('id').execute();

/** Inserts a web role or, when its id exists, sets its fields (an import keeping Dataverse ids). */
export async function upsertWebRole(tx: Tx, row: WebRoleRow): Promise<void> {
  await tx
    .insertInto('web_roles')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        name: row.name,
        description: row.description,
        authenticated_users_role: row.authenticated_users_role,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
