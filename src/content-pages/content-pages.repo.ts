// Queries on content_pages and their required web roles.
import { replaceLinks } from '../db/link-sets.ts';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/types.ts';
import type { ContentPagesTable } from '../db/schema.ts';

export type ContentPageRow = Selectable<ContentPagesTable>;

export const findContentPage = (db: Db | Tx, id: string) =>
  db.selectFrom('content_pages').selectAll().where('id', '=', id).executeTakeFirst();
export const findContentPageBySlug = (db: Db | Tx, slug: string) =>
  db.selectFrom('content_pages').selectAll().where('slug', '=', slug).executeTakeFirst();

export function listContentPages(db: Db, q: { limit: number; after?: string | undefined; slug?: string | undefined }) {
  let query = db
    .selectFrom('content_pages')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.slug) query = query.where('slug', '=', q.slug);
  return query.execute();
}

/** Required web role ids of each page in `pageIds`. */
export async function webRoleIdsOfPages(db: Db | Tx, pageIds: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(pageIds.map((id) => [id, []]));
  if (pageIds.length === 0) return map;
  const rows = await db
    .selectFrom('content_page_web_roles')
    .select(['content_page_id', 'web_role_id'])
    .where('content_page_id', 'in', [...pageIds])
    .orderBy('web_role_id')
    .execute();
  for (const r of rows) map.get(r.content_page_id)?.push(r.web_role_id);
  return map;
}

export const replacePageWebRoles = (tx: Tx, pageId: string, webRoleIds: readonly string[]): Promise<void> =>
  replaceLinks(tx, 'content_page_web_roles', pageId, webRoleIds);

/** Pages a viewer with `roleIds` may open (public ones, and those sharing a role with it), by title. */
export function listPagesVisibleTo(db: Db, roleIds: readonly string[], limit: number) {
  return db
    .selectFrom('content_pages')
    .select(['id', 'slug', 'title'])
    .where((eb) => {
      const links = () =>
        eb
          .selectFrom('content_page_web_roles')
          .select('web_role_id')
          .whereRef('content_page_web_roles.content_page_id', '=', 'content_pages.id');
      const open = eb.not(eb.exists(links()));
      return roleIds.length > 0
        ? eb.or([open, eb.exists(links().where('content_page_web_roles.web_role_id', 'in', [...roleIds]))])
        : open;
    })
    .orderBy('title')
    .limit(limit)
    .execute();
}
