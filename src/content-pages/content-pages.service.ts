// Use cases for portal content pages: staff keep them through the API; the portal opens them for a
// viewer, checking its web roles (the authenticated-users roles count for every signed-in contact)
// and rendering the Liquid body with output escaping on.
import type { Template } from 'liquidjs';
import { createSafeLiquid, RenderFailure, renderBounded } from '../shared/liquid.ts';
import type { AppContext, Actor } from '../context.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { AppError, conflict, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { decodeCursor, toPage, type Page } from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { assertWebRolesExist } from '../web-roles/web-roles.service.ts';
import type { ContentPage, CreateContentPageInput, UpdateContentPageInput } from './content-pages.schema.ts';
import * as repo from './content-pages.repo.ts';
import type { ContentPageRow } from './content-pages.repo.ts';

const liquid = createSafeLiquid(true);

export const pagePath = (slug: string) => `/portal/pages/${slug}`;

const toContentPage = (r: ContentPageRow, webRoleIds: string[], publicUrl: string): ContentPage => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  body: r.body,
  webRoleIds,
  url: `${publicUrl}${pagePath(r.slug)}`,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Refuses a body whose Liquid does not parse, with a 422 naming `body` and where the problem is. */
function assertValidLiquid(body: string): void {
  try {
    liquid.parse(body);
  } catch (err) {
    const e = err as { message?: string; token?: { getPosition?: () => [number, number] } };
    const [line, column] = e.token?.getPosition?.() ?? [1, 1];
    const message = (e.message ?? String(err)).replace(/, line:\d+, col:\d+$/, '');
    throw validationFailed('body', `is not valid Liquid at line ${line}, column ${column}: ${message}`);
  }
  // Pages have no other templates to include (and never the file system): say so at save, not on the page.
  if (/\{%-?\s*(include|render|layout)\b/.test(body))
    throw validationFailed('body', 'may not use include, render or layout: a page is one template');
  // A body that cannot render within the limits (time, memory, size) would fail on every view: try
  // it now, for a visitor and for a signed-in contact with long names.
  for (const viewer of [null, SAMPLE_VIEWER]) {
    try {
      renderPage(body, viewer, { title: 'Title', slug: 'sample' });
    } catch (err) {
      if (err instanceof RenderFailure) throw validationFailed('body', `cannot be shown: ${err.message}`);
      throw err;
    }
  }
}

const SAMPLE_VIEWER: PageViewer = {
  contactId: '00000000-0000-4000-8000-000000000000',
  roleIds: [],
  user: {
    firstName: 'A'.repeat(100),
    lastName: 'B'.repeat(100),
    fullName: 'C'.repeat(201),
    email: 'sample@example.com',
  },
};

function renderPage(body: string, viewer: PageViewer | null, page: { title: string; slug: string }): string {
  return renderBounded(liquid, parsed(body), {
    user: viewer?.user ?? null,
    page: { title: page.title, slug: page.slug, url: pagePath(page.slug) },
  });
}

const slugTaken = (slug: string | undefined) => conflict(`A content page with the slug "${slug}" already exists.`);

export async function createContentPage(
  ctx: AppContext,
  actor: Actor,
  input: CreateContentPageInput,
): Promise<ContentPage> {
  assertValidLiquid(input.body);
  const now = nowIso();
  const row: ContentPageRow = {
    id: newId(),
    slug: input.slug,
    title: input.title,
    body: input.body,
    created_at: now,
    updated_at: now,
  };
  const webRoleIds = [...new Set(input.webRoleIds)].sort();
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await assertWebRolesExist(tx, webRoleIds, 'webRoleIds', ctx.dialect);
      await tx.insertInto('content_pages').values(row).execute();
      await repo.replacePageWebRoles(tx, row.id, webRoleIds);
      await writeAudit(tx, {
        actor,
        action: 'create',
        recordType: 'content-page',
        recordId: row.id,
        details: { slug: row.slug, webRoleIds },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken(input.slug);
    throw err;
  }
  return toContentPage(row, webRoleIds, ctx.config.publicUrl);
}

export async function getContentPage(ctx: AppContext, id: string): Promise<ContentPage> {
  const row = await repo.findContentPage(ctx.db, id);
  if (!row) throw notFound('The content page');
  const roles = await repo.webRoleIdsOfPages(ctx.db, [id]);
  return toContentPage(row, roles.get(id) ?? [], ctx.config.publicUrl);
}

export async function listContentPages(
  ctx: AppContext,
  q: { limit: number; cursor?: string | undefined; slug?: string | undefined },
): Promise<Page<ContentPage>> {
  const rows = await repo.listContentPages(ctx.db, { limit: q.limit, after: decodeCursor(q.cursor), slug: q.slug });
  const roles = await repo.webRoleIdsOfPages(
    ctx.db,
    rows.slice(0, q.limit).map((r) => r.id),
  );
  return toPage(rows, q.limit, (r) => toContentPage(r, roles.get(r.id) ?? [], ctx.config.publicUrl));
}

export async function updateContentPage(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateContentPageInput,
): Promise<ContentPage> {
  if (input.body !== undefined) assertValidLiquid(input.body);
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const current = await repo.findContentPage(tx, id);
      if (!current) throw notFound('The content page');
      const changes: Partial<ContentPageRow> = { updated_at: nowIso() };
      if (input.slug !== undefined) changes.slug = input.slug;
      if (input.title !== undefined) changes.title = input.title;
      if (input.body !== undefined) changes.body = input.body;
      await tx.updateTable('content_pages').set(changes).where('id', '=', id).execute();
      if (input.webRoleIds !== undefined) {
        await assertWebRolesExist(tx, input.webRoleIds, 'webRoleIds', ctx.dialect);
        await repo.replacePageWebRoles(tx, id, input.webRoleIds);
      }
      const roles = (await repo.webRoleIdsOfPages(tx, [id])).get(id) ?? [];
      await writeAudit(tx, {
        actor,
        action: 'update',
        recordType: 'content-page',
        recordId: id,
        details: { fields: Object.keys(input) },
      });
      return toContentPage({ ...current, ...changes }, roles, ctx.config.publicUrl);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken(input.slug);
    throw err;
  }
}

export async function deleteContentPage(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = await repo.findContentPage(tx, id);
    if (!current) throw notFound('The content page');
    // The role links go with the page (ON DELETE CASCADE).
    await tx.deleteFrom('content_pages').where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'content-page',
      recordId: id,
      details: { slug: current.slug },
    });
  });
}

