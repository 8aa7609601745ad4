// The plans of the queries a repository function runs: it runs on a handle that records each query
// as compiled, then each is explained as the database would run it (EXPLAIN QUERY PLAN on SQLite,
// EXPLAIN on PostgreSQL), so a plan test reads the very SQL the code sends, parameters and all.
import { CompiledQuery, type KyselyPlugin } from 'kysely';
import type { Db } from '../../src/db/types.ts';
import { testDialect } from './db.ts';

/** `db` with every query it runs recorded in `queries`. */
export function recording(db: Db): { db: Db; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      queries.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), queries };
}

/** The plan of one compiled query, as JSON text (the index names appear in it). */
export async function planOf(db: Db, query: CompiledQuery): Promise<string> {
  const explain = testDialect() === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const r = await db.executeQuery(CompiledQuery.raw(`${explain}${query.sql}`, [...query.parameters]));
  return JSON.stringify(r.rows);
}

/** The plans of every query `run` sends, one text. */
export async function plansOfRun(db: Db, run: (db: Db) => Promise<unknown>): Promise<string> {
  const r = recording(db);
  await run(r.db);
  const plans = [];
  for (const q of r.queries) plans.push(await planOf(db, q));
  return plans.join('\n');
}
