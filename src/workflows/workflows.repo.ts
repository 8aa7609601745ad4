// Queries on workflows, their email templates and their runs.
import { sortedPage } from '../db/keyset.ts';
import type { SortedAfter, SortOrder } from '../shared/pagination.ts';
import type { Selectable } from 'kysely';
import type { Db, Dialect, Tx } from '../db/types.ts';
import type { EmailTemplatesTable, WorkflowRunsTable, WorkflowsTable } from '../db/schema.ts';
import { byId, coalesced } from '../db/coalesce.ts';
import { prepared } from '../db/prepared.ts';
import { nowIso } from '../shared/time.ts';
import { equalsCi } from '../db/sql.ts';

export type WorkflowRow = Selectable<WorkflowsTable>;
export type EmailTemplateRow = Selectable<EmailTemplatesTable>;
export type WorkflowRunRow = Selectable<WorkflowRunsTable>;

// Lookups of the same turn share one query (see db/coalesce.ts): the worker runs many runs side by side.
export const findWorkflow = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('workflows').selectAll().where('id', 'in', ids).execute()),
);
export const findWorkflowByKey = (db: Db | Tx, key: string) =>
  db.selectFrom('workflows').selectAll().where('key', '=', key).executeTakeFirst();
/** Only what a step needs to know before queueing a run of the workflow of `key` (Send Invitation). */
export const workflowStateByKey = (db: Db | Tx, key: string) =>
  db.selectFrom('workflows').select(['id', 'state']).where('key', '=', key).executeTakeFirst();

/** The workflow, locked against a concurrent edit or state change until the transaction ends (PostgreSQL). */
export function lockWorkflow(tx: Tx, dialect: Dialect, id: string): Promise<WorkflowRow | undefined> {
  const q = tx.selectFrom('workflows').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export type WorkflowSortKey = 'name' | 'updatedAt';
const sortColumns: Record<WorkflowSortKey, string> = { name: 'name', updatedAt: 'updated_at' };

export function listWorkflows(
  db: Db,
  q: {
    limit: number;
    after?: string | undefined;
    state?: string | undefined;
    primaryEntity?: string | undefined;
    /** A sorted view (the back office), continuing after `sortedAfter`. */
    sort?: SortOrder<WorkflowSortKey> | undefined;
    sortedAfter?: SortedAfter | undefined;
  },
) {
  let query = db.selectFrom('workflows').selectAll();
  if (q.state) query = query.where('state', '=', q.state as WorkflowRow['state']);
  if (q.primaryEntity) query = query.where('primary_entity', '=', q.primaryEntity as WorkflowRow['primary_entity']);
  if (q.sort) return sortedPage(query, sortColumns[q.sort.key], q.sort.dir, q.sortedAfter, q.limit).execute();
  query = query.orderBy('id').limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  return query.execute();
}

/** Workflows named `name` (any letter case), of one primary entity or any, at most `limit`, by id. */
export function workflowsNamed(
  db: Db | Tx,
  name: string,
  primaryEntity: WorkflowRow['primary_entity'] | undefined,
  limit: number,
): Promise<WorkflowRow[]> {
  let query = db.selectFrom('workflows').selectAll().where(equalsCi('name', name));
  if (primaryEntity) query = query.where('primary_entity', '=', primaryEntity);
  return query.orderBy('id').limit(limit).execute();
}

/** How a workflow is in use: runs, and invitations that run it on redemption. */
export async function workflowUsage(db: Db | Tx, id: string): Promise<{ runs: number; invitations: number }> {
  const runs = await db.selectFrom('workflow_runs').select('id').where('workflow_id', '=', id).limit(1).execute();
  const inv = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('redeem_workflow_id', '=', id)
    .executeTakeFirstOrThrow();
  return { runs: runs.length, invitations: Number(inv.n) };
}

// ---------------------------------------------------------------------------------------------
// Email templates

export const findTemplate = (db: Db | Tx, id: string) =>
  db.selectFrom('email_templates').selectAll().where('id', '=', id).executeTakeFirst();

const templatesOfMany = coalesced(async (db: Db | Tx, workflowIds: string[]) => {
  const found = new Map<string, EmailTemplateRow[]>(workflowIds.map((id) => [id, []]));
  for (const t of await db
    .selectFrom('email_templates')
    .selectAll()
    .where('workflow_id', 'in', workflowIds)
    .orderBy('id')
    .execute())
    found.get(t.workflow_id)?.push(t);
  return found;
});
export const templatesOf = async (db: Db | Tx, workflowId: string): Promise<EmailTemplateRow[]> =>
  (await templatesOfMany(db, workflowId)) ?? [];

export function listTemplates(
  db: Db,
  q: { limit: number; after?: string | undefined; workflowId?: string | undefined },
) {
  let query = db
    .selectFrom('email_templates')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.workflowId) query = query.where('workflow_id', '=', q.workflowId);
  return query.execute();
}

// ---------------------------------------------------------------------------------------------
// Runs

