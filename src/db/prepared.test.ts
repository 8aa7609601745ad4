import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.ts';
import { prepared } from './prepared.ts';
import { writeTransaction } from './group-commit.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

const database = useTestDatabase();

describe('prepared queries', () => {
  it('builds once and runs with the values of each call, keeping the constants of the query', async () => {
    let builds = 0;
    const insert = prepared(['id', 'name', 'at'], (db, p) => {
      builds++;
      return db
        .insertInto('accounts')
        .values({ id: p('id'), name: p('name'), parent_account_id: null, created_at: p('at'), updated_at: p('at') });
    });
    const rename = prepared(['id', 'name'], (db, p) =>
      db
        .updateTable('accounts')
        .set({ name: p('name') })
        .where('id', '=', p('id'))
        .where('name', '!=', 'Locked'),
    );
    const find = prepared(['id'], (db, p) =>
      db.selectFrom('accounts').select(['id', 'name', 'parent_account_id']).where('id', '=', p('id')),
    );

    const a = newId();
    const b = newId();
    expect(await insert.affected(database.db, { id: a, name: 'Alpha', at: nowIso() })).toBe(1);
    expect(await insert.affected(database.db, { id: b, name: 'Locked', at: nowIso() })).toBe(1);
    expect(builds).toBe(1);
    expect(await find.execute(database.db, { id: a })).toEqual([{ id: a, name: 'Alpha', parent_account_id: null }]);
    expect(await find.execute(database.db, { id: b })).toEqual([{ id: b, name: 'Locked', parent_account_id: null }]);

    // The constant ('Locked') stays in the query whatever the values.
    expect(await rename.affected(database.db, { id: a, name: 'Beta' })).toBe(1);
    expect(await rename.affected(database.db, { id: b, name: 'Gamma' })).toBe(0);
    expect((await find.execute(database.db, { id: a }))[0]?.name).toBe('Beta');
    expect((await find.execute(database.db, { id: b }))[0]?.name).toBe('Locked');
  });

  it('runs inside a transaction on its connection, seeing its writes and rolling back with it', async () => {
    const insert = prepared(['id', 'at'], (db, p) =>
      db.insertInto('accounts').values({ id: p('id'), name: 'Inside', created_at: p('at'), updated_at: p('at') }),
    );
    const find = prepared(['id'], (db, p) => db.selectFrom('accounts').select('name').where('id', '=', p('id')));
    const id = newId();
    await expect(
      writeTransaction(database.db, database.dialect, async (tx) => {
        await insert.affected(tx, { id, at: nowIso() });
        expect(await find.execute(tx, { id })).toEqual([{ name: 'Inside' }]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await find.execute(database.db, { id })).toEqual([]);
  });

  it('refuses a call without one of its values, and a query that uses a name it did not list', async () => {
    const find = prepared(['id'], (db, p) => db.selectFrom('accounts').select('name').where('id', '=', p('id')));
    await expect(find.execute(database.db, {} as { id: string })).rejects.toThrow('needs a value for "id"');
    const wrong = prepared(['id'], (db, p) =>
      db
        .selectFrom('accounts')
        .select('name')
        .where('name', '=', (p as (n: string) => string)('name')),
    );
    await expect(wrong.execute(database.db, { id: 'x' })).rejects.toThrow(
      '"name" is not a value of this prepared query',
    );
  });
});
