import type { InsertQueryNode, KyselyPlugin, ValuesNode } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialect, useTestDatabase } from '../../test/helpers/db.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { insertChunked, rowsPerStatement } from './insert-chunked.ts';
import type { Tx } from './types.ts';

const database = useTestDatabase();
const postgres = testDialect() === 'postgres';

/** Runs `fn` in a transaction whose INSERTs are counted: the rows of each statement, in order. */
async function counted<R>(fn: (tx: Tx) => Promise<R>): Promise<{ result: R; statements: number[] }> {
  const statements: number[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }) => {
      if (node.kind === 'InsertQueryNode')
        statements.push(((node as InsertQueryNode).values as ValuesNode).values.length);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const result = await database.db.transaction().execute((tx) => fn(tx.withPlugin(plugin)));
  return { result, statements };
}

const event = (id = newId()) => ({ id, type: 'contact.created', data: '{}', created_at: nowIso() });
const eventCount = async () =>
  Number(
    (
      await database.db
        .selectFrom('lifecycle_events')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('insertChunked', () => {
  it('writes nothing and runs no statement for no rows', async () => {
    const { result, statements } = await counted((tx) => insertChunked(tx, 'lifecycle_events', []));
    expect(result).toBe(0);
    expect(statements).toEqual([]);
  });

  it('writes 500 rows in one statement and the 501st in a second, in the caller’s transaction', async () => {
    const before = await eventCount();
    const rows = Array.from({ length: 501 }, () => event());
    const one = await counted((tx) => insertChunked(tx, 'lifecycle_events', rows.slice(0, 500)));
    expect(one).toEqual({ result: 500, statements: [500] });
    const two = await counted((tx) => insertChunked(tx, 'lifecycle_events', rows.slice(500)));
    expect(two).toEqual({ result: 1, statements: [1] });
    expect(await eventCount()).toBe(before + 501);

    const more = Array.from({ length: 501 }, () => event());
    const many = await counted((tx) => insertChunked(tx, 'lifecycle_events', more));
    expect(many).toEqual({ result: 501, statements: [500, 1] });
    // A rollback takes every chunk with it.
    await expect(
      database.db.transaction().execute(async (tx) => {
        await insertChunked(
          tx,
          'lifecycle_events',
          Array.from({ length: 700 }, () => event()),
        );
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await eventCount()).toBe(before + 1002);
  });

  it('lets the parameter limit decide for many columns: its share of rows a statement, and one more in the next', async () => {
    // 140 columns: 234 rows a statement on SQLite (32,766 parameters), 468 on PostgreSQL (65,535).
    const columns = ['id', ...Array.from({ length: 139 }, (_, i) => `c${i}`)];
    await database.db.schema
      .createTable('wide_rows')
      .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
      .execute();
    for (const c of columns.slice(1)) await database.db.schema.alterTable('wide_rows').addColumn(c, 'text').execute();
    const perStatement = rowsPerStatement(postgres, columns.length);
    expect(perStatement).toBe(postgres ? 468 : 234);
    const rows = Array.from({ length: perStatement + 1 }, (_, r) =>
      Object.fromEntries(columns.map((c) => [c, c === 'id' ? `row-${r}` : `${c}:${r}`])),
    );
    // The limit is real: one statement of all of them is refused.
    await expect(
      database.db
        .insertInto('wide_rows' as 'lifecycle_events')
        .values(rows as never)
        .execute(),
    ).rejects.toThrow();

    const { result, statements } = await counted((tx) => insertChunked(tx, 'wide_rows' as 'jobs', rows as never));
    expect(result).toBe(perStatement + 1);
    expect(statements).toEqual([perStatement, 1]);
    const back = await database.db
      .selectFrom('wide_rows' as 'lifecycle_events')
      .selectAll()
      .where('id', '=', `row-${perStatement}`)
      .executeTakeFirstOrThrow();
    expect((back as Record<string, unknown>).c138).toBe(`c138:${perStatement}`);
  });

  it('leaves rows meeting a named unique column or any constraint as they are, and counts only those written', async () => {
    const kept = Array.from({ length: 3 }, () => event());
    await database.db.insertInto('lifecycle_events').values(kept).execute();
    const changed = kept.map((e) => ({ ...e, data: '{"changed":true}' }));
    const fresh = Array.from({ length: 600 }, () => event());
    // The duplicates fall in both chunks.
    const rows = [changed[0], ...fresh.slice(0, 550), changed[1], ...fresh.slice(550), changed[2]].filter(
      (r) => r !== undefined,
    );
    const named = await counted((tx) => insertChunked(tx, 'lifecycle_events', rows, { conflictDoNothing: ['id'] }));
    expect(named).toEqual({ result: 600, statements: [500, 103] });
    const any = await counted((tx) => insertChunked(tx, 'lifecycle_events', rows, { conflictDoNothing: true }));
    expect(any).toEqual({ result: 0, statements: [500, 103] });
    const stored = await database.db
      .selectFrom('lifecycle_events')
      .select('data')
      .where(
        'id',
        'in',
        kept.map((e) => e.id),
      )
      .execute();
    expect(stored.map((s) => s.data)).toEqual(['{}', '{}', '{}']);
    // Without the option a duplicate is the error it always was.
    await expect(
      counted((tx) => insertChunked(tx, 'lifecycle_events', [event(), changed[0] ?? event()])),
    ).rejects.toThrow();
  });

  it('checks the rows as values() does', async () => {
    await expect(
      counted((tx) =>
        // @ts-expect-error: lifecycle_events has no column `nope`, and `type` is text.
        insertChunked(tx, 'lifecycle_events', [{ id: newId(), type: 1, data: '{}', created_at: nowIso(), nope: 1 }]),
      ),
    ).rejects.toThrow();
  });
});
