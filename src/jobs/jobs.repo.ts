// Queries on the jobs table: insert, claim with a lease, and the guarded transitions after a run.
// Every transition after a claim is guarded by `locked_by`, so a worker whose lease ran out (and
// whose job another worker claimed) cannot overwrite the newer worker's outcome.
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Db, Dialect, Tx } from '../db/types.ts';
import type { Database, JobsTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';

export type JobRow = Selectable<JobsTable>;

/**
 * Claims up to `limit` due jobs for `workerId` until `lockedUntil`: queued jobs whose time has
 * come, and running jobs whose lease ran out (their worker died). Counts the attempt.
 *
 * PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` and the update in one transaction, so any number
 * of processes claim disjoint sets without waiting on each other.
 * SQLite: one guarded UPDATE … RETURNING. SQLite runs one writer at a time and a single statement
 * is atomic, so the guard (status and lease re-checked in the statement itself) decides; no
 * read-then-write transaction that could fail with SQLITE_BUSY_SNAPSHOT between processes.
 */
/** Which jobs a claim takes: of one type (a batch), all but some types, or any (the default). */
export interface JobTypeFilter {
  only?: string;
  except?: readonly string[];
}

export async function claimDueJobs(
  db: Db,
  dialect: Dialect,
  workerId: string,
  limit: number,
  now: string,
  lockedUntil: string,
  types: JobTypeFilter = {},
): Promise<JobRow[]> {
  if (limit <= 0) return [];
  const ofType = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    types.only !== undefined
      ? eb('type', '=', types.only)
      : types.except && types.except.length > 0
        ? eb('type', 'not in', [...types.except])
        : eb.lit(true);
  const claim = { status: 'running' as const, locked_by: workerId, locked_until: lockedUntil, updated_at: now };
  // Two searches, each served by an index in order (status, run_at) without sorting the table:
  // queued jobs whose time has come, then running jobs whose lease ran out (their worker died).
  const queued = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now), ofType(eb)]);
  const abandoned = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now), ofType(eb)]);
  if (dialect === 'postgres') {
    return db.transaction().execute(async (tx) => {
      const pick = (due: typeof queued, n: number) =>
        tx
          .selectFrom('jobs')
          .select('id')
          .where(due)
          .orderBy(due === queued ? 'run_at' : 'locked_until')
          .limit(n)
          .forUpdate()
          .skipLocked()
          .execute();
      const ids = await pick(queued, limit);
      if (ids.length < limit) ids.push(...(await pick(abandoned, limit - ids.length)));
      if (ids.length === 0) return [];
      return tx
        .updateTable('jobs')
        .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .returningAll()
        .execute();
    });
  }
  const claimWhere = async (due: typeof queued, n: number) =>
    db
      .updateTable('jobs')
      .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
      // Only `id IN (…)`: one statement under SQLite's write lock sees one state, so the subquery's
      // condition needs no repeating outside, and the ids drive the update (a repeated condition
      // made SQLite walk every due job instead).
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where(due)
          .orderBy(due === queued ? 'run_at' : 'locked_until')
          .limit(n),
      )
      .returningAll()
      .execute();
  const claimed = await claimWhere(queued, limit);
  if (claimed.length < limit) claimed.push(...(await claimWhere(abandoned, limit - claimed.length)));
  return claimed;
}

// The transitions after a claim run for every job: compiled once (see db/prepared.ts), each
// guarded by the claim (`locked_by`, status running).
const leaseUpdate = prepared(['id', 'workerId', 'lockedUntil'], (db, p) =>
  db
    .updateTable('jobs')
    .set({ locked_until: p('lockedUntil') })
    .where('id', '=', p('id'))
    .where('locked_by', '=', p('workerId'))
    .where('status', '=', 'running'),
);
const retry = prepared(['id', 'workerId', 'runAt', 'error', 'now'], (db, p) =>
  db
    .updateTable('jobs')
    .set({
      status: 'queued',
      run_at: p('runAt'),
      locked_by: null,
      locked_until: null,
      last_error: p('error'),
      updated_at: p('now'),
    })
    .where('id', '=', p('id'))
    .where('locked_by', '=', p('workerId'))
    .where('status', '=', 'running'),
);
const fail = prepared(['id', 'workerId', 'error', 'now'], (db, p) =>
  db
    .updateTable('jobs')
    .set({ status: 'failed', locked_by: null, locked_until: null, last_error: p('error'), updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('locked_by', '=', p('workerId'))
    .where('status', '=', 'running'),
);
const succeed = prepared(['id', 'workerId', 'now'], (db, p) =>
  db
    .updateTable('jobs')
    .set({ status: 'succeeded', locked_by: null, locked_until: null, last_error: null, updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('locked_by', '=', p('workerId'))
    .where('status', '=', 'running'),
);

/** Keeps a running job's lease alive; false when the job is no longer this worker's. */
export async function extendLease(db: Db, id: string, workerId: string, lockedUntil: string): Promise<boolean> {
  return (await leaseUpdate.affected(db, { id, workerId, lockedUntil })) > 0;
}

export async function markSucceeded(db: Db | Tx, id: string, workerId: string, now: string): Promise<boolean> {
  return (await succeed.affected(db, { id, workerId, now })) > 0;
}

/** markSucceeded for many jobs in one statement; answers the ids it marked. */
export async function markManySucceeded(tx: Tx, ids: readonly string[], workerId: string, now: string) {
  if (ids.length === 0) return new Set<string>();
  const rows = await tx
    .updateTable('jobs')
    .set({ status: 'succeeded', locked_by: null, locked_until: null, last_error: null, updated_at: now })
    .where('id', 'in', [...ids])
    .where('locked_by', '=', workerId)
    .where('status', '=', 'running')
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Back to the queue for another attempt at `runAt`, keeping the error visible meanwhile. */
export async function markForRetry(
  db: Db,
  id: string,
  workerId: string,
  runAt: string,
  error: string,
  now: string,
): Promise<boolean> {
  return (await retry.affected(db, { id, workerId, runAt, error, now })) > 0;
}

export async function markFailed(db: Db, id: string, workerId: string, error: string, now: string): Promise<boolean> {
  return (await fail.affected(db, { id, workerId, error, now })) > 0;
}

/** Removes succeeded jobs last touched before `before`; failed ones stay visible. */
export async function deleteSucceededBefore(db: Db, before: string): Promise<number> {
  const r = await db
    .deleteFrom('jobs')
    .where('status', '=', 'succeeded')
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export const findJob = (db: Db | Tx, id: string) =>
  db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
