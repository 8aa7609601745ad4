// Small SQL helpers that behave the same on SQLite and PostgreSQL.
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from './types.ts';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `column` contains `text`, ignoring letter case (with an explicit ESCAPE, which SQLite lacks by default). */
export function containsCi(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}

/** `column` equals `text`, ignoring letter case (served by the lower(...) indexes). */
export function equalsCi(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) = ${text.toLowerCase()}`;
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
