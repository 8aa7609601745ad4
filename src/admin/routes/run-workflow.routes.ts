// Run Workflow on selected invitations or contacts: POST /admin/run-workflow with `entity` and the
// repeated `ids` shows the chooser (Send Invitation and every activated workflow on that entity);
// with `workflowId` it runs the workflow through the workflows service and redirects to the
// progress of those runs.
//
// How the progress page knows its runs: by the first and last run of the call, its workflow and
// its entity in the address (`?workflowId=&first=&last=&entity=`), found again through the
// workflows service's listRunsOfBatch (that workflow's on-demand runs from first to last with the
// first's creation time; one call's run ids are consecutive). The address stays short whether 5
// or 10,000 records were selected, where a list of run ids would outgrow a URL at a few hundred,
// and nothing needs to be stored for the page. It can be bookmarked and reloaded.
import { renderToString } from 'preact-render-to-string';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError, validationFailed } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import { sendPage } from '../../web/render.ts';
import { MAX_RUN_TARGETS } from '../../workflows/workflows.schema.ts';
import { getWorkflow, listRunsOfBatch, listWorkflows, runWorkflow } from '../../workflows/workflows.service.ts';
import { SubmittedForm } from '../forms.ts';
import { invitationNames, labelsOf } from '../invitations/invitation-input.ts';
import { redirectWithNotice, staffPageContext, type StaffPageContext } from '../page-context.ts';
import {
  type RunEntity,
  RunProgress,
  RunProgressPage,
  RunWorkflowChooser,
} from '../pages/invitations/run-workflow.tsx';

const SEND_INVITATION_KEY = 'send-invitation';

function entityOf(value: string | undefined): RunEntity {
  if (value === 'invitation' || value === 'contact') return value;
  throw validationFailed('entity', 'must be "invitation" or "contact"');
}

function idsOf(form: SubmittedForm): string[] {
  const ids = form.list('ids');
  if (ids.length === 0) throw validationFailed('ids', 'select at least one record');
  if (ids.length > MAX_RUN_TARGETS) throw validationFailed('ids', `select at most ${MAX_RUN_TARGETS} records`);
  if (!ids.every(isUuid)) throw validationFailed('ids', 'not a record id');
  return ids.map((id) => id.toLowerCase());
}

/** Send Invitation first (in the page's words), then every other activated workflow on the entity. */
async function choices(ctx: AppContext, pc: StaffPageContext, entity: RunEntity) {
  const page = await listWorkflows(ctx, { limit: 500, primaryEntity: entity, state: 'activated' });
  const send = page.items.filter((w) => w.key === SEND_INVITATION_KEY);
  const others = page.items.filter((w) => w.key !== SEND_INVITATION_KEY);
  return [
    ...send.map((w) => ({ id: w.id, label: pc.t.invitations.run.sendInvitation })),
    ...others.map((w) => ({ id: w.id, label: w.name })),
  ];
}

/** The progress of one call's runs, read from the address (see the top of this file). */
async function progress(ctx: AppContext, req: FastifyRequest, pc: StaffPageContext) {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const one = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : '');
  const workflowId = one('workflowId').toLowerCase();
  const first = one('first').toLowerCase();
  const last = one('last').toLowerCase();
  if (![workflowId, first, last].every(isUuid)) throw new AppError('not-found', 'There are no such runs.');
  const entity = one('entity') === 'contact' ? 'contact' : 'invitation';
  const workflow = await getWorkflow(ctx, workflowId);
  const runs = await listRunsOfBatch(ctx, { workflowId, firstRunId: first, lastRunId: last });
  if (runs.length === 0) throw new AppError('not-found', 'There are no such runs.');
  const targetIds = runs.map((r) => r.targetId);
  const targets =
    entity === 'contact' ? await labelsOf(ctx, 'contacts', targetIds) : await invitationNames(ctx, targetIds);
  const params = new URLSearchParams({ workflowId, first, last, entity });
  return {
    pc,
    workflowName: workflow.key === SEND_INVITATION_KEY ? pc.t.invitations.run.sendInvitation : workflow.name,
    entity,
    runs,
    targets,
    fragmentUrl: `/admin/run-workflow/progress/fragment?${params.toString()}`,
  } as const;
}

export function runWorkflowRoutes(admin: Api, ctx: AppContext): void {
  admin.post('/run-workflow', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const form = new SubmittedForm(req.body);
    const entity = entityOf(form.text('entity'));
    const ids = idsOf(form);
    const workflowId = form.text('workflowId');
    if (!workflowId)
      return sendPage(reply, 200, RunWorkflowChooser({ pc, entity, ids, workflows: await choices(ctx, pc, entity) }));
    if (!isUuid(workflowId)) throw validationFailed('workflowId', 'not a workflow id');
    const workflow = await getWorkflow(ctx, workflowId.toLowerCase());
    if (workflow.primaryEntity !== entity)
      throw validationFailed('workflowId', `the workflow runs on ${workflow.primaryEntity} records, not ${entity}`);
    const { items } = await runWorkflow(ctx, pc.actor, workflow.id, ids);
    const params = new URLSearchParams({
      workflowId: workflow.id,
      first: items[0]?.id ?? '',
      last: items[items.length - 1]?.id ?? '',
      entity,
    });
    return redirectWithNotice(reply, `/admin/run-workflow/progress?${params.toString()}`, 'queued');
  });

  admin.get('/run-workflow/progress', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(reply, 200, RunProgressPage(await progress(ctx, req, pc)));
  });

  // What htmx polls: the progress block alone; once every run has finished it stops polling.
  admin.get('/run-workflow/progress/fragment', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(renderToString(RunProgress(await progress(ctx, req, pc))));
  });
}
