// Queries on web_roles and their links.
import type { Db, Dialect, Tx } from '../db/types.ts';
import { containsCi, workflowsNaming } from '../db/sql.ts';

export const findWebRole = (db: Db | Tx, id: string) =>
  db.selectFrom('web_roles').selectAll().where('id', '=', id).executeTakeFirst();

export function listWebRoles(db: Db, q: { limit: number; after?: string | undefined; q?: string | undefined }) {
  let query = db
    .selectFrom('web_roles')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.q) query = query.where(containsCi('name', q.q));
  return query.execute();
}

/**
 * Reads a web role and, on PostgreSQL, locks it until the transaction ends: `share` while a record
 * comes to refer to it, `update` while it is deleted, so the two never both pass their checks.
 */
export const findWebRoleLocked = (tx: Tx, dialect: Dialect, id: string, mode: 'share' | 'update') =>
  tx
    .selectFrom('web_roles')
    .selectAll()
    .where('id', '=', id)
    .$if(dialect === 'postgres', (q) => (mode === 'share' ? q.forShare() : q.forUpdate()))
    .executeTakeFirst();

/** The ids among `ids` that are not web roles; with `lock` (PostgreSQL, in a transaction) the found ones stay until it ends. */
export async function missingWebRoleIds(db: Db | Tx, ids: readonly string[], lock?: Dialect): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db
    .selectFrom('web_roles')
    .select('id')
    .where('id', 'in', [...ids])
    .$if(lock === 'postgres' && db.isTransaction, (q) => q.forShare())
    .execute();
  const have = new Set(found.map((r) => r.id));
  return ids.filter((id) => !have.has(id));
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
