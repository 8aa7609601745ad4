// What the back office's route files share (they never import one another): the record id of a
// path, the page size of views, and a view's sort as a service takes it.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';
import type { SortOrder } from '../../shared/pagination.ts';
import type { ViewQuery } from '../view-query.ts';

/** Rows on one page of a view. */
export const pageSize = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of the path; anything that is not an id is simply not found. */
export function idParam(req: FastifyRequest, name = 'id'): string {
  const id = (req.params as Record<string, string | undefined>)[name] ?? '';
  if (!UUID.test(id)) throw new AppError('not-found', 'There is no such record.');
  return id.toLowerCase();
}

/** The view's sort as a service takes it: one of `keys`, or undefined for the API's order (by creation). */
export function sortOf<K extends string>(query: ViewQuery, keys: readonly K[]): SortOrder<K> | undefined {
  return query.sort && (keys as readonly string[]).includes(query.sort)
    ? { key: query.sort as K, dir: query.dir }
    : undefined;
}

/**
 * A view's search box as Dynamics 365's Quick Find reads it: the text is what the names (or emails)
 * begin with — fast on 100,000 rows — and a leading `*` searches anywhere in them instead.
 */
export function quickFind(text: string | undefined): { q: string | undefined; match: 'prefix' | 'contains' } {
  if (text?.startsWith('*')) return { q: text.replace(/^\*+/, '').trim() || undefined, match: 'contains' };
  return { q: text, match: 'prefix' };
}
