import { describe, expect, it } from 'vitest';
import { testDialect, useTestDatabase } from '../../test/helpers/db.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { insertMany } from './insert-many.ts';
import { sqliteConnectionOf } from './sqlite-connection.ts';

const database = useTestDatabase();
const columns = ['id', 'type', 'data', 'created_at'] as const;
const event = (id = newId()) => ({ id, type: 'contact.created', data: `{"n":"${id}"}`, created_at: nowIso() });
const storedIds = async (ids: string[]) =>
  (await database.db.selectFrom('lifecycle_events').select('id').where('id', 'in', ids).orderBy('id').execute()).map(
    (r) => r.id,
  );

describe('insertMany', () => {
  it('runs on the connection of the transaction: SQLite’s own one, none on PostgreSQL', async () => {
    await database.db.transaction().execute(async (tx) => {
      expect(Boolean(sqliteConnectionOf(tx))).toBe(testDialect() === 'sqlite');
    });
  });

  it('writes every row (undefined as null) in the caller’s transaction, more than one statement’s worth', async () => {
    const rows = Array.from({ length: 1201 }, () => event());
    await database.db.transaction().execute((tx) => insertMany(tx, 'lifecycle_events', columns, rows));
    const ids = rows.map((r) => r.id);
    expect(await storedIds(ids)).toEqual([...ids].sort());
    const last = rows[1200];
    const back = await database.db
      .selectFrom('lifecycle_events')
      .selectAll()
      .where('id', '=', last?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(back.data).toBe(last?.data);

    const audit = { id: newId(), actor_type: 'system', action: 'create', record_type: 'contact', created_at: nowIso() };
    await database.db
      .transaction()
      .execute((tx) =>
        insertMany(
          tx,
          'audit_log',
          ['id', 'actor_type', 'actor_id', 'action', 'record_type', 'record_id', 'details', 'created_at'],
          [audit],
        ),
      );
    const written = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '=', audit.id)
      .executeTakeFirstOrThrow();
    expect([written.actor_id, written.record_id, written.details]).toEqual([null, null, null]);
  });

  it('is undone with its transaction, on a failure of its own or of the caller', async () => {
    const rows = Array.from({ length: 700 }, () => event());
    await expect(
      database.db.transaction().execute(async (tx) => {
        await insertMany(tx, 'lifecycle_events', columns, rows);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await storedIds(rows.map((r) => r.id))).toEqual([]);

    // A duplicate id in the last row: the constraint error, and none of the rows before it stay.
    const first = rows[0] ?? event();
    await expect(
      database.db.transaction().execute((tx) => insertMany(tx, 'lifecycle_events', columns, [...rows, first])),
    ).rejects.toThrow();
    expect(await storedIds(rows.map((r) => r.id))).toEqual([]);
  });

  it('leaves rows meeting the named unique columns as they are', async () => {
    const kept = Array.from({ length: 3 }, () => event());
    await database.db.insertInto('lifecycle_events').values(kept).execute();
    const changed = kept.map((e) => ({ ...e, data: '{"changed":true}' }));
    const fresh = Array.from({ length: 600 }, () => event());
    const rows = [changed[0], ...fresh.slice(0, 550), changed[1], ...fresh.slice(550), changed[2]].filter(
      (r) => r !== undefined,
    );
    await database.db
      .transaction()
      .execute((tx) => insertMany(tx, 'lifecycle_events', columns, rows, { conflictDoNothing: ['id'] }));
    const stored = await database.db
      .selectFrom('lifecycle_events')
      .select('data')
      .where(
        'id',
        'in',
        kept.map((e) => e.id),
      )
      .execute();
    expect(stored.map((s) => s.data)).toEqual(kept.map((e) => e.data));
    expect(await storedIds(fresh.map((r) => r.id))).toHaveLength(600);
  });
});
