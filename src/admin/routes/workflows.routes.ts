// The back office's workflows: the All Workflows view, + New, the workflow form with its step editor
// (buttons that edit the steps re-render without saving), Save, Activate/Deactivate, Dry run,
// Rotate webhook secret and Delete (both confirmed). Everything goes through the workflows service.
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { dryRun } from '../../workflows/workflow-dry-run.ts';
import type { CreateWorkflowInput, UpdateWorkflowInput, Workflow } from '../../workflows/workflows.schema.ts';
import {
  activateWorkflow,
  conditionFieldsOf,
  createWorkflow,
  deactivateWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  rotateWebhookSecret,
  updateWorkflow,
} from '../../workflows/workflows.service.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { errorsOf, resolveLookups, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { DryRunPage, SecretPage } from '../pages/workflows/workflow-commands.tsx';
import { WorkflowForm, type WorkflowFormState, WorkflowsView } from '../pages/workflows/workflows.tsx';
import { viewQuery } from '../view-query.ts';
import { applyStepAction, draftsOf } from '../workflows/step-draft.ts';
import {
  chosenLabels,
  isRefusal,
  type ReadWorkflowForm,
  readWorkflowForm,
  templatesOf,
  workflowInput,
} from '../workflows/workflow-form.ts';
import { idParam, pageSize, sortOf } from './route-helpers.ts';

async function sendForm(
  ctx: AppContext,
  reply: FastifyReply,
  status: number,
  pc: StaffPageContext,
  workflow: Workflow | null,
  state: Omit<WorkflowFormState, 'labels'>,
) {
  const entity = workflow?.primaryEntity ?? (state.values.primaryEntity === 'invitation' ? 'invitation' : 'contact');
  const templates = workflow ? await templatesOf(ctx, workflow.id) : [];
  const labels = await chosenLabels(ctx, state.drafts);
  return sendPage(
    reply,
    status,
    WorkflowForm({ pc, workflow, form: { ...state, labels }, templates, conditionFields: conditionFieldsOf(entity) }),
  );
}

async function storedState(ctx: AppContext, workflow: Workflow) {
  return {
    values: { name: workflow.name, description: workflow.description ?? '' },
    drafts: await draftsOf(ctx, workflow.steps),
    errors: {},
  };
}

/** Save (or a step-editor button) on the new or an existing workflow's form. */
async function submitForm(
  ctx: AppContext,
  pc: StaffPageContext,
  reply: FastifyReply,
  read: ReadWorkflowForm,
  workflow: Workflow | null,
) {
  const english = pc.locale === 'en';
  if (read.action !== 'save') {
    applyStepAction(read.drafts, read.action, read.form);
    return sendForm(ctx, reply, 200, pc, workflow, { values: read.values, drafts: read.drafts, errors: {} });
  }
  const kept = { values: read.values, drafts: read.drafts };
  const checked = await workflowInput(ctx, pc.t, english, read, !workflow);
  if (checked.errors) return sendForm(ctx, reply, 422, pc, workflow, { ...kept, errors: checked.errors });
  try {
    if (!workflow) {
      const created = await createWorkflow(ctx, pc.actor, checked.input as CreateWorkflowInput);
      return redirectWithNotice(reply, `/admin/workflows/${created.id}`, 'created');
    }
    await updateWorkflow(ctx, pc.actor, workflow.id, checked.input as UpdateWorkflowInput);
    return redirectWithNotice(reply, `/admin/workflows/${workflow.id}`, 'saved');
  } catch (err) {
    if (isRefusal(err, 'validation-failed'))
      return sendForm(ctx, reply, 422, pc, workflow, { ...kept, errors: errorsOf(pc.t, err, english) });
    if (isRefusal(err, 'workflow-activated')) {
      const current = workflow ? await getWorkflow(ctx, workflow.id) : null;
      return sendForm(ctx, reply, 409, pc, current, { ...kept, errors: {}, refusal: err });
    }
    throw err;
  }
}

