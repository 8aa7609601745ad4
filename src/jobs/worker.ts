// The job worker: claims due jobs with a lease, runs their handlers, retries with exponential
// back-off and keeps failed jobs (with their error) visible. Idle cost is a claim per poll (with
// batch types: theirs, and the general one, which finds the queued types first and seeks each
// one's due jobs, so a backlog of webhook deliveries is not read by it: jobs.repo.ts claimDueJobs).
// This file is the loop and its scheduling; one job's claim and run is job-executor.ts, a batch's
// batch-executor.ts.
//
// A claim counts an attempt and holds a lease (`locked_until`) that a heartbeat extends while the
// handler runs. When a process dies, its leases run out and any worker claims those jobs again, so
// handlers must be safe to run again after a crash (the email handler is: see email/delivery.ts).
import type { JobHandlers, JobRow } from './jobs.ts';
import * as repo from './jobs.repo.ts';
import { addStartedWorker, removeStartedWorker } from './wake-up.ts';
import { isoPlus } from '../shared/time.ts';
import { createExecutor, errorText, type JobContext, type WorkerOptions } from './job-executor.ts';
import { BATCHES_PER_TYPE, batchTypesOf, runBatch } from './batch-executor.ts';

export type { JobContext, JobLogger, WorkerOptions } from './job-executor.ts';

export interface Worker {
  readonly id: string;
  start(): void;
  /** Stops claiming and waits for the running jobs to finish. */
  stop(): Promise<void>;
  /** Looks for due jobs now instead of at the next poll. */
  notify(): void;
  /** Jobs running now. */
  readonly active: number;
}

export interface RunSummary {
  claimed: number;
  succeeded: number;
  retried: number;
  failed: number;
}

export function createWorker(ctx: JobContext, handlers: JobHandlers, options: WorkerOptions = {}): Worker {
  const exec = createExecutor(ctx, handlers, options);
  const pollMs = options.pollMs ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 10);
  const refillAt = Math.max(1, Math.floor(concurrency / 4));
  const keepSucceededMs = options.keepSucceededMs ?? 7 * 24 * 3600_000;
  const PRUNE_EVERY_MS = 3600_000;
  const { batchTypes, except } = batchTypesOf(handlers);
  /** Batches of each batch type running now (two at most: one claims while the other records). */
  const batchesRunning = new Map<string, number>();

  let started = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  // A wake-up asked for since the last claim began: the poll that is finishing must not swallow it
  // by scheduling the next claim a whole poll interval away.
  let wakeRequested = false;
  let pollAgain = false;
  /** The last claim filled every free slot: more jobs may be due. */
  let saturated = false;
  let lastPrune = Date.now();
  const inFlight = new Set<Promise<unknown>>();

  const schedule = (ms: number) => {
    if (!started || stopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => void poll(), ms);
  };

  async function pollLoop(): Promise<void> {
    do {
      pollAgain = false;
      wakeRequested = false;
      for (const b of batchTypes) {
        if ((batchesRunning.get(b.type) ?? 0) >= BATCHES_PER_TYPE || inFlight.size >= concurrency || stopping) continue;
        let batch: JobRow[];
        try {
          batch = await exec.claim(b.size, { only: b.type });
        } catch (err) {
          exec.log.error({ workerId: exec.workerId, err: errorText(err) }, 'could not claim jobs');
          continue;
        }
        if (batch.length === 0) continue;
        batchesRunning.set(b.type, (batchesRunning.get(b.type) ?? 0) + 1);
        const p = runBatch(exec, handlers, b.type, batch).finally(() => {
          inFlight.delete(p);
          batchesRunning.set(b.type, (batchesRunning.get(b.type) ?? 1) - 1);
          // No sleep between rounds while work may be waiting: the next batch is claimed at once.
          if (!stopping) void poll();
        });
        inFlight.add(p);
        if (batch.length === b.size) pollAgain = true;
      }
      const room = concurrency - inFlight.size;
      if (room <= 0) return;
      let jobs: JobRow[];
      try {
        jobs = await exec.claim(room, { except });
      } catch (err) {
        exec.log.error({ workerId: exec.workerId, err: errorText(err) }, 'could not claim jobs');
        return;
      }
      saturated = jobs.length === room;
      for (const job of jobs) {
        const p = exec.runSafely(job).finally(() => {
          inFlight.delete(p);
          // Busy: claim again once a quarter of the slots are free, so that one claim (a write)
          // brings several jobs rather than one per finished job.
          if (saturated && !stopping && concurrency - inFlight.size >= refillAt) void poll();
        });
        inFlight.add(p);
      }
      if (saturated) pollAgain = true;
    } while (pollAgain && !stopping);
    await prune();
  }

  async function prune(): Promise<void> {
    if (keepSucceededMs <= 0 || Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    try {
      await repo.deleteSucceededBefore(ctx.db, isoPlus(-keepSucceededMs));
    } catch (err) {
      exec.log.error({ err: errorText(err) }, 'could not delete old succeeded jobs');
    }
  }

  function poll(): Promise<void> {
    if (!started || stopping) return Promise.resolve();
    if (polling) {
      pollAgain = true;
      return polling;
    }
    clearTimeout(timer);
    polling = pollLoop().finally(() => {
      polling = undefined;
      schedule(wakeRequested ? 0 : pollMs);
    });
    return polling;
  }

  const worker: Worker = {
    id: exec.workerId,
    get active() {
      return inFlight.size;
    },
    start() {
      if (started) return;
      started = true;
      stopping = false;
      addStartedWorker(worker);
      void poll();
    },
    notify() {
      if (!started || stopping) return;
      wakeRequested = true;
      clearTimeout(timer);
      timer = setTimeout(() => void poll(), 0);
    },
    async stop() {
      if (!started) return;
      stopping = true;
      clearTimeout(timer);
      removeStartedWorker(worker);
      if (polling) await polling;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      started = false;
    },
  };
  return worker;
}

/**
 * Runs due jobs in this process until none is due (for tests and the CLI). Jobs retried with a
 * back-off are not due again at once, so this ends.
 */
export async function runDueJobsOnce(
  ctx: JobContext,
  handlers: JobHandlers,
  options: WorkerOptions = {},
): Promise<RunSummary> {
  const exec = createExecutor(ctx, handlers, options);
  const concurrency = Math.max(1, options.concurrency ?? 10);
  const summary: RunSummary = { claimed: 0, succeeded: 0, retried: 0, failed: 0 };
  const { batchTypes, except } = batchTypesOf(handlers);
  for (;;) {
    let batched = 0;
    for (const b of batchTypes) {
      const batch = await exec.claim(b.size, { only: b.type });
      batched += batch.length;
      summary.claimed += batch.length;
      for (const o of batch.length > 0 ? await runBatch(exec, handlers, b.type, batch) : [])
        if (o !== 'lost') summary[o]++;
    }
    const jobs = await exec.claim(concurrency, { except });
    if (jobs.length === 0 && batched === 0) return summary;
    summary.claimed += jobs.length;
    const outcomes = await Promise.all(jobs.map((j) => exec.runSafely(j)));
    for (const o of outcomes) if (o !== 'lost') summary[o]++;
  }
}
