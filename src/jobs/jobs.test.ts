import { describe, expect, it } from 'vitest';
import { testClock } from '../../test/helpers/clock.ts';
import { useTestDatabase } from '../../test/helpers/db.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { openDatabase } from '../db/connection.ts';
import { writeTransaction } from '../db/group-commit.ts';
import { isoPlus } from '../shared/time.ts';
import { enqueueJob, MAX_FOLLOW_UPS, PermanentJobError, type JobHandlers } from './jobs.ts';
import { claimDueJobs, findJob } from './jobs.repo.ts';
import { createWorker, runDueJobsOnce, type JobContext } from './worker.ts';

const database = useTestDatabase();
const ctx: JobContext = database;

const jobsOfType = (type: string) => database.db.selectFrom('jobs').selectAll().where('type', '=', type).execute();

describe('jobs', () => {
  it('writes a job only when its transaction commits', async () => {
    await expect(
      database.db.transaction().execute(async (tx) => {
        await enqueueJob(tx, { type: 'rolled-back', payload: { n: 1 } });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await jobsOfType('rolled-back')).toEqual([]);

    const id = await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'committed', payload: { n: 2 } }));
    const ran: unknown[] = [];
    const summary = await runDueJobsOnce(ctx, { committed: async (p) => void ran.push(p) });
    expect(summary).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(ran).toEqual([{ n: 2 }]);
    expect(await findJob(database.db, id)).toMatchObject({ status: 'succeeded', attempts: 1, locked_by: null });
  });

  it('lets a handler record its success in its own transaction: committed with its change, or not at all', async () => {
    const done = await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'completes-itself', payload: { n: 1 } }));
    const undone = await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'completes-then-rolls-back', payload: { n: 2 } }));
    let statusInside: string | undefined;
    const summary = await runDueJobsOnce(
      ctx,
      {
        'completes-itself': async (_p, job, control) => {
          await database.db.transaction().execute(async (tx) => {
            await tx
              .insertInto('audit_log')
              .values({
                id: job.id,
                actor_type: 'system',
                actor_id: null,
                action: 'job-test',
                record_type: 'job',
                record_id: job.id,
                details: '{}',
                created_at: new Date().toISOString(),
              })
              .execute();
            await control.complete(tx);
            statusInside = (await findJob(tx, job.id))?.status;
          });
        },
        'completes-then-rolls-back': async (_p, _job, control) => {
          await database.db
            .transaction()
            .execute(async (tx) => {
              await control.complete(tx);
              throw new Error('the change failed after completing');
            })
            .catch(() => {});
          throw new Error('the handler failed');
        },
      },
      { backoff: { baseMs: 60_000, maxMs: 60_000 } },
    );
    expect(summary).toMatchObject({ claimed: 2, succeeded: 1, retried: 1 });
    // The success was written in the handler's transaction, beside its change.
    expect(statusInside).toBe('succeeded');
    expect(await findJob(database.db, done)).toMatchObject({ status: 'succeeded', locked_by: null });
    expect(
      await database.db.selectFrom('audit_log').select('action').where('id', '=', done).executeTakeFirst(),
    ).toEqual({ action: 'job-test' });
    // Its transaction rolled back: the job is not succeeded but queued for another attempt.
    expect(await findJob(database.db, undone)).toMatchObject({ status: 'queued', last_error: 'the handler failed' });
  });

  it('runs follow-up jobs right after the job that wrote them, before jobs queued earlier, and not when their transaction rolled back', async () => {
    const order: string[] = [];
    // Due one after another (a millisecond apart, in the past), so that the claim order is theirs.
    const dueAt = (i: number) => new Date(Date.now() - 60_000 + i);
    await database.db.transaction().execute(async (tx) => {
      await enqueueJob(tx, { type: 'parent', payload: { name: 'p1' }, runAt: dueAt(0) });
      await enqueueJob(tx, { type: 'parent-rolled-back', payload: { name: 'p2' }, runAt: dueAt(1) });
      // Queued before any follow-up exists.
      for (let i = 0; i < 3; i++)
        await enqueueJob(tx, { type: 'plain', payload: { name: `plain${i}` }, runAt: dueAt(2 + i) });
    });
    let followUpId = '';
    const summary = await runDueJobsOnce(
      ctx,
      {
        parent: async (p: { name: string }, _job, control) => {
          order.push(p.name);
          followUpId = await database.db
            .transaction()
            .execute((tx) => enqueueJob(tx, { type: 'child', payload: { name: 'child-of-p1' }, followUpOf: control }));
        },
        'parent-rolled-back': async (p: { name: string }, _job, control) => {
          order.push(p.name);
          await database.db
            .transaction()
            .execute(async (tx) => {
              await enqueueJob(tx, { type: 'child', payload: { name: 'child-of-p2' }, followUpOf: control });
              throw new Error('the change failed');
            })
            .catch(() => {});
          throw new PermanentJobError('the parent failed');
        },
        plain: async (p: { name: string }) => void order.push(p.name),
        child: async (p: { name: string }) => void order.push(p.name),
      },
      // One at a time: the order shows what runs after what.
      { concurrency: 1 },
    );
    expect(order).toEqual(['p1', 'child-of-p1', 'p2', 'plain0', 'plain1', 'plain2']);
    // Written claimed (one attempt), then run and succeeded like any job.
    expect(await findJob(database.db, followUpId)).toMatchObject({
      type: 'child',
      status: 'succeeded',
      attempts: 1,
      locked_by: null,
    });
    expect((await jobsOfType('child')).map((j) => JSON.parse(j.payload).name)).toEqual(['child-of-p1']);
    expect(summary).toMatchObject({ claimed: 5, succeeded: 4, failed: 1 });
  });

  it('keeps at most MAX_FOLLOW_UPS follow-ups for its own slot and queues the rest for any slot', async () => {
    const written: Array<{ status: string; locked_by: string | null }> = [];
    const ran: string[] = [];
    await database.db.transaction().execute((tx) => enqueueJob(tx, { type: 'fan-out', payload: {} }));
    await runDueJobsOnce(ctx, {
      'fan-out': async (_p, _job, control) => {
        const ids = await database.db.transaction().execute(async (tx) => {
          const out: string[] = [];
          for (let i = 0; i < MAX_FOLLOW_UPS + 3; i++)
            out.push(await enqueueJob(tx, { type: 'fanned', payload: { i }, followUpOf: control }));
          return out;
        });
        for (const id of ids)
          written.push((await findJob(database.db, id)) as { status: string; locked_by: string | null });
      },
      fanned: async (p: { i: number }) => void ran.push(String(p.i)),
    });
    expect(written.map((j) => j.status)).toEqual([
      ...Array(MAX_FOLLOW_UPS).fill('running'),
      'queued',
      'queued',
      'queued',
    ]);
    expect(ran.sort()).toEqual(Array.from({ length: MAX_FOLLOW_UPS + 3 }, (_, i) => String(i)).sort());
  });

  it('leaves a follow-up job to any worker once its lease runs out (its worker died before running it)', async () => {
    const deadWorker = {
      complete: async () => {},
      claimForFollowUp: () => ({ workerId: 'dead-worker', lockedUntil: isoPlus(-1000) }),
      follow: () => {},
    };
    const id = await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'orphan', payload: {}, followUpOf: deadWorker }));
    expect(await findJob(database.db, id)).toMatchObject({ status: 'running', locked_by: 'dead-worker', attempts: 1 });
    let ran = 0;
    const summary = await runDueJobsOnce(ctx, { orphan: async () => void ran++ });
    expect(ran).toBe(1);
    expect(summary).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(await findJob(database.db, id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('does not run a job before its runAt', async () => {
    await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'later', payload: null, runAt: new Date(Date.now() + 60_000) }));
    const summary = await runDueJobsOnce(ctx, { later: async () => {} });
    expect(summary.claimed).toBe(0);
  });

  it('retries a failing job with exponential back-off, then fails it with its last error visible', async () => {
    const id = await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'flaky', payload: {}, maxAttempts: 3 }));
    const runs: number[] = [];
    // The worker's time moves 10 ms each time the test looks, however slow the machine is.
    const clock = testClock();
    const worker = createWorker(
      ctx,
      {
        flaky: async (_p, job) => {
          runs.push(clock.now().getTime());
          throw new Error(`boom ${job.attempts}`);
        },
      },
      { pollMs: 10, backoff: { baseMs: 150, maxMs: 10_000 }, concurrency: 2, now: clock.now },
    );
    worker.start();
    await waitUntil(async () => {
      clock.advance(10);
      return (await findJob(database.db, id))?.status === 'failed';
    });
    await worker.stop();
    expect(runs).toHaveLength(3);
    const [a, b, c] = runs as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(140); // base
    expect(c - b).toBeGreaterThanOrEqual(290); // base·2
    expect(await findJob(database.db, id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'boom 3',
      locked_by: null,
    });
  });

  it('fails at once on a PermanentJobError', async () => {
    const id = await database.db.transaction().execute((tx) => enqueueJob(tx, { type: 'hopeless', payload: {} }));
    let runs = 0;
    await runDueJobsOnce(ctx, {
      hopeless: async () => {
        runs++;
        throw new PermanentJobError('no such thing');
      },
    });
    expect(runs).toBe(1);
    expect(await findJob(database.db, id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'no such thing',
    });
  });

  it('claims again a job whose lease ran out (its worker died), and fails it when no attempts are left', async () => {
    const id = await database.db
      .transaction()
      .execute((tx) => enqueueJob(tx, { type: 'orphan', payload: {}, maxAttempts: 2 }));
    const clock = testClock();
    const claimed = await claimDueJobs(
      database.db,
      database.dialect,
      'dead-worker',
      100,
      clock.now().toISOString(),
      isoPlus(100, clock.now()),
    );
    expect(claimed.map((j) => j.id)).toContain(id);
    // Within the lease nobody else takes it.
    clock.advance(50);
    expect((await runDueJobsOnce(ctx, { orphan: async () => {} }, { now: clock.now })).claimed).toBe(0);
    clock.advance(100);
    let runs = 0;
    const summary = await runDueJobsOnce(
      ctx,
      {
        orphan: async () => {
          runs++;
        },
      },
      { now: clock.now },
    );
    expect(summary.claimed).toBe(1);
    expect(runs).toBe(1);
    expect(await findJob(database.db, id)).toMatchObject({ status: 'succeeded', attempts: 2 });

    // A job whose last attempt died with its worker fails instead of running a third time.
    const last = await database.db
      .transaction()
      // Due on the test's clock: on the wall clock a loaded machine can carry it past the claim's now.
      .execute((tx) => enqueueJob(tx, { type: 'orphan2', payload: {}, maxAttempts: 1, runAt: clock.now() }));
    await claimDueJobs(
      database.db,
      database.dialect,
      'dead-worker',
      100,
      clock.now().toISOString(),
      isoPlus(50, clock.now()),
    );
    clock.advance(100);
    let ran = false;
    await runDueJobsOnce(
      ctx,
      {
        orphan2: async () => {
          ran = true;
        },
      },
      { now: clock.now },
    );
    expect(ran).toBe(false);
    expect((await findJob(database.db, last))?.status).toBe('failed');
    expect((await findJob(database.db, last))?.last_error).toMatch(/No attempts left/);
  });

  it('keeps the lease of a long job alive, so no other worker takes it', async () => {
    const id = await database.db.transaction().execute((tx) => enqueueJob(tx, { type: 'slow', payload: {} }));
    let runs = 0;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const handlers: JobHandlers = {
      slow: async () => {
        runs++;
        await finished;
      },
    };
    // Both workers read one clock that the test moves: the job runs for 3.5 leases of 200 ms of it.
    const clock = testClock();
    const lockedUntil = async () => Date.parse((await findJob(database.db, id))?.locked_until ?? '');
    const a = createWorker(ctx, handlers, { pollMs: 20, leaseMs: 200, workerId: 'a', now: clock.now });
    const b = createWorker(ctx, handlers, { pollMs: 20, leaseMs: 200, workerId: 'b', now: clock.now });
    try {
      a.start();
      await waitUntil(() => runs === 1);
      b.start();
      for (let step = 0; step < 7; step++) {
        // Half a lease on each step, soon past the lease of the claim: only a's heartbeat keeps it from b.
        clock.advance(100);
        const until = clock.now().getTime() + 200;
        await waitUntil(async () => (await lockedUntil()) >= until, 15_000, 'the heartbeat to extend the lease');
      }
      finish();
      await waitUntil(async () => (await findJob(database.db, id))?.status === 'succeeded');
    } finally {
      finish();
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(runs).toBe(1);
  });

  it('two workers on their own connections never run the same job twice', async () => {
    const second = openDatabase(database.config);
    try {
      const n = 300;
      await database.db.transaction().execute(async (tx) => {
        for (let i = 0; i < n; i++) await enqueueJob(tx, { type: 'count', payload: { i } });
      });
      const runsById = new Map<string, number>();
      const byWorker = { a: 0, b: 0 };
      const handler =
        (who: 'a' | 'b'): JobHandlers['count'] =>
        async (_p, job) => {
          runsById.set(job.id, (runsById.get(job.id) ?? 0) + 1);
          byWorker[who]++;
          await new Promise((r) => setTimeout(r, Math.random() * 5));
        };
      const a = createWorker(ctx, { count: handler('a') }, { pollMs: 10, concurrency: 8, workerId: 'worker-a' });
      const b = createWorker(
        { db: second.db, dialect: second.dialect },
        { count: handler('b') },
        { pollMs: 10, concurrency: 8, workerId: 'worker-b' },
      );
      a.start();
      b.start();
      await waitUntil(async () => {
        const left = await database.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('type', '=', 'count')
          .where('status', '!=', 'succeeded')
          .executeTakeFirstOrThrow();
        return Number(left.n) === 0;
      }, 20_000);
      await Promise.all([a.stop(), b.stop()]);
      expect(runsById.size).toBe(n);
      expect([...runsById.values()].every((c) => c === 1)).toBe(true);
      expect(byWorker.a).toBeGreaterThan(0);
      expect(byWorker.b).toBeGreaterThan(0);
      const rows = await jobsOfType('count');
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('wakes at once on notify() instead of waiting for the next poll', async () => {
    let ran = false;
    const w = createWorker(
      ctx,
      {
        wake: async () => {
          ran = true;
        },
      },
      { pollMs: 60_000 },
    );
    w.start();
    await new Promise((r) => setTimeout(r, 50));
    await database.db.transaction().execute((tx) => enqueueJob(tx, { type: 'wake', payload: {} }));
    const t0 = Date.now();
    w.notify();
    await waitUntil(() => ran, 5_000);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await w.stop();
  });

  it('wakes the started workers by itself once a transaction that queued a job commits', async () => {
    const ran: string[] = [];
    const w = createWorker(
      ctx,
      {
        'woken-plain': async () => void ran.push('plain'),
        'woken-batch': async () => void ran.push('batch'),
      },
      { pollMs: 60_000 },
    );
    w.start();
    await new Promise((r) => setTimeout(r, 50));
    await database.db.transaction().execute((tx) => enqueueJob(tx, { type: 'woken-plain', payload: {} }));
    await writeTransaction(database.db, database.dialect, (tx) => enqueueJob(tx, { type: 'woken-batch', payload: {} }));
    // The next poll is a minute away: only the wake-up after each commit runs them within this wait.
    await waitUntil(() => ran.length === 2, 20_000);
    expect(ran.sort()).toEqual(['batch', 'plain']);
    await w.stop();
  });
});

describe('batch handlers', () => {
  it('run jobs of their type together, completed in one transaction; a failed item alone is retried', async () => {
    const ids = await database.db
      .transaction()
      .execute(async (tx) =>
        Promise.all(Array.from({ length: 5 }, (_, n) => enqueueJob(tx, { type: 'batched', payload: { n } }))),
      );
    const batches: number[][] = [];
    const handler = Object.assign(async () => {}, {
      batch: {
        size: 3,
        async run(jobs: Array<{ payload: { n: number }; control: { complete(tx: never): Promise<void> } }>) {
          batches.push(jobs.map((j) => j.payload.n));
          await writeTransaction(database.db, database.dialect, async (tx) => {
            for (const j of jobs) if (j.payload.n !== 4) await j.control.complete(tx as never);
          });
          return jobs.map((j) => (j.payload.n === 4 ? new Error('item 4 failed') : undefined));
        },
      },
    });
    const summary = await runDueJobsOnce(ctx, { batched: handler }, { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    expect(summary).toMatchObject({ claimed: 5, succeeded: 4, retried: 1 });
    expect(batches.map((b) => b.length)).toEqual([3, 2]);
    const rows = await jobsOfType('batched');
    expect(rows.filter((r) => r.status === 'succeeded')).toHaveLength(4);
    const failed = rows.find((r) => r.id === ids[4]);
    expect(failed).toMatchObject({ status: 'queued', last_error: 'item 4 failed' });
  });

  it('are claimed apart by a started worker, which takes the next batch at once while more are due', async () => {
    await database.db
      .transaction()
      .execute(async (tx) =>
        Promise.all(Array.from({ length: 7 }, (_, n) => enqueueJob(tx, { type: 'batched-2', payload: { n } }))),
      );
    const seen: number[] = [];
    const handler = Object.assign(async () => {}, {
      batch: {
        size: 2,
        async run(jobs: Array<{ payload: { n: number } }>) {
          for (const j of jobs) seen.push(j.payload.n);
          return jobs.map(() => undefined);
        },
      },
    });
    // A poll interval far longer than the test: only the worker's own wake-ups can finish it in time.
    const worker = createWorker(ctx, { 'batched-2': handler }, { pollMs: 600_000 });
    worker.start();
    try {
      await waitUntil(
        async () => (await jobsOfType('batched-2')).every((r) => r.status === 'succeeded'),
        10_000,
        'all batches',
      );
    } finally {
      await worker.stop();
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