const STATES = ['draft', 'activated'] as const;
const ENTITIES = ['invitation', 'contact'] as const;
const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  (list as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

export function workflowRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/workflows', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req, ['state', 'primaryEntity']);
    const page = await listWorkflows(ctx, {
      limit: pageSize,
      cursor: query.cursor,
      state: oneOf(STATES, query.filters.state),
      primaryEntity: oneOf(ENTITIES, query.filters.primaryEntity),
      sort: sortOf(query, ['name', 'updatedAt'] as const),
    });
    return sendPage(reply, 200, WorkflowsView({ pc, query, items: page.items, nextCursor: page.nextCursor }));
  });

  admin.get('/workflows/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendForm(ctx, reply, 200, pc, null, { values: { primaryEntity: 'contact' }, drafts: [], errors: {} });
  });

  admin.post('/workflows/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply, { canonical: '/admin/workflows/new' });
    return submitForm(ctx, pc, reply, readWorkflowForm(req.body), null);
  });

  admin.get('/workflows/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const workflow = await getWorkflow(ctx, idParam(req));
    return sendForm(ctx, reply, 200, pc, workflow, await storedState(ctx, workflow));
  });

  admin.post('/workflows/:id', async (req, reply) => {
    const workflow = await getWorkflow(ctx, idParam(req));
    const pc = await staffPageContext(ctx, req, reply, { canonical: `/admin/workflows/${workflow.id}` });
    return submitForm(ctx, pc, reply, readWorkflowForm(req.body), workflow);
  });

  for (const command of ['activate', 'deactivate'] as const)
    admin.post(`/workflows/:id/${command}`, async (req, reply) => {
      const workflow = await getWorkflow(ctx, idParam(req));
      const pc = await staffPageContext(ctx, req, reply, { canonical: `/admin/workflows/${workflow.id}` });
      try {
        await (command === 'activate' ? activateWorkflow : deactivateWorkflow)(ctx, pc.actor, workflow.id);
      } catch (err) {
        // Activation checks the saved steps again (a web role may have gone): show where.
        if (!isRefusal(err, 'validation-failed')) throw err;
        const state = await storedState(ctx, workflow);
        return sendForm(ctx, reply, 422, pc, workflow, { ...state, errors: errorsOf(pc.t, err, pc.locale === 'en') });
      }
      return redirectWithNotice(
        reply,
        `/admin/workflows/${workflow.id}`,
        command === 'activate' ? 'activated' : 'deactivated',
      );
    });

  admin.get('/workflows/:id/dry-run', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const workflow = await getWorkflow(ctx, idParam(req));
    return sendPage(reply, 200, DryRunPage({ pc, workflow, values: {} }));
  });

  admin.post('/workflows/:id/dry-run', async (req, reply) => {
    const workflow = await getWorkflow(ctx, idParam(req));
    const pc = await staffPageContext(ctx, req, reply, { canonical: `/admin/workflows/${workflow.id}/dry-run` });
    const form = new SubmittedForm(req.body);
    const kind = workflow.primaryEntity === 'contact' ? 'contacts' : 'invitations';
    const looked = await resolveLookups(ctx, pc.t, form, [{ name: 'targetId', kind }]);
    const values = form.kept();
    const targetId = looked.ids.targetId;
    if (looked.errors.targetId || !targetId) {
      const error = looked.errors.targetId ?? pc.t.fieldRequired;
      return sendPage(reply, 422, DryRunPage({ pc, workflow, values, error }));
    }
    try {
      const result = await dryRun(ctx, workflow.id, targetId);
      return sendPage(reply, 200, DryRunPage({ pc, workflow, values: { ...values, targetId }, result }));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
      const error = errorsOf(pc.t, err, pc.locale === 'en').targetId ?? pc.t.form.invalidValue;
      return sendPage(reply, 422, DryRunPage({ pc, workflow, values, error }));
    }
  });

  admin.get('/workflows/:id/rotate-secret', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const workflow = await getWorkflow(ctx, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: pc.t.workflows.commands.rotateSecret,
        question: pc.t.workflows.secret.question,
        recordName: workflow.name,
        action: `/admin/workflows/${workflow.id}/rotate-secret`,
        confirmLabel: pc.t.workflows.commands.rotateSecret,
        cancelHref: `/admin/workflows/${workflow.id}`,
      }),
    );
  });

  admin.post('/workflows/:id/rotate-secret', async (req, reply) => {
    const workflow = await getWorkflow(ctx, idParam(req));
    const pc = await staffPageContext(ctx, req, reply, { canonical: `/admin/workflows/${workflow.id}` });
    const { webhookSecret } = await rotateWebhookSecret(ctx, pc.actor, workflow.id);
    return sendPage(reply, 200, SecretPage({ pc, workflow, secret: webhookSecret }));
  });

  admin.get('/workflows/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const workflow = await getWorkflow(ctx, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.workflows.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: workflow.name,
        action: `/admin/workflows/${workflow.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/workflows/${workflow.id}`,
      }),
    );
  });

  admin.post('/workflows/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteWorkflow(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/workflows', 'deleted');
  });
}