/** Who is looking at a page: null for a visitor, else the signed-in contact with every role that counts for it. */
export interface PageViewer {
  contactId: string;
  /** The contact's web roles, the authenticated-users roles included. */
  roleIds: readonly string[];
  user: { firstName: string | null; lastName: string | null; fullName: string; email: string | null };
}

export interface OpenedPage {
  slug: string;
  title: string;
  /** The body rendered by Liquid with every output escaped. */
  html: string;
}

/**
 * Opens the page at `slug` for `viewer`. A page limited to roles answers `unauthorized` to a visitor
 * (signing in may help) and `forbidden` to a signed-in contact without one of its roles.
 */
export async function openContentPage(ctx: AppContext, slug: string, viewer: PageViewer | null): Promise<OpenedPage> {
  const row = SLUGLIKE.test(slug) ? await repo.findContentPageBySlug(ctx.db, slug) : undefined;
  if (!row) throw notFound('The page');
  const required = (await repo.webRoleIdsOfPages(ctx.db, [row.id])).get(row.id) ?? [];
  if (required.length > 0) {
    if (!viewer) throw new AppError('unauthorized', 'Sign in to see this page.');
    if (!required.some((id) => viewer.roleIds.includes(id)))
      throw new AppError('forbidden', 'Your account does not have a web role that this page requires.');
  }
  let html: string;
  try {
    html = renderPage(row.body, viewer, row);
  } catch (err) {
    // Saved before the limits were checked at save, or past them only for this viewer: a calm
    // page for the visitor, the reason for the operator's log.
    if (err instanceof RenderFailure)
      throw new AppError('internal-error', `The content page ${row.slug} cannot be shown: ${err.message}`);
    throw err;
  }
  return { slug: row.slug, title: row.title, html };
}

const SLUGLIKE = /^[a-z0-9/-]{1,200}$/;

// Parsed bodies by source, so a popular page is parsed once.
const MAX_CACHED = 200;
const cache = new Map<string, Template[]>();
function parsed(source: string): Template[] {
  const hit = cache.get(source);
  if (hit) return hit;
  const templates = liquid.parse(source);
  cache.set(source, templates);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return templates;
}

/** Titles and slugs of the pages a viewer may open (for the portal's home page). */
export async function visibleContentPages(
  ctx: AppContext,
  viewer: PageViewer | null,
  limit = 20,
): Promise<Array<{ slug: string; title: string }>> {
  const rows = await repo.listPagesVisibleTo(ctx.db, viewer?.roleIds ?? [], limit);
  return rows.map((r) => ({ slug: r.slug, title: r.title }));
}
