// Use cases for workflows: definitions (validated at save; editable only while deactivated),
// activation, webhook secrets, "Run workflow" on chosen records, the dry run and the run history.
import type { AppContext, Actor } from '../context.ts';
import type { Tx } from '../db/types.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import { AppError, conflict, notFound, validationFailed, type FieldError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import {
  decodeCursor,
  decodeSortedCursor,
  type Page,
  type SortOrder,
  toPage,
  toSortedPage,
} from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { enqueueJobs } from '../jobs/jobs.ts';
import { RUN_WORKFLOW_JOB } from './workflow-runs.queue.ts';
import { MAX_RUN_TARGETS } from './workflows.schema.ts';
import { definitionProblems } from './workflow-definitions.ts';
import { newWebhookSecret } from './webhooks.ts';
import { conditionFields } from './steps/condition.ts';
import type {
  CreateWorkflowInput,
  RunStep,
  Step,
  UpdateWorkflowInput,
  Workflow,
  WorkflowListQuery,
  WorkflowRun,
  WorkflowRunListQuery,
} from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';
import type { WorkflowRow, WorkflowRunRow } from './workflows.repo.ts';

export const toWorkflow = (r: WorkflowRow): Workflow => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  primaryEntity: r.primary_entity,
  state: r.state,
  steps: JSON.parse(r.steps) as unknown[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toWorkflowRun = (r: WorkflowRunRow): WorkflowRun => ({
  id: r.id,
  workflowId: r.workflow_id,
  targetId: r.target_id,
  trigger: r.trigger,
  status: r.status,
  error: r.error,
  steps: JSON.parse(r.steps) as RunStep[],
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const workflowActivated = () =>
  new AppError('workflow-activated', 'The workflow is activated; deactivate it before editing it or its templates.');

function invalidDefinition(errors: FieldError[]): AppError {
  return new AppError('validation-failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

async function checkDefinition(
  db: AppContext['db'] | Tx,
  workflowId: string | null,
  primaryEntity: 'invitation' | 'contact',
  steps: readonly Step[],
): Promise<void> {
  const errors = await definitionProblems(db, workflowId, primaryEntity, steps);
  if (errors.length > 0) throw invalidDefinition(errors);
}

// ---------------------------------------------------------------------------------------------
// Definitions

/** The fields a condition step may test on a workflow's primary record (as the API spells them). */
export const conditionFieldsOf = (primaryEntity: 'invitation' | 'contact'): readonly string[] =>
  conditionFields[primaryEntity];

/** The API's list (by creation); with `sort` (the back office's views) by name or last change. */
export async function listWorkflows(
  ctx: AppContext,
  q: WorkflowListQuery & { sort?: SortOrder<repo.WorkflowSortKey> | undefined },
): Promise<Page<Workflow>> {
  const filter = { limit: q.limit, state: q.state, primaryEntity: q.primaryEntity };
  if (q.sort) {
    const rows = await repo.listWorkflows(ctx.db, {
      ...filter,
      sort: q.sort,
      sortedAfter: decodeSortedCursor(q.cursor),
    });
    const key = q.sort.key;
    return toSortedPage(rows, q.limit, (r) => (key === 'name' ? r.name : r.updated_at), toWorkflow);
  }
  const rows = await repo.listWorkflows(ctx.db, { ...filter, after: decodeCursor(q.cursor) });
  return toPage(rows, q.limit, toWorkflow);
}

export async function getWorkflow(ctx: AppContext, id: string): Promise<Workflow> {
  const row = await repo.findWorkflow(ctx.db, id);
  if (!row) throw notFound('The workflow');
  return toWorkflow(row);
}

/** The workflows named `name` in any letter case, of `primaryEntity` when given (at most `limit`). */
export async function workflowsNamed(
  ctx: AppContext,
  name: string,
  primaryEntity: 'invitation' | 'contact' | undefined,
  limit: number,
): Promise<Workflow[]> {
  return (await repo.workflowsNamed(ctx.db, name, primaryEntity, limit)).map(toWorkflow);
}

/** A new workflow is a draft with its own webhook secret, shown in this answer only. */
export async function createWorkflow(
  ctx: AppContext,
  actor: Actor,
  input: CreateWorkflowInput,
): Promise<Workflow & { webhookSecret: string }> {
  await checkDefinition(ctx.db, null, input.primaryEntity, input.steps);
  const now = nowIso();
  const webhookSecret = newWebhookSecret();
  const row: WorkflowRow = {
    id: newId(),
    key: null,
    name: input.name,
    description: input.description ?? null,
    primary_entity: input.primaryEntity,
    state: 'draft',
    steps: JSON.stringify(input.steps),
    webhook_secret_encrypted: ctx.secrets.encrypt('webhook-secret', webhookSecret),
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.insertInto('workflows').values(row).execute();
    await writeAudit(tx, {
      actor,
      action: 'create',
      recordType: 'workflow',
      recordId: row.id,
      details: { name: row.name },
    });
  });
  return { ...toWorkflow(row), webhookSecret };
}

export async function updateWorkflow(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateWorkflowInput,
): Promise<Workflow> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockWorkflow(tx, ctx.dialect, id);
    if (!current) throw notFound('The workflow');
    if (current.state === 'activated') throw workflowActivated();
    const primaryEntity = input.primaryEntity ?? current.primary_entity;
    if (primaryEntity !== current.primary_entity) {
      const usage = await repo.workflowUsage(tx, id);
      if (current.key)
        throw validationFailed('primaryEntity', 'the primary record of a built-in workflow cannot change');
      if (usage.runs > 0 || usage.invitations > 0)
        throw validationFailed(
          'primaryEntity',
          'cannot change once the workflow has runs or invitations run it on redemption',
        );
    }
    const steps = input.steps ?? (JSON.parse(current.steps) as Step[]);
    if (input.steps !== undefined || input.primaryEntity !== undefined)
      await checkDefinition(tx, id, primaryEntity, steps);
    const changes: Partial<WorkflowRow> = {
      updated_at: nowIso(),
      primary_entity: primaryEntity,
      steps: JSON.stringify(steps),
    };
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    // Guarded: the workflow must still be a draft when the change lands.
    const result = await tx
      .updateTable('workflows')
      .set(changes)
      .where('id', '=', id)
      .where('state', '=', 'draft')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw workflowActivated();
    await writeAudit(tx, {
      actor,
      action: 'update',
      recordType: 'workflow',
      recordId: id,
      details: { fields: Object.keys(input) },
    });
    return toWorkflow({ ...current, ...changes });
  });
}

/** Only a draft that never ran and that no invitation refers to can be deleted; its templates go with it. */
export async function deleteWorkflow(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockWorkflow(tx, ctx.dialect, id);
    if (!current) throw notFound('The workflow');
    if (current.key)
      throw conflict(`The built-in workflow "${current.name}" cannot be deleted; deactivate it instead.`);
    if (current.state === 'activated')
      throw conflict('The workflow is activated; only a deactivated (draft) workflow can be deleted.');
    const usage = await repo.workflowUsage(tx, id);
    const uses = [
      usage.runs > 0 && 'it has runs',
      usage.invitations > 0 && `${usage.invitations} invitation(s) run it on redemption`,
    ].filter(Boolean);
    if (uses.length > 0) throw conflict(`The workflow is in use: ${uses.join('; ')}. Deactivate it instead.`);
    await tx.deleteFrom('workflows').where('id', '=', id).where('state', '=', 'draft').execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'workflow',
      recordId: id,
      details: { name: current.name },
    });
  });
}

