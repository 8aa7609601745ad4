import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.ts';
import { BACKGROUND, nothingWritten, writeTransaction } from './group-commit.ts';
import { afterCommit } from './transactions.ts';
import type { Tx } from './types.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

// Group commit: write transactions that arrive together share one BEGIN … COMMIT, each in its own
// savepoint, or (atomic writes on PostgreSQL) without one.
const database = useTestDatabase();

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

describe('a write of the group commit', () => {
  it('is a Kysely transaction: isTransaction is true, and a transaction cannot be begun inside it', async () => {
    const seen = await writeTransaction(database.db, database.dialect, async (tx) => ({
      isTransaction: tx.isTransaction,
      nested: (() => {
        try {
          tx.transaction();
          return 'allowed';
        } catch {
          return 'refused';
        }
      })(),
    }));
    expect(seen).toEqual({ isTransaction: true, nested: 'refused' });
  });
});

describe('after-commit hooks', () => {
  it('run once the batch has committed, only for the writes it kept, each hook once', async () => {
    const ran: string[] = [];
    const shared = () => ran.push('shared');
    const results = await Promise.allSettled(
      ['hook-kept-1', 'hook-undone', 'hook-kept-2'].map((name) =>
        writeTransaction(database.db, database.dialect, async (tx) => {
          await addAccount(tx, name);
          afterCommit(tx, shared);
          const own = () => ran.push(name);
          afterCommit(tx, own);
          afterCommit(tx, own);
          if (name === 'hook-undone') throw new Error('undone');
          // Nothing has run before the commit.
          return ran.length;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([0, 'rejected', 0]);
    expect(ran.sort()).toEqual(['hook-kept-1', 'hook-kept-2', 'shared']);
  });

  it('run after a transaction of db.transaction() commits, and not after one that rolls back', async () => {
    const ran: string[] = [];
    await database.db.transaction().execute(async (tx) => {
      await addAccount(tx, 'hook-plain');
      afterCommit(tx, () => ran.push('committed'));
      expect(ran).toEqual([]);
    });
    await expect(
      database.db.transaction().execute(async (tx) => {
        afterCommit(tx, () => ran.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(ran).toEqual(['committed']);
  });

  it('are refused on a transaction that nothing would run them for', async () => {
    const trx = await database.db.startTransaction().execute();
    try {
      expect(() => afterCommit(trx, () => {})).toThrow(/afterCommit/);
    } finally {
      await trx.rollback().execute();
    }
  });
});
