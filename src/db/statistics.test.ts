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

  it.runIf(onPostgres)(
    'a query text starting with PLAN_EACH_TIME is not named (prepared) on the connection',
    async () => {
      const run = (text: string) => database.db.executeQuery(CompiledQuery.raw(text, ['probe@stats.example']));
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
      await run(`select id from contacts where lower(emailaddress1) = $1 /* named-probe */`);
      await run(`${PLAN_EACH_TIME}select id from contacts where lower(emailaddress1) = $1 /* each-time-probe */`);
      expect(await named('named-probe')).toBe(1);
      expect(await named('each-time-probe')).toBe(0);
    },
  );
});
