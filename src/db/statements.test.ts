import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '../../test/helpers/db.ts';

// Statements are prepared once per connection and reused by their SQL text (SQLite: the
// better-sqlite3 statement cache; PostgreSQL: named statements). A table that changes under them
// (a migration run by another process) must not break them for good.
const database = useTestDatabase({ poolSize: 1 });

const select = () => sql<Record<string, unknown>>`select * from shape_test where id = ${'a'}`.execute(database.db);

describe('statements prepared once', () => {
  it('run again and again with new values, and keep working after their table changed', async () => {
    await sql`create table shape_test (id varchar(10) primary key, one varchar(10))`.execute(database.db);
    await sql`insert into shape_test (id, one) values (${'a'}, ${'1'}), (${'b'}, ${'2'})`.execute(database.db);
    for (let i = 0; i < 3; i++) expect((await select()).rows).toEqual([{ id: 'a', one: '1' }]);
    const other = await sql<Record<string, unknown>>`select * from shape_test where id = ${'b'}`.execute(database.db);
    expect(other.rows).toEqual([{ id: 'b', one: '2' }]);

    await sql`alter table shape_test add column two varchar(10)`.execute(database.db);
    // PostgreSQL refuses the statement prepared for the old shape once ("cached plan must not
    // change result type"); it is then prepared anew.
    let rows: unknown[] | undefined;
    for (let attempt = 0; attempt < 2 && !rows; attempt++) {
      try {
        rows = (await select()).rows;
      } catch (err) {
        expect(database.dialect).toBe('postgres');
        expect((err as { code?: string }).code).toBe('0A000');
      }
    }
    expect(rows).toEqual([{ id: 'a', one: '1', two: null }]);
    expect((await select()).rows).toEqual([{ id: 'a', one: '1', two: null }]);
  });
});