export async function activateWorkflow(ctx: AppContext, actor: Actor, id: string): Promise<Workflow> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockWorkflow(tx, ctx.dialect, id);
    if (!current) throw notFound('The workflow');
    if (current.state === 'activated') throw conflict('The workflow is already activated.');
    // References may have gone since the last save (a web role deleted): check again.
    const steps = JSON.parse(current.steps) as Step[];
    await checkDefinition(tx, id, current.primary_entity, steps);
    if (!current.webhook_secret_encrypted && JSON.stringify(steps).includes('"type":"webhook"')) {
      throw conflict(
        'The workflow calls webhooks but has no webhook secret; create one with POST /workflows/{id}/rotate-secret first.',
      );
    }
    const now = nowIso();
    const result = await tx
      .updateTable('workflows')
      .set({ state: 'activated', updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'draft')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict('The workflow changed at the same moment; try again.');
    await writeAudit(tx, { actor, action: 'activate', recordType: 'workflow', recordId: id });
    return toWorkflow({ ...current, state: 'activated', updated_at: now });
  });
}

export async function deactivateWorkflow(ctx: AppContext, actor: Actor, id: string): Promise<Workflow> {
  return ctx.db.transaction().execute(async (tx) => {
    const current = await repo.lockWorkflow(tx, ctx.dialect, id);
    if (!current) throw notFound('The workflow');
    if (current.state === 'draft') throw conflict('The workflow is already deactivated.');
    const now = nowIso();
    const result = await tx
      .updateTable('workflows')
      .set({ state: 'draft', updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'activated')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict('The workflow changed at the same moment; try again.');
    await writeAudit(tx, { actor, action: 'deactivate', recordType: 'workflow', recordId: id });
    return toWorkflow({ ...current, state: 'draft', updated_at: now });
  });
}

/** A new webhook secret, in any state; the old one stops working at once. */
export async function rotateWebhookSecret(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ webhookSecret: string }> {
  const webhookSecret = newWebhookSecret();
  await ctx.db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('workflows')
      .set({ webhook_secret_encrypted: ctx.secrets.encrypt('webhook-secret', webhookSecret), updated_at: nowIso() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw notFound('The workflow');
    await writeAudit(tx, { actor, action: 'rotate-webhook-secret', recordType: 'workflow', recordId: id });
  });
  return { webhookSecret };
}

// ---------------------------------------------------------------------------------------------
// Runs

/** "Run workflow" on chosen records: one queued run (and its job) per record, all or nothing. */
export async function runWorkflow(
  ctx: AppContext,
  actor: Actor,
  id: string,
  targetIds: readonly string[],
): Promise<{ items: Array<{ id: string; targetId: string; status: 'queued' }> }> {
  const targets = [...new Set(targetIds)];
  const items = await ctx.db.transaction().execute(async (tx) => {
    const workflow = await repo.findWorkflow(tx, id);
    if (!workflow) throw notFound('The workflow');
    if (workflow.state !== 'activated')
      throw conflict(
        'The workflow is deactivated (a draft); only an activated workflow runs. Activate it first, or try it with a dry run.',
      );
    const missing = await repo.missingIds(
      tx,
      workflow.primary_entity === 'contact' ? 'contacts' : 'invitations',
      targets,
    );
    if (missing.length > 0) {
      throw validationFailed(
        'targetIds',
        `no such ${workflow.primary_entity}: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`,
      );
    }
    const now = nowIso();
    const runs = targets.map((targetId) => ({
      id: newId(),
      workflow_id: id,
      target_id: targetId,
      status: 'queued' as const,
      trigger: 'on-demand',
      steps: '[]',
      error: null,
      created_at: now,
      started_at: null,
      finished_at: null,
    }));
    await insertChunked(tx, 'workflow_runs', runs);
    await enqueueJobs(
      tx,
      runs.map((r) => ({ type: RUN_WORKFLOW_JOB, payload: { runId: r.id } })),
    );
    await writeAudit(tx, {
      actor,
      action: 'run',
      recordType: 'workflow',
      recordId: id,
      details: { targets: targets.length },
    });
    return runs.map((r) => ({ id: r.id, targetId: r.target_id, status: 'queued' as const }));
  });
  return { items };
}

/** Runs a failed run again; it resumes after the last step that succeeded. */
export async function retryRun(ctx: AppContext, actor: Actor, runId: string): Promise<WorkflowRun> {
  const row = await ctx.db.transaction().execute(async (tx) => {
    const run = await repo.findRun(tx, runId);
    if (!run) throw notFound('The workflow run');
    if (run.status !== 'failed') throw conflict(`Only a failed run can be retried (this one is ${run.status}).`);
    const workflow = await repo.findWorkflow(tx, run.workflow_id);
    if (workflow?.state !== 'activated')
      throw conflict('The workflow is deactivated; only an activated workflow runs.');
    const result = await tx
      .updateTable('workflow_runs')
      .set({ status: 'queued', finished_at: null })
      .where('id', '=', runId)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw conflict('The run changed at the same moment; try again.');
    await enqueueJobs(tx, [{ type: RUN_WORKFLOW_JOB, payload: { runId } }]);
    await writeAudit(tx, { actor, action: 'retry', recordType: 'workflow_run', recordId: runId });
    return { ...run, status: 'queued' as const, finished_at: null };
  });
  return toWorkflowRun(row);
}

export async function getRun(ctx: AppContext, id: string): Promise<WorkflowRun> {
  const row = await repo.findRun(ctx.db, id);
  if (!row) throw notFound('The workflow run');
  return toWorkflowRun(row);
}

/** The run history, by creation; `newestFirst` (the back office's view) turns it round. */
export async function listRuns(
  ctx: AppContext,
  q: WorkflowRunListQuery & { newestFirst?: boolean | undefined },
): Promise<Page<WorkflowRun>> {
  const rows = await repo.listRuns(ctx.db, {
    newestFirst: q.newestFirst,
    limit: q.limit,
    after: decodeCursor(q.cursor),
    workflowId: q.workflowId,
    targetId: q.targetId,
    status: q.status,
  });
  return toPage(rows, q.limit, toWorkflowRun);
}

/** The runs of one runWorkflow call, found by its first and last run (see repo.runsOfBatch). */
export async function listRunsOfBatch(
  ctx: AppContext,
  q: { workflowId: string; firstRunId: string; lastRunId: string },
): Promise<WorkflowRun[]> {
  const rows = await repo.runsOfBatch(ctx.db, { ...q, limit: MAX_RUN_TARGETS });
  return rows.map(toWorkflowRun);
}
