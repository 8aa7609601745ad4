// Claiming and running one job to its next state (succeeded, retried, failed, or lost to another
// worker's claim): what the worker's loop (worker.ts) and its batches (batch-executor.ts) build on.
//
// A claim counts an attempt and holds a lease (`locked_until`) that a heartbeat extends while the
// handler runs. When a process dies, its leases run out and any worker claims those jobs again, so
// handlers must be safe to run again after a crash (the email handler is: see email/delivery.ts).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
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
import { autocommit, BACKGROUND } from '../db/group-commit.ts';

/** What the worker needs of the app's context. */
export type JobContext = Pick<AppContext, 'db' | 'dialect'>;

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

export type Outcome = 'succeeded' | 'retried' | 'failed' | 'lost';

const defaultWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 100);

export const errorText = (err: unknown): string => {
  if (err instanceof Error) return (err.message || err.name).slice(0, 4000);
  return String(err).slice(0, 4000);
};

/** What a worker and `runDueJobsOnce` share: claiming and running one job to its next state. */
export function createExecutor(ctx: JobContext, handlers: JobHandlers, options: WorkerOptions) {
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

  return { workerId, log, claim, runSafely, runsHere, prepare, heartbeat, settle, controlOf, nowIso };
}

/** A job executor (createExecutor). */
export type Executor = ReturnType<typeof createExecutor>;
