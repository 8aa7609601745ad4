// Background jobs: enqueued in the same transaction as the change that causes them, so nothing is
// queued for a change that rolled back and nothing is lost for one that committed.
import type { Tx } from '../db/types.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import type { JobRow } from './jobs.repo.ts';
import { prepared } from '../db/prepared.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import { afterCommit } from '../db/transactions.ts';
import { notifyWorkers } from './wake-up.ts';

export type { JobRow } from './jobs.repo.ts';

export const DEFAULT_MAX_ATTEMPTS = 10;

export interface EnqueueJobInput {
  /** Names the handler that runs it, e.g. `deliver-email`. */
  type: string;
  /** Anything JSON can hold; kept as text. */
  payload: unknown;
  /** When it may run first (default: now). */
  runAt?: Date | string;
  /** Attempts before it fails for good (default 10). */
  maxAttempts?: number;
  /**
   * Work that continues the running job of `control` (an email its workflow run queued): written
   * already claimed by that job's worker, which runs it right after the job succeeds, instead of
   * behind everything queued meanwhile (up to MAX_FOLLOW_UPS per job; more are queued as usual).
   * When that worker dies first, the lease runs out and any worker takes it, like every claimed job.
   */
  followUpOf?: JobControl | undefined;
}

/**
 * Writes a job in the caller's transaction (a `Transaction`, so the compiler refuses a call outside
 * one). Once the transaction commits, this process's workers wake at once (see wake-up.ts); other
 * processes find it at their next poll.
 */
export async function enqueueJob(tx: Tx, input: EnqueueJobInput): Promise<string> {
  return (await enqueueJobs(tx, [input]))[0] as string;
}

const JOB_COLUMNS = [
  'id',
  'type',
  'payload',
  'status',
  'run_at',
  'attempts',
  'max_attempts',
  'locked_by',
  'locked_until',
  'last_error',
  'created_at',
  'updated_at',
] as const;
const insertOne = prepared(JOB_COLUMNS, (db, p) =>
  db.insertInto('jobs').values(Object.fromEntries(JOB_COLUMNS.map((c) => [c, p(c)])) as never),
);

/** Writes many jobs in the caller's transaction with multi-row inserts (a "Run workflow" on 10,000 records). */
export async function enqueueJobs(tx: Tx, inputs: readonly EnqueueJobInput[]): Promise<string[]> {
  const now = nowIso();
  const rows: JobRow[] = inputs.map((input) => {
    if (input.type.length === 0 || input.type.length > 50) throw new Error('a job type has 1 to 50 characters');
    const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw new Error('maxAttempts must be a whole number of at least 1');
    const claim = input.followUpOf?.claimForFollowUp();
    const row: JobRow = {
      id: newId(),
      type: input.type,
      payload: JSON.stringify(input.payload ?? null),
      status: claim ? 'running' : 'queued',
      run_at: input.runAt === undefined ? now : new Date(input.runAt).toISOString(),
      // A claim counts the attempt.
      attempts: claim ? 1 : 0,
      max_attempts: maxAttempts,
      locked_by: claim?.workerId ?? null,
      locked_until: claim?.lockedUntil ?? null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    if (claim) input.followUpOf?.follow(row);
    return row;
  });
  // One job (an email, a run): the insert compiled once; many: multi-row inserts (500 rows of 12 columns).
  if (rows.length === 1) await insertOne.affected(tx, rows[0] as JobRow);
  else await insertChunked(tx, 'jobs', rows);
  // A follow-up is written claimed and runs in its job's slot: only queued jobs want a worker.
  if (rows.some((r) => r.status === 'queued')) afterCommit(tx, notifyWorkers);
  return rows.map((r) => r.id);
}

/** Thrown by a handler when trying again cannot help: the job fails at once, with this message. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Follow-up jobs one job runs after itself, one after another in its slot. A run that emails many
 * contacts (a group invitation) keeps the first few and leaves the rest to every free slot.
 */
export const MAX_FOLLOW_UPS = 4;

/** What a running handler may ask of its worker. */
export interface JobControl {
  /**
   * Marks the job succeeded inside the handler's own last transaction `tx`, so that the outcome
   * commits with the change that completes the work instead of in a write of its own. Guarded by
   * the claim like every transition; the worker then writes nothing more after the handler returns.
   */
  complete(tx: Tx): Promise<void>;
  /**
   * The claim to write into a follow-up job (see EnqueueJobInput.followUpOf), or undefined when
   * this job has as many follow-ups as it runs (MAX_FOLLOW_UPS): the rest are queued for any slot.
   */
  claimForFollowUp(): { workerId: string; lockedUntil: string } | undefined;
  /**
   * Runs `job` (written claimed, in a transaction of this job's) right after this job, in its slot:
   * after a success, and after a failure too when the write that made it committed.
   */
  follow(job: JobRow): void;
}

/**
 * A handler gets the parsed payload, the job as claimed (`attempts` counts this run) and its
 * control. It returns normally when the work is done; the worker then records success unless the
 * handler already did with `control.complete`.
 */
// biome-ignore lint/suspicious/noExplicitAny: each handler declares its own payload type; the registry holds them all
export type JobHandler<P = any> = ((payload: P, job: JobRow, control: JobControl) => Promise<void>) & {
  /**
   * Called when the job fails for good without its handler having seen the last error: its last
   * attempt's worker died (the lease ran out), or its payload cannot be read. Lets the owner of the
   * work record the failure where people look (a workflow run, say).
   */
  onGiveUp?: (payload: P | undefined, error: string) => Promise<void>;
  /**
   * Jobs of this type run together (many small ones: webhook deliveries): a worker claims up to
   * `size` due jobs of the type in one statement and gives them to `run` at once, in one of its
   * slots. `run` answers, per job in order, undefined when it is done (recorded with its control's
   * `complete`, or else recorded by the worker) or the error it failed with (retried or failed like
   * a thrown one); a throw fails the whole batch that way. Follow-ups are not offered to batches.
   */
  batch?: { size: number; run(jobs: BatchJob<P>[], batch: BatchControl): Promise<Array<unknown | undefined>> };
};
/** What a batch handler may ask of its worker for the whole batch. */
export interface BatchControl {
  /** `control.complete(tx)` for every job of the batch, in one statement. */
  completeAll(tx: Tx): Promise<void>;
}
// biome-ignore lint/suspicious/noExplicitAny: as JobHandler
export interface BatchJob<P = any> {
  payload: P;
  job: JobRow;
  control: JobControl;
}
export type JobHandlers = Record<string, JobHandler>;

export interface Backoff {
  /** Delay after the first failure; doubled after each further one. */
  baseMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 10_000, maxMs: 60 * 60_000 };

/** Delay before the next attempt after `attempts` failed ones: base·2^(attempts−1), capped. */
export function backoffDelay(backoff: Backoff, attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  // 2^31 ms is already weeks; keeps the arithmetic finite.
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 31));
}
