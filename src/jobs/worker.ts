// The job worker: claims due jobs with a lease, runs their handlers, retries with exponential
// back-off and keeps failed jobs (with their error) visible. Idle cost is one claim query per poll.
//
// A claim counts an attempt and holds a lease (`locked_until`) that a heartbeat extends while the
// handler runs. When a process dies, its leases run out and any worker claims those jobs again, so
// handlers must be safe to run again after a crash (the email handler is: see email/delivery.ts).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';

/** What the worker needs of the app's context. */
export type JobContext = Pick<AppContext, 'db' | 'dialect'>;
import { isoPlus } from '../shared/time.ts';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  MAX_FOLLOW_UPS,
  PermanentJobError,
  type Backoff,
  type JobControl,
  type JobHandlers,
  type JobRow,
} from './jobs.ts';
import * as repo from './jobs.repo.ts';
import { addStartedWorker, removeStartedWorker } from './wake-up.ts';
import { autocommit, BACKGROUND } from '../db/group-commit.ts';

/** The pino-style subset the worker logs through (Fastify's `app.log` fits). */
export interface JobLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

const defaultLogger: JobLogger = {
  error: (obj, msg) => console.error(msg, obj),
  warn: () => {},
  info: () => {},
};

export interface WorkerOptions {
  /** Written to `locked_by`; unique per process (default host:pid:random). */
  workerId?: string;
  /** How often an idle worker looks for due jobs (default 1000 ms). */
  pollMs?: number;
  /** How long a claim holds a job before another worker may take it (default 60 s). */
  leaseMs?: number;
  /** Jobs run at once (default 10). */
  concurrency?: number;
  backoff?: Backoff;
  logger?: JobLogger;
  /** Succeeded jobs older than this are deleted now and then (default 7 days; 0 keeps them). */
  keepSucceededMs?: number;
  /** The clock that claims, leases and back-offs are reckoned by (default the system's); tests move it. */
  now?: () => Date;
}

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

type Outcome = 'succeeded' | 'retried' | 'failed' | 'lost';

const defaultWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 100);

const errorText = (err: unknown): string => {
  if (err instanceof Error) return (err.message || err.name).slice(0, 4000);
  return String(err).slice(0, 4000);
};

