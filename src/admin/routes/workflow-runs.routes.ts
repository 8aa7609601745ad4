// The back office's run history: the All Workflow Runs view (filters: workflow, status, record;
// the API's cursor), one run with its step log, and Retry on a failed run (workflows service).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { sendPage } from '../../web/render.ts';
import type { WorkflowRun } from '../../workflows/workflows.schema.ts';
import { getRun, getWorkflow, listRuns, listWorkflows, retryRun } from '../../workflows/workflows.service.ts';
import { labelOf } from '../lookups.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { type RunLabels, RunPage, RunsView } from '../pages/workflows/workflow-runs.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize } from './route-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
const uuidOrUndefined = (v: string | undefined) => (v && UUID.test(v) ? v.toLowerCase() : undefined);

/** The names of the runs' workflows and records. */
async function labelsOf(ctx: AppContext, runs: WorkflowRun[]): Promise<RunLabels> {
  const labels: RunLabels = { workflows: new Map(), targets: new Map() };
  for (const id of new Set(runs.map((r) => r.workflowId))) {
    const w = await getWorkflow(ctx, id).catch(() => undefined);
    if (w) labels.workflows.set(id, { name: w.name, primaryEntity: w.primaryEntity });
  }
  for (const r of runs) {
    if (labels.targets.has(r.targetId)) continue;
    const entity = labels.workflows.get(r.workflowId)?.primaryEntity;
    const label = await labelOf(ctx, entity === 'invitation' ? 'invitations' : 'contacts', r.targetId);
    if (label) labels.targets.set(r.targetId, label.label);
  }
  return labels;
}

export function workflowRunRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/workflow-runs', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req, ['workflowId', 'status', 'targetId']);
    const status = (STATUSES as readonly string[]).includes(query.filters.status ?? '')
      ? (query.filters.status as (typeof STATUSES)[number])
      : undefined;
    const page = await listRuns(ctx, {
      limit: pageSize,
      cursor: query.cursor,
      workflowId: uuidOrUndefined(query.filters.workflowId),
      targetId: uuidOrUndefined(query.filters.targetId),
      status,
      newestFirst: true,
    });
    const workflows = await listWorkflows(ctx, { limit: 200 });
    const workflowOptions = workflows.items.map((w) => ({ value: w.id, label: w.name }));
    const labels = await labelsOf(ctx, page.items);
    return sendPage(
      reply,
      200,
      RunsView({ pc, query, items: page.items, nextCursor: page.nextCursor, labels, workflowOptions }),
    );
  });

  admin.get('/workflow-runs/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const run = await getRun(ctx, idParam(req));
    return sendPage(reply, 200, RunPage({ pc, run, labels: await labelsOf(ctx, [run]) }));
  });

  admin.post('/workflow-runs/:id/retry', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const run = await retryRun(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, `/admin/workflow-runs/${run.id}`, 'queued');
  });
}
