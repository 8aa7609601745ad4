// Queries on workflows, their email templates and their runs.
import type { Selectable } from 'kysely';
import type { Db, Dialect, Tx } from '../db/types.ts';
import type { EmailTemplatesTable, WorkflowRunsTable, WorkflowsTable } from '../db/schema.ts';
import { byId, coalesced } from '../db/coalesce.ts';

export type WorkflowRow = Selectable<WorkflowsTable>;
export type EmailTemplateRow = Selectable<EmailTemplatesTable>;
export type WorkflowRunRow = Selectable<WorkflowRunsTable>;

// Lookups of the same turn share one query (see db/coalesce.ts): the worker runs many runs side by side.
export const findWorkflow = coalesced(async (db: Db | Tx, ids: string[]) =>
  byId(await db.selectFrom('workflows').selectAll().where('id', 'in', ids).execute()),
);
export const findWorkflowByKey = (db: Db | Tx, key: string) =>
  db.selectFrom('workflows').selectAll().where('key', '=', key).executeTakeFirst();

/** The workflow, locked against a concurrent edit or state change until the transaction ends (PostgreSQL). */
export function lockWorkflow(tx: Tx, dialect: Dialect, id: string): Promise<WorkflowRow | undefined> {
  const q = tx.selectFrom('workflows').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export function listWorkflows(
  db: Db,
  q: { limit: number; after?: string | undefined; state?: string | undefined; primaryEntity?: string | undefined },
) {
  let query = db
    .selectFrom('workflows')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.state) query = query.where('state', '=', q.state as WorkflowRow['state']);
  if (q.primaryEntity) query = query.where('primary_entity', '=', q.primaryEntity as WorkflowRow['primary_entity']);
  return query.execute();
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
  },
) {
  let query = db
    .selectFrom('workflow_runs')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.workflowId) query = query.where('workflow_id', '=', q.workflowId);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  if (q.status) query = query.where('status', '=', q.status as WorkflowRunRow['status']);
  return query.execute();
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
