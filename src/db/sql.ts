// Small SQL helpers that behave the same on SQLite and PostgreSQL.
import { SqliteAdapter, sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from './types.ts';

/**
 * Starts a query text that PostgreSQL must plan on every execution (connection.ts names other
 * statements, and a named statement keeps the plan it got first). For a lookup of many values that
 * a bulk import repeats while it grows the table: planned while the table was small, the kept plan
 * reads the whole table ever after (a 100,000-row contacts import spent 95 s in its email lookups).
 */
export const PLAN_EACH_TIME = '/* plan each time */ ';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// Both sides are lowered by the database's own lower(): SQLite's folds A–Z only, so a text lowered
// in JavaScript ("Ø" → "ø") would never meet a stored "Ø" there (docs/architecture.md, letter case).

/** `column` contains `text`, ignoring letter case (with an explicit ESCAPE, which SQLite lacks by default). */
export function containsCi(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) like lower(${`%${escapeLike(text)}%`}) escape '\\'`;
}

/** `column` equals `text`, ignoring letter case (served by the lower(...) indexes). */
export function equalsCi(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) = lower(${text})`;
}

/** Workflows whose step definitions (JSON text) name `id`: a step that adds a role, sets an account … */
export async function workflowsNaming(db: Db | Tx, id: string): Promise<number> {
  const row = await db
    .selectFrom('workflows')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('steps', 'like', `%"${id}"%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The smallest text greater than every text that starts with `prefix` (its last code point plus one). */
function prefixEnd(prefix: string): string {
  const points = [...prefix];
  const last = points.pop() as string;
  return `${points.join('')}${String.fromCodePoint((last.codePointAt(0) as number) + 1)}`;
}

/**
 * `column` starts with `text`, ignoring letter case, as a range on `lower(column)` in code-point
 * order, so that an index on the same expression serves it (migration 0010): SQLite compares text
 * by its bytes, PostgreSQL by the "C" collation given here. This is the back office's Quick Find
 * ("begins with", as in Dynamics 365), fast on 100,000 rows where `containsCi` reads them all.
 * The text is lowered as the database lowers the column: on SQLite A–Z only (as its lower() does:
 * ranges on bound values keep its index), on PostgreSQL by lower() itself (whose folding depends on
 * the database's ctype), the end being the lowered prefix followed by U+10FFFF.
 */
export function startsWithCi(db: Db | Tx, column: string, text: string): RawBuilder<boolean> {
  if (!text) return sql<boolean>`true`;
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const low = text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
    return sql<boolean>`(lower(${sql.ref(column)}) >= ${low} and lower(${sql.ref(column)}) < ${prefixEnd(low)})`;
  }
  const value = sql`lower(${sql.ref(column)}) collate "C"`;
  return sql<boolean>`(${value} >= lower(${text}) and ${value} < lower(${text}) || chr(1114111))`;
}

/**
 * `column` equals `text`, ignoring letter case, found through the prefix index Quick Find uses
 * (migrations 0010, 0011): the range of startsWithCi narrows to the names that begin with the text,
 * equalsCi keeps the equal ones. On PostgreSQL that index is in the "C" collation, which equalsCi
 * alone (in the database's collation) would not use.
 */
export function equalsCiByPrefixIndex(db: Db | Tx, column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`(${startsWithCi(db, column, text)} and ${equalsCi(column, text)})`;
}

/**
 * A search of one text field (an invitation's or an account's name) by several words, as the
 * contacts' search is of their fields (contacts.repo.ts): `contains` (the API's `q`, and `*` in
 * Quick Find) — every word anywhere in it, in any order; `prefix` (Quick Find) — it begins with the
 * first word and every other word begins a word of it (after a space), or it begins with the whole
 * text. The first word's range stays a term of its own at the top, so the prefix index serves
 * several words as it serves one (invitations- and accounts-quick-find.test.ts read the plans).
 */
export function wordsMatchCi(
  db: Db | Tx,
  column: string,
  text: string,
  match: 'contains' | 'prefix' | undefined,
): RawBuilder<boolean> {
  const whole = text.trim();
  const words = whole.split(/\s+/).filter(Boolean);
  const [first, ...others] = words;
  if (first === undefined) return sql<boolean>`true`;
  if (match !== 'prefix')
    return sql<boolean>`(${sql.join(
      words.map((w) => containsCi(column, w)),
      sql` and `,
    )})`;
  if (others.length === 0) return startsWithCi(db, column, first);
  // " word" anywhere: a word of the name that begins with it (the name's own start is the first word's).
  const wordStarts = sql.join(
    others.map((w) => containsCi(column, ` ${w}`)),
    sql` and `,
  );
  return sql<boolean>`(${startsWithCi(db, column, first)} and (${startsWithCi(db, column, whole)} or (${wordStarts})))`;
}
