// Queries of a fixed shape, built and compiled by Kysely once per dialect and then run with new
// values. Building a query (its immutable operation tree) and compiling it to SQL took about as
// long as SQLite took to run it, on the hot paths (a redemption, a job's state changes).
//
//   const findSession = prepared(['idHash'], (db, p) => db.selectFrom('sessions').selectAll().where('id_hash', '=', p('idHash')));
//   const [row] = await findSession.execute(ctx.db, { idHash });
//
// `p(name)` stands for a value given at run time, one of the names listed first. The shape must
// not depend on the values: no `in` lists of varying length, no conditions added or left out by
// value (use two queries).
import { CompiledQuery, type Compilable, type DialectAdapter, type RawBuilder } from 'kysely';
import type { Db, Tx } from './types.ts';

const SLOT = Symbol('prepared-query-slot');
interface Slot {
  [SLOT]: string;
}

const isSlot = (v: unknown): v is Slot => typeof v === 'object' && v !== null && SLOT in v;

interface Compiled {
  sql: string;
  /** Per parameter: the name of the value to put there, or a constant of the query itself. */
  parameters: Array<{ name: string } | { value: unknown }>;
}

export interface PreparedQuery<N extends string, R> {
  /** The rows (for a select or a `returning`). */
  execute(db: Db | Tx, params: Record<N, unknown>): Promise<R[]>;
  /** Rows changed by an insert, update or delete. */
  affected(db: Db | Tx, params: Record<N, unknown>): Promise<number>;
}

// `any`: a slot stands in for a value of whatever type the column wants.
// biome-ignore lint/suspicious/noExplicitAny: see above
type SlotOf<N extends string> = (name: N) => any;

export function prepared<const N extends string, R>(
  names: readonly N[],
  build: (db: Db, p: SlotOf<N>) => Compilable<R> | RawBuilder<R>,
): PreparedQuery<N, R> {
  // One compilation per dialect (a transaction shares its database's adapter).
  const compiled = new WeakMap<DialectAdapter, Compiled>();

  function compiledFor(db: Db | Tx): Compiled {
    const adapter = db.getExecutor().adapter;
    let c = compiled.get(adapter);
    if (!c) {
      const built = build(db as Db, (name) => {
        if (!names.includes(name)) throw new Error(`"${name}" is not a value of this prepared query.`);
        return { [SLOT]: name } satisfies Slot;
      });
      // A query builder compiles by itself; raw SQL (`sql\`…\``) with the database's compiler.
      const q = 'isRawBuilder' in built ? built.compile(db) : built.compile();
      c = { sql: q.sql, parameters: q.parameters.map((v) => (isSlot(v) ? { name: v[SLOT] } : { value: v })) };
      compiled.set(adapter, c);
    }
    return c;
  }

  async function run(db: Db | Tx, params: Record<N, unknown>) {
    const c = compiledFor(db);
    const parameters = c.parameters.map((x) => {
      if (!('name' in x)) return x.value;
      const v = params[x.name as N];
      if (v === undefined) throw new Error(`The prepared query needs a value for "${x.name}".`);
      return v;
    });
    return db.executeQuery<R>(CompiledQuery.raw(c.sql, parameters) as CompiledQuery<R>);
  }

  return {
    execute: async (db, params) => (await run(db, params)).rows,
    affected: async (db, params) => Number((await run(db, params)).numAffectedRows ?? 0n),
  };
}