export const findRun = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('workflow_runs').selectAll().where('id', 'in', ids).execute()),
);

export function listRuns(
  db: Db,
  q: {
    limit: number;
    after?: string | undefined;
    workflowId?: string | undefined;
    targetId?: string | undefined;
    status?: string | undefined;
    /** Newest first (the back office's run history); ids are time-ordered, so this is by creation. */
    newestFirst?: boolean | undefined;
  },
) {
  let query = db
    .selectFrom('workflow_runs')
    .selectAll()
    .orderBy('id', q.newestFirst ? 'desc' : 'asc')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', q.newestFirst ? '<' : '>', q.after);
  if (q.workflowId) query = query.where('workflow_id', '=', q.workflowId);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  if (q.status) query = query.where('status', '=', q.status as WorkflowRunRow['status']);
  return query.execute();
}

// ---------------------------------------------------------------------------------------------
// The engine's writes of a run: each guarded by the run's state and, where a step's outcome goes
// in, by its log as it was (`WHERE steps = <previous>`), so that only one worker moves a run on.

// Written for every step of every run: compiled once (see db/prepared.ts).
const appendToLog = prepared(['id', 'steps', 'previous', 'startedAt', 'status', 'finishedAt'], (db, p) =>
  db
    .updateTable('workflow_runs')
    .set({
      steps: p('steps'),
      error: null,
      started_at: p('startedAt'),
      status: p('status'),
      finished_at: p('finishedAt'),
    })
    .where('id', '=', p('id'))
    .where('status', 'in', ['queued', 'running'])
    .where('steps', '=', p('previous')),
);

/** Writes the log with a step appended, in the step's transaction; false when the log changed meanwhile. */
export const appendToRunLog = async (
  tx: Tx,
  v: {
    id: string;
    steps: string;
    previous: string;
    startedAt: string;
    status: 'running' | 'succeeded';
    finishedAt: string | null;
  },
): Promise<boolean> => (await appendToLog.affected(tx, v)) === 1;

/** False when the run ended meanwhile. */
export async function markRunRunning(tx: Tx, id: string, startedAt: string): Promise<boolean> {
  const result = await tx
    .updateTable('workflow_runs')
    .set({ status: 'running', started_at: startedAt })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markRunSucceeded(tx: Tx, id: string, startedAt: string): Promise<void> {
  await tx
    .updateTable('workflow_runs')
    .set({ status: 'succeeded', error: null, started_at: startedAt, finished_at: nowIso() })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/** The run's failure, with the failed step appended to its log when `log` is given (guarded by it). */
export async function markRunFailed(
  db: Db | Tx,
  id: string,
  error: string,
  log?: { steps: string; guard: string },
): Promise<void> {
  let q = db
    .updateTable('workflow_runs')
    .set({ status: 'failed', error, finished_at: nowIso(), ...(log ? { steps: log.steps } : {}) })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running']);
  if (log) q = q.where('steps', '=', log.guard);
  await q.execute();
}

/** Why the attempt failed, on a run that will be tried again. */
export async function noteRunAttemptFailed(db: Db | Tx, id: string, error: string): Promise<void> {
  await db
    .updateTable('workflow_runs')
    .set({ error })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/** A failed run's log after the fact (an email failed for good); false when the log changed meanwhile. */
export async function replaceFailedRunLog(
  db: Db | Tx,
  run: Pick<WorkflowRunRow, 'id' | 'steps' | 'finished_at'>,
  steps: string,
  error: string,
): Promise<boolean> {
  const result = await db
    .updateTable('workflow_runs')
    .set({ steps, status: 'failed', error, finished_at: run.finished_at ?? nowIso() })
    .where('id', '=', run.id)
    .where('steps', '=', run.steps)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ids among `ids` that are not rows of `table`. */
export async function missingIds(
  db: Db | Tx,
  table: 'contacts' | 'invitations' | 'web_roles' | 'accounts' | 'system_users',
  ids: readonly string[],
): Promise<string[]> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom(table)
      .select('id')
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute();
    for (const r of rows) found.add(r.id);
  }
  return ids.filter((id) => !found.has(id));
}

/**
 * The runs one "Run workflow" call queued (the back office's progress page): that workflow's
 * on-demand runs with ids from the call's first to its last run and its creation time. One call
 * makes its ids in one synchronous loop and newId() increases within a process, so the range holds
 * exactly that call's runs; a call by another process in the same millisecond could interleave.
 */
export function runsOfBatch(db: Db, q: { workflowId: string; firstRunId: string; lastRunId: string; limit: number }) {
  return db
    .selectFrom('workflow_runs')
    .selectAll()
    .where('workflow_id', '=', q.workflowId)
    .where('id', '>=', q.firstRunId)
    .where('id', '<=', q.lastRunId)
    .where('trigger', '=', 'on-demand')
    .where('created_at', '=', (eb) =>
      eb.selectFrom('workflow_runs').select('created_at').where('id', '=', q.firstRunId),
    )
    .orderBy('id')
    .limit(q.limit)
    .execute();
}
