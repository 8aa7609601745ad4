// What a view's address says: the system view, the search text, the sort, the cursor and the
// filters — read from the query string, and written back into links (sorting, paging) so that a
// view can be bookmarked and works without JavaScript.
import type { FastifyRequest } from 'fastify';

export interface ViewQuery {
  view: string | undefined;
  q: string | undefined;
  sort: string | undefined;
  dir: 'asc' | 'desc';
  cursor: string | undefined;
  /** Other query parameters the view knows (a status, an account), by name. */
  filters: Record<string, string>;
}

const RESERVED = new Set(['view', 'q', 'sort', 'dir', 'cursor', 'lang']);

/** Reads the view's query; only `filterNames` are kept as filters, and every value is bounded. */
export function viewQuery(request: FastifyRequest, filterNames: readonly string[] = []): ViewQuery {
  const raw = (request.query ?? {}) as Record<string, unknown>;
  const one = (name: string): string | undefined => {
    const v = Array.isArray(raw[name]) ? (raw[name] as unknown[])[0] : raw[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : undefined;
  };
  const filters: Record<string, string> = {};
  for (const name of filterNames) {
    if (RESERVED.has(name)) continue;
    const v = one(name);
    if (v !== undefined) filters[name] = v;
  }
  return {
    view: one('view'),
    q: one('q'),
    sort: one('sort'),
    dir: one('dir') === 'desc' ? 'desc' : 'asc',
    cursor: one('cursor'),
    filters,
  };
}

/** The view's address with some of its query changed (`undefined` removes a part). */
export function viewHref(
  basePath: string,
  query: ViewQuery,
  change: Partial<Pick<ViewQuery, 'view' | 'q' | 'sort' | 'dir' | 'cursor'>> & {
    filters?: Record<string, string>;
  } = {},
): string {
  const next = { ...query, ...change, filters: { ...query.filters, ...(change.filters ?? {}) } };
  const params = new URLSearchParams();
  if (next.view) params.set('view', next.view);
  if (next.q) params.set('q', next.q);
  for (const [k, v] of Object.entries(next.filters)) if (v) params.set(k, v);
  if (next.sort) {
    params.set('sort', next.sort);
    params.set('dir', next.dir);
  }
  if (next.cursor) params.set('cursor', next.cursor);
  const s = params.toString();
  return s ? `${basePath}?${s}` : basePath;
}
