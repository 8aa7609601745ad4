import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.ts';
import { byId, coalesced } from './coalesce.ts';
import { writeTransaction } from './group-commit.ts';
import type { Db, Tx } from './types.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

const database = useTestDatabase();

async function addAccounts(names: string[]): Promise<string[]> {
  const rows = names.map((name) => ({ id: newId(), name, created_at: nowIso(), updated_at: nowIso() }));
  await database.db.insertInto('accounts').values(rows).execute();
  return rows.map((r) => r.id);
}

/** A lookup of accounts by id that records the keys of each query it makes. */
function countingLookup() {
  const queries: string[][] = [];
  const find = coalesced(async (db: Db | Tx, ids: string[]) => {
    queries.push(ids);
    return byId(await db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute());
  });
  return { queries, find };
}

describe('coalesced lookups', () => {
  it('answers the lookups of one turn with one query, each with its own row (or undefined)', async () => {
    const ids = await addAccounts(['A', 'B', 'C']);
    const { queries, find } = countingLookup();
    const missing = newId();
    const found = await Promise.all([
      find(database.db, ids[0]!),
      find(database.db, ids[1]!),
      find(database.db, ids[0]!),
      find(database.db, missing),
      find(database.db, ids[2]!),
    ]);
    expect(found.map((r) => r?.name)).toEqual(['A', 'B', 'A', undefined, 'C']);
    expect(queries).toHaveLength(1);
    // Each key once.
    expect([...(queries[0] ?? [])].sort()).toEqual([...ids, missing].sort());

    // A later turn makes a query of its own.
    expect((await find(database.db, ids[1]!))?.name).toBe('B');
    expect(queries).toHaveLength(2);
  });

  it('inside a transaction, looks up at once on its connection and sees its uncommitted writes', async () => {
    let turnPassed = false;
    const started: boolean[] = [];
    const find = coalesced(async (db: Db | Tx, ids: string[]) => {
      // Whether the query started before the event loop took another turn.
      started.push(!turnPassed);
      return byId(await db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute());
    });
    const id = newId();
    const seen = await writeTransaction(database.db, database.dialect, async (tx) => {
      await tx
        .insertInto('accounts')
        .values({ id, name: 'Inside', created_at: nowIso(), updated_at: nowIso() })
        .execute();
      turnPassed = false;
      setImmediate(() => (turnPassed = true));
      return find(tx, id);
    });
    expect(seen?.name).toBe('Inside');
    // A Kysely transaction too.
    const inKyselyTx = await database.db.transaction().execute(async (tx) => {
      turnPassed = false;
      setImmediate(() => (turnPassed = true));
      return find(tx, id);
    });
    expect(inKyselyTx?.name).toBe('Inside');
    expect(started).toEqual([true, true]);
    // Outside one, the lookup waits for the turn to gather others.
    turnPassed = false;
    setImmediate(() => (turnPassed = true));
    await find(database.db, id);
    expect(started).toEqual([true, true, false]);
  });

  it('rejects every lookup of a batch whose query failed, and the next turn works again', async () => {
    let fail = true;
    const find = coalesced(async (db: Db | Tx, ids: string[]) => {
      if (fail) throw new Error('the database is away');
      return byId(await db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute());
    });
    const [id] = await addAccounts(['D']);
    const results = await Promise.allSettled([find(database.db, id!), find(database.db, newId())]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await find(database.db, id!))?.name).toBe('D');
  });
});
