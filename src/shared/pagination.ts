// Cursor pagination: lists are ordered by id (UUIDv7, so creation order); the cursor is the
// opaque encoding of the last id of a page.
import { z } from 'zod';
import { AppError } from './errors.ts';

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

export const limitSchema = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
  .default(DEFAULT_LIMIT);

export const pageQuerySchema = z.object({
  limit: limitSchema,
  cursor: z.string().max(200).optional(),
});

export const encodeCursor = (lastId: string): string =>
  Buffer.from(JSON.stringify({ a: lastId })).toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { a?: unknown }).a === 'string')
      return (parsed as { a: string }).a;
  } catch {
    // fall through
  }
  throw new AppError('validation-failed', 'cursor: not a cursor this service gave out', {
    errors: [{ field: 'cursor', message: 'not a cursor this service gave out' }],
  });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows were fetched with limit + 1; the extra row says whether there is a next page. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: more && last ? encodeCursor(last.id) : null };
}

export const listSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** A list's order: by a named column (then id), ascending or descending. */
export interface SortOrder<K extends string = string> {
  key: K;
  dir: 'asc' | 'desc';
}

/** Where a sorted page ends: the last row's sort value and id. */
export interface SortedAfter {
  id: string;
  value: string;
}

export const encodeSortedCursor = (after: SortedAfter): string =>
  Buffer.from(JSON.stringify({ a: after.id, k: after.value })).toString('base64url');

/** The end of the previous page of a sorted list (a cursor of `toSortedPage`). */
export function decodeSortedCursor(cursor: string | undefined): SortedAfter | undefined {
  const id = decodeCursor(cursor);
  if (id === undefined) return undefined;
  const parsed = JSON.parse(Buffer.from(cursor as string, 'base64url').toString('utf8')) as { k?: unknown };
  return { id, value: typeof parsed.k === 'string' ? parsed.k : '' };
}

/** Like toPage, for a list sorted by `valueOf(row)` (null sorts as the empty string). */
export function toSortedPage<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  sortValue: (r: R) => string | null,
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: more && last ? encodeSortedCursor({ id: last.id, value: sortValue(last) ?? '' }) : null,
  };
}
