// Queries on the jobs table: insert, claim with a lease, and the guarded transitions after a run.
// Every transition after a claim is guarded by `locked_by`, so a worker whose lease ran out (and
// whose job another worker claimed) cannot overwrite the newer worker's outcome.
import { type Expression, type ExpressionBuilder, type Selectable, type SqlBool, sql } from 'kysely';
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
 *
 * All but some types (the general claim beside batch types): the queued types are found first (one
 * seek each), and each other type's earliest due jobs are read along (status, type, run_at) of
 * migration 0018, merged by run_at. One search with `type not in (…)` on (status, run_at) read
 * every due job of the left-out types queued ahead of the first other one: thousands of webhook
 * deliveries on every claim while they wait (src/jobs/claim-plan.test.ts).
 */
/** Which jobs a claim takes: of one type (a batch), all but some types, or any (the default). */
export interface JobTypeFilter {
  only?: string;
  except?: readonly string[];
}

type Due = (eb: ExpressionBuilder<Database, 'jobs'>) => Expression<SqlBool>;

/** The types of queued jobs, due or not: a loose index scan, one seek per type (jobs_due_by_type). */
export async function queuedTypes(db: Db | Tx): Promise<string[]> {
  const r = await sql<{ type: string }>`with recursive t(type) as (
      select (select type from jobs where status = 'queued' order by type limit 1)
      union all
      select (select j.type from jobs j where j.status = 'queued' and j.type > t.type order by j.type limit 1)
      from t where t.type is not null
    ) select type from t where type is not null`.execute(db);
  return r.rows.map((row) => row.type);
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
  const except = types.only === undefined ? (types.except ?? []) : [];
  const ofType = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    types.only !== undefined
      ? eb('type', '=', types.only)
      : except.length > 0
        ? eb('type', 'not in', [...except])
        : eb.lit(true);
  const claim = { status: 'running' as const, locked_by: workerId, locked_until: lockedUntil, updated_at: now };
  const queuedOf =
    (type: string | undefined): Due =>
    (eb) =>
      eb.and([
        eb('status', '=', 'queued'),
        eb('run_at', '<=', now),
        type === undefined ? eb.lit(true) : eb('type', '=', type),
      ]);
  // Searches served by an index in order without sorting the table: queued jobs whose time has
  // come (all, of one type, or of each type not left out), then running jobs whose lease ran out.
  const queued: Due[] =
    types.only !== undefined
      ? [queuedOf(types.only)]
      : except.length > 0
        ? (await queuedTypes(db)).filter((t) => !except.includes(t)).map(queuedOf)
        : [queuedOf(undefined)];
  const abandoned: Due = (eb) => eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now), ofType(eb)]);
  const orderOf = (due: Due) => (due === abandoned ? 'locked_until' : 'run_at');
  if (dialect === 'postgres') {
    return db.transaction().execute(async (tx) => {
      const pick = (due: Due, n: number) =>
        tx
          .selectFrom('jobs')
          .select(['id', sql<string>`${sql.ref(orderOf(due))}`.as('at')])
          .where(due)
          .orderBy(orderOf(due))
          .limit(n)
          .forUpdate()
          .skipLocked()
          .execute();
      // Several types: each one's earliest, then the earliest of all (the rest unlock at commit).
      const found = (await Promise.all(queued.map((due) => pick(due, limit)))).flat();
      if (queued.length > 1) found.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const ids = found.slice(0, limit);
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
  const claimWhere = async (dues: readonly Due[], n: number): Promise<JobRow[]> => {
    const [first, ...others] = dues;
    if (first === undefined) return [];
    const search = (due: Due) =>
      db
        .selectFrom('jobs')
        .select(['id', sql<string>`${sql.ref(orderOf(due))}`.as('at')])
        .where(due)
        .orderBy(orderOf(due))
        .limit(n);
    // Several types: each one's earliest in a subquery of its own (a compound's parts take no
    // ORDER BY on SQLite), then the earliest of all.
    const ids =
      others.length === 0
        ? search(first).clearSelect().select('id')
        : db
            .selectFrom(
              others
                .reduce(
                  (u, due) => u.unionAll(db.selectFrom(search(due).as('d')).select(['id', 'at'])),
                  db.selectFrom(search(first).as('d')).select(['id', 'at']),
                )
                .orderBy('at')
                .limit(n)
                .as('due'),
            )
            .select('id');
    return (
      db
        .updateTable('jobs')
        .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
        // Only `id IN (…)`: one statement under SQLite's write lock sees one state, so the subquery's
        // condition needs no repeating outside, and the ids drive the update (a repeated condition
        // made SQLite walk every due job instead).
        .where('id', 'in', ids)
        .returningAll()
        .execute()
    );
  };
  const claimed = await claimWhere(queued, limit);
  if (claimed.length < limit) claimed.push(...(await claimWhere([abandoned], limit - claimed.length)));
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