/** What a worker and `runDueJobsOnce` share: claiming and running one job to its next state. */
function createExecutor(ctx: JobContext, handlers: JobHandlers, options: WorkerOptions) {
  const workerId = (options.workerId ?? defaultWorkerId()).slice(0, 100);
  const leaseMs = options.leaseMs ?? 60_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const log = options.logger ?? defaultLogger;
  const clock = options.now ?? (() => new Date());
  const nowIso = () => clock().toISOString();
  const inMs = (ms: number) => isoPlus(ms, clock());

  const claim = (limit: number, types: repo.JobTypeFilter = {}): Promise<JobRow[]> => {
    const now = clock();
    const take = (db: JobContext['db']) =>
      repo.claimDueJobs(db, ctx.dialect, workerId, limit, now.toISOString(), isoPlus(leaseMs, now), types);
    return ctx.dialect === 'sqlite' ? autocommit(ctx.db, ctx.dialect, take, BACKGROUND) : take(ctx.db);
  };

  const failFor = async (job: JobRow, message: string): Promise<Outcome> => {
    log.warn({ jobId: job.id, type: job.type, attempts: job.attempts, err: message }, 'job failed');
    return (await autocommit(
      ctx.db,
      ctx.dialect,
      (db) => repo.markFailed(db, job.id, workerId, message, nowIso()),
      BACKGROUND,
    ))
      ? 'failed'
      : 'lost';
  };

  /** The parsed payload of a job about to run, or its outcome when it cannot run (given up). */
  async function prepare(job: JobRow): Promise<{ payload: unknown } | { outcome: Outcome }> {
    const handler = handlers[job.type];
    const giveUp = async (payload: unknown, message: string): Promise<{ outcome: Outcome }> => {
      try {
        await handler?.onGiveUp?.(payload, message);
      } catch (err) {
        log.error(
          { jobId: job.id, type: job.type, err: errorText(err) },
          'could not record a job that failed for good',
        );
      }
      return { outcome: await failFor(job, message) };
    };
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
    } catch {
      return giveUp(undefined, 'The payload is not JSON.');
    }
    if (job.attempts > job.max_attempts) {
      // Its last attempt's worker died holding it (the lease ran out): no attempts are left.
      return giveUp(
        payload,
        `No attempts left: the worker running attempt ${job.max_attempts} stopped before finishing it${job.last_error ? ` (earlier error: ${job.last_error})` : ''}.`,
      );
    }
    return { payload };
  }

  // Keeps the leases while a handler runs (a slow server, a rate limit), so that no other worker
  // takes a job that is still making progress. Answers the function that stops it.
  function heartbeat(jobs: readonly JobRow[]): () => void {
    const timer = setInterval(
      () => {
        for (const job of jobs)
          autocommit(
            ctx.db,
            ctx.dialect,
            (db) => repo.extendLease(db, job.id, workerId, inMs(leaseMs)),
            BACKGROUND,
          ).then(
            (mine) => {
              if (!mine) log.warn({ jobId: job.id, type: job.type }, 'job lease lost while running');
            },
            (err: unknown) => log.error({ jobId: job.id, err: errorText(err) }, 'could not extend a job lease'),
          );
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    return () => clearInterval(timer);
  }

  /**
   * The state after a run: `failed` is the error it failed with (undefined: done); `completed` is
   * set when the handler recorded its success in its own transaction (see JobControl).
   */
  async function settle(job: JobRow, completed: boolean | undefined, failed: { error: unknown } | undefined) {
    if (failed) {
      // The success it recorded committed after all (a later step of the handler failed): done.
      if (completed !== undefined && !(await runsHere(job.id))) return completed ? 'succeeded' : 'lost';
      const message = errorText(failed.error);
      if (failed.error instanceof PermanentJobError || job.attempts >= job.max_attempts) return failFor(job, message);
      const runAt = inMs(backoffDelay(backoff, job.attempts));
      log.info({ jobId: job.id, type: job.type, attempts: job.attempts, runAt, err: message }, 'job will be retried');
      return (await autocommit(
        ctx.db,
        ctx.dialect,
        (db) => repo.markForRetry(db, job.id, workerId, runAt, message, nowIso()),
        BACKGROUND,
      ))
        ? 'retried'
        : 'lost';
    }
    if (completed !== undefined) return completed ? 'succeeded' : 'lost';
    return (await autocommit(
      ctx.db,
      ctx.dialect,
      (db) => repo.markSucceeded(db, job.id, workerId, nowIso()),
      BACKGROUND,
    ))
      ? 'succeeded'
      : 'lost';
  }

  function controlOf(job: JobRow, state: { completed?: boolean }, followUps: JobRow[] | undefined): JobControl {
    return {
      async complete(tx) {
        state.completed = await repo.markSucceeded(tx, job.id, workerId, nowIso());
      },
      claimForFollowUp: () =>
        followUps && followUps.length < MAX_FOLLOW_UPS ? { workerId, lockedUntil: inMs(leaseMs) } : undefined,
      follow: (row) => void followUps?.push(row),
    };
  }

  async function run(job: JobRow, followUps: JobRow[]): Promise<Outcome> {
    const ready = await prepare(job);
    if ('outcome' in ready) return ready.outcome;
    const handler = handlers[job.type];
    const state: { completed?: boolean } = {};
    const stop = heartbeat([job]);
    let failed: { error: unknown } | undefined;
    try {
      if (!handler) throw new Error(`No handler for job type "${job.type}" in worker ${workerId}.`);
      await handler(ready.payload, job, controlOf(job, state, followUps));
    } catch (error) {
      failed = { error };
    } finally {
      stop();
    }
    return settle(job, state.completed, failed);
  }

  /** Runs claimed jobs of one batch type together (JobHandler.batch); never throws. */
  async function runBatch(type: string, jobs: readonly JobRow[]): Promise<Outcome[]> {
    const batch = handlers[type]?.batch;
    const outcomes: Outcome[] = [];
    const items: Array<{ index: number; job: JobRow; payload: unknown; state: { completed?: boolean } }> = [];
    for (const job of jobs) {
      try {
        const ready = await prepare(job);
        if ('outcome' in ready) outcomes.push(ready.outcome);
        else items.push({ index: outcomes.push('lost') - 1, job, payload: ready.payload, state: {} });
      } catch (err) {
        log.error(
          { jobId: job.id, type, err: errorText(err) },
          'could not prepare a job; its lease will bring it back',
        );
        outcomes.push('lost');
      }
    }
    if (items.length === 0) return outcomes;
    const stop = heartbeat(items.map((i) => i.job));
    let results: Array<unknown | undefined>;
    try {
      if (!batch) throw new Error(`No batch handler for job type "${type}" in worker ${workerId}.`);
      results = await batch.run(
        items.map((i) => ({ payload: i.payload, job: i.job, control: controlOf(i.job, i.state, undefined) })),
        {
          async completeAll(tx) {
            const done = await repo.markManySucceeded(
              tx,
              items.map((i) => i.job.id),
              workerId,
              nowIso(),
            );
            for (const i of items) i.state.completed = done.has(i.job.id);
          },
        },
      );
    } catch (error) {
      results = items.map(() => error);
    } finally {
      stop();
    }
    await Promise.all(
      items.map(async (item, n) => {
        const error = results[n];
        try {
          outcomes[item.index] = await settle(
            item.job,
            item.state.completed,
            error === undefined ? undefined : { error },
          );
        } catch (err) {
          log.error(
            { jobId: item.job.id, type, err: errorText(err) },
            'could not record the outcome of a job; its lease will bring it back',
          );
        }
      }),
    );
    return outcomes;
  }

  /** True when the job exists and runs under this worker's claim. */
  async function runsHere(id: string): Promise<boolean> {
    const row = await repo.findJob(ctx.db, id);
    return row?.status === 'running' && row.locked_by === workerId;
  }

  /**
   * Runs a job, then the follow-up jobs it wrote claimed for this worker (see
   * EnqueueJobInput.followUpOf); never throws (a database error leaves a job to its lease).
   */
  async function runSafely(job: JobRow): Promise<Outcome> {
    const followUps: JobRow[] = [];
    let outcome: Outcome;
    try {
      outcome = await run(job, followUps);
      if (outcome === 'lost')
        log.warn({ jobId: job.id, type: job.type }, 'job was taken over by another worker before it finished');
    } catch (err) {
      log.error(
        { jobId: job.id, type: job.type, err: errorText(err) },
        'could not record the outcome of a job; its lease will bring it back',
      );
      outcome = 'lost';
    }
    for (const next of followUps) {
      // After a failure, the transaction that wrote it may have rolled back.
      if (outcome !== 'succeeded' && !(await runsHere(next.id).catch(() => false))) continue;
      await runSafely(next);
    }
    return outcome;
  }

  return { workerId, log, claim, runSafely, runBatch };
}

const BATCHES_PER_TYPE = 2;

/** The job types whose handlers run in batches (JobHandler.batch), claimed apart from the others. */
function batchTypesOf(handlers: JobHandlers) {
  const batchTypes = Object.entries(handlers).flatMap(([type, h]) =>
    h.batch ? [{ type, size: Math.max(1, h.batch.size) }] : [],
  );
  return { batchTypes, except: batchTypes.map((b) => b.type) };
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
        const p = exec.runBatch(b.type, batch).finally(() => {
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
      for (const o of batch.length > 0 ? await exec.runBatch(b.type, batch) : []) if (o !== 'lost') summary[o]++;
    }
    const jobs = await exec.claim(concurrency, { except });
    if (jobs.length === 0 && batched === 0) return summary;
    summary.claimed += jobs.length;
    const outcomes = await Promise.all(jobs.map((j) => exec.runSafely(j)));
    for (const o of outcomes) if (o !== 'lost') summary[o]++;
  }
}
