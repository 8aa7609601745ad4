// Queries on web_roles and their links.
import type { Db, Tx } from '../db/types.ts';
import type { WebRoleRow } from '../db/schema.ts';
import { containsCi, workflowsNaming } from '../db/sql.ts';
import { sortedPage } from '../db/keyset.ts';
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

export async function webRoleUsage(
  db: Db | Tx,
  id: string,
): Promise<{ contacts: number; invitations: number; contentPages: number; workflows: number }> {
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
  return {
    contacts: await n('contact_web_roles'),
    invitations: await n('invitation_web_roles'),
    contentPages: await n('content_page_web_roles'),
    workflows: await workflowsNaming(db, id),
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
