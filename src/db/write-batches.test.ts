import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { BACKGROUND, nothingWritten, writeTransaction } from './group-commit.ts';
import type { Tx } from './types.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

// Group commit: write transactions that arrive together share one BEGIN … COMMIT, each in its own
// savepoint, or (atomic writes on PostgreSQL) without one.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const addAccount = (tx: Tx, name: string) =>
  tx.insertInto('accounts').values({ id: newId(), name, created_at: nowIso(), updated_at: nowIso() }).execute();
const countNamed = async (name: string) =>
  (await database.db.selectFrom('accounts').select('id').where('name', '=', name).execute()).length;

describe('write batches', () => {
  it('keep each write all or nothing: a failing write undoes only its own work', async () => {
    const results = await Promise.allSettled(
      ['keep-1', 'fail-1', 'keep-2', 'fail-2', 'keep-3'].map((name) =>
        writeTransaction(database.db, database.dialect, async (tx) => {
          await addAccount(tx, name);
          await addAccount(tx, `${name}-second`);
          if (name.startsWith('fail')) throw new Error(`${name} refused`);
          return name;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    for (const name of ['keep-1', 'keep-2', 'keep-3'])
      expect([await countNamed(name), await countNamed(`${name}-second`)]).toEqual([1, 1]);
    for (const name of ['fail-1', 'fail-2'])
      expect([await countNamed(name), await countNamed(`${name}-second`)]).toEqual([0, 0]);
  });

  it('atomic writes: a refusal that wrote nothing leaves the others; a failure after writing keeps nothing of it and every other write exactly once', async () => {
    const run = (name: string, how: 'ok' | 'refuse' | 'fail-after-writing') =>
      writeTransaction(
        database.db,
        database.dialect,
        async (tx) => {
          if (how === 'refuse') throw nothingWritten(new Error(`${name}: no place left`));
          await addAccount(tx, name);
          if (how === 'fail-after-writing') throw new Error(`${name}: changed meanwhile`);
          return name;
        },
        { atomic: true },
      );
    const results = await Promise.allSettled([
      run('atomic-1', 'ok'),
      run('atomic-2', 'refuse'),
      run('atomic-3', 'ok'),
      run('atomic-4', 'fail-after-writing'),
      run('atomic-5', 'ok'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'atomic-1',
      'atomic-2: no place left',
      'atomic-3',
      'atomic-4: changed meanwhile',
      'atomic-5',
    ]);
    expect(await Promise.all(['atomic-1', 'atomic-2', 'atomic-3', 'atomic-4', 'atomic-5'].map(countNamed))).toEqual([
      1, 0, 1, 0, 1,
    ]);
  });

  it('background writes commit like any other', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `background-${i}`);
    await Promise.all(
      names.map((name) => writeTransaction(database.db, database.dialect, (tx) => addAccount(tx, name), BACKGROUND)),
    );
    expect(await Promise.all(names.map(countNamed))).toEqual(names.map(() => 1));
  });
});
