// The general claim (all but the batch types) with thousands of due webhook deliveries queued ahead
// of one email: it must reach the email without reading the deliveries (the index of migration
// 0018, one seek per type), on SQLite and PostgreSQL; the batch claim reads its own type alone.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase, testDialect } from '../../test/helpers/db.ts';
import { planOf, recording } from '../../test/helpers/plans.ts';
import { isoPlus } from '../shared/time.ts';
import { enqueueJobs } from './jobs.ts';
import { claimDueJobs } from './jobs.repo.ts';

const database = useTestDatabase();
const BATCHED = 'deliver-webhook';

describe('the general claim behind a backlog of batch-type jobs', () => {
  it('claims the one due email through one seek per type, not a walk over the due deliveries', async () => {
    const { db, dialect } = database;
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    await db.transaction().execute(async (tx) => {
      await enqueueJobs(
        tx,
        Array.from({ length: 5000 }, (_, i) => ({ type: BATCHED, payload: { i }, runAt: new Date(start + i) })),
      );
      await enqueueJobs(tx, [
        { type: 'deliver-email', payload: { n: 1 }, runAt: new Date(start + 10_000) },
        { type: 'run-workflow', payload: { n: 2 }, runAt: new Date(start + 20_000) },
      ]);
    });
    const sqlite = testDialect() === 'sqlite';
    await db.executeQuery(CompiledQuery.raw(sqlite ? 'ANALYZE' : 'ANALYZE jobs'));
    const now = isoPlus(60_000, new Date(start));
    const r = recording(db);
    const claimed = await claimDueJobs(r.db, dialect, 'w', 10, now, isoPlus(60_000, new Date(now)), {
      except: [BATCHED],
    });
    expect(claimed.map((j) => j.type)).toEqual(['deliver-email', 'run-workflow']);
    // The claim's reads of queued jobs, explained as they ran (PostgreSQL: with the rows they read).
    const reads = r.queries.filter((q) => /queued/.test(q.sql) || q.parameters.includes('queued'));
    expect(reads.length).toBeGreaterThan(0);
    for (const q of reads) {
      const plan = sqlite
        ? await planOf(db, q)
        : JSON.stringify(
            (
              await db
                .transaction()
                .execute((tx) =>
                  tx.executeQuery(CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT TEXT) ${q.sql}`, [...q.parameters])),
                )
            ).rows,
          );
      expect(plan).toContain('jobs_due_by_type');
      expect(plan).not.toMatch(/SCAN jobs|Seq Scan|jobs_due \(|Index Scan using jobs_due /);
      // PostgreSQL counts the rows it read and dropped: a few at most, never the deliveries.
      for (const m of plan.matchAll(/Rows Removed by Filter: (\d+)/g)) expect(Number(m[1])).toBeLessThan(10);
      if (sqlite && !/with recursive/.test(q.sql))
        expect(plan).toContain('jobs_due_by_type (status=? AND type=? AND run_at<?)');
    }
    // The batch claim reads its own type in order, past nothing else.
    const batch = await claimDueJobs(db, dialect, 'w', 3, now, isoPlus(60_000, new Date(now)), { only: BATCHED });
    expect(batch.map((j) => JSON.parse(j.payload))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    // Nothing but left-out types queued: no search at all, nothing claimed.
    expect(
      await claimDueJobs(db, dialect, 'w', 10, now, isoPlus(60_000, new Date(now)), { except: [BATCHED] }),
    ).toEqual([]);
  });
});
