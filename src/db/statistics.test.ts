// A bulk load's lookups on PostgreSQL (statistics.ts, sql.ts PLAN_EACH_TIME): a statement marked to
// be planned each time is never named, others are; refreshStatistics analyzes on PostgreSQL only.
import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/helpers/db.ts';
import { PLAN_EACH_TIME } from './sql.ts';
import { refreshStatistics } from './statistics.ts';

const database = useTestDatabase({ poolSize: 1 });
const onPostgres = process.env.TEST_DB === 'postgres';

describe('statistics of a growing table', () => {
  it('refreshStatistics analyzes the table on PostgreSQL and does nothing on SQLite', async () => {
    const reltuples = async () =>
      Number(
        (await sql<{ n: number }>`select reltuples as n from pg_class where relname = 'web_roles'`.execute(database.db))
          .rows[0]?.n,
      );
    if (onPostgres) {
      await sql`insert into web_roles (id, name, authenticated_users_role, created_at, updated_at)
        select gen_random_uuid()::text, 'r' || g, 0, now()::text, now()::text from generate_series(1, 300) g`.execute(
        database.db,
      );
      expect(await refreshStatistics(database.db, 'web_roles')).toBe(true);
      expect(await reltuples()).toBeGreaterThanOrEqual(300);
    } else expect(await refreshStatistics(database.db, 'web_roles')).toBe(false);
  });

  it('a query text starting with PLAN_EACH_TIME answers as without it, and PostgreSQL never names (prepares) it', async () => {
    await database.db
      .insertInto('contacts')
      .values({
        id: '01900000-0000-7000-8000-000000000001',
        emailaddress1: 'Probe@Stats.example',
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    const p = onPostgres ? '$1' : '?';
    const run = async (text: string) =>
      (await database.db.executeQuery(CompiledQuery.raw(text, ['probe@stats.example']))).rows;
    const plain = await run(`select id from contacts where lower(emailaddress1) = ${p} /* named-probe */`);
    const marked = await run(
      `${PLAN_EACH_TIME}select id from contacts where lower(emailaddress1) = ${p} /* each-time-probe */`,
    );
    expect(plain).toEqual([{ id: '01900000-0000-7000-8000-000000000001' }]);
    expect(marked).toEqual(plain);
    if (!onPostgres) return;
    const named = async (marker: string) =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`}`.execute(
            database.db,
          )
        ).rows[0]?.n,
      );
    expect(await named('named-probe')).toBe(1);
    expect(await named('each-time-probe')).toBe(0);
  });
});
