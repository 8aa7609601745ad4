// The back office's email template editor: a workflow's template (edited only while the workflow
// is deactivated; the service refuses otherwise), a new template for a deactivated workflow, and
// the preview for a chosen invitation and contact, as a page (Preview button) or as the fragment
// htmx swaps in while one types. Every read, write and render goes through the templates service.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { renderToString } from 'preact-render-to-string';
import {
  createEmailTemplate,
  getEmailTemplate,
  previewEmailTemplate,
  updateEmailTemplate,
} from '../../workflows/email-templates.service.ts';
import {
  createEmailTemplateSchema,
  type EmailTemplate,
  updateEmailTemplateSchema,
} from '../../workflows/workflows.schema.ts';
import { getWorkflow } from '../../workflows/workflows.service.ts';
import { checked, errorsOf, type FieldErrors, resolveLookups, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import {
  type LiquidProblems,
  PreviewFragment,
  TemplateForm,
  type TemplateFormState,
  templateParts,
} from '../pages/workflows/email-template.tsx';
import { idParam } from './route-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const storedValues = (x: EmailTemplate): Record<string, string> => ({
  locale: x.locale,
  from: x.from ?? '',
  subject: x.subject,
  html: x.html,
  text: x.text,
});

/** A refusal split into Liquid problems (with line and column) and the other fields' problems. */
function splitErrors(pc: StaffPageContext, err: AppError): { errors: FieldErrors; liquid: LiquidProblems } {
  const liquid: LiquidProblems = {};
  const others = new AppError(err.code, err.detail, { errors: [] });
  for (const e of err.errors ?? []) {
    const part = templateParts.find((x) => x === e.field);
    if (part && (e.line !== undefined || /Liquid|rendered/.test(e.message))) liquid[part] = e;
    else others.errors?.push(e);
  }
  return { errors: errorsOf(pc.t, others, pc.locale === 'en'), liquid };
}

/** The typed parts sent for a preview (absent when the fields are read-only and so not sent). */
function draftOf(form: SubmittedForm) {
  const draft: { subject?: string; html?: string; text?: string } = {};
  for (const part of templateParts) if (form.values[part] !== undefined) draft[part] = form.values[part];
  return draft;
}

/** Renders the preview for the form's invitation and contact; problems land in the state. */
async function preview(ctx: AppContext, pc: StaffPageContext, template: EmailTemplate, form: SubmittedForm) {
  const state: TemplateFormState = { values: form.kept(), errors: {}, liquid: {} };
  const looked = await resolveLookups(ctx, pc.t, form, [
    { name: 'invitationId', kind: 'invitations' },
    { name: 'contactId', kind: 'contacts' },
  ]);
  state.errors = { ...looked.errors };
  const contactId = looked.ids.contactId;
  if (looked.ids.invitationId) state.values.invitationId = looked.ids.invitationId;
  if (contactId) state.values.contactId = contactId;
  if (!contactId || Object.keys(looked.errors).length) return state;
  try {
    state.preview = await previewEmailTemplate(
      ctx,
      template.id,
      { invitationId: looked.ids.invitationId ?? null, contactId },
      draftOf(form),
    );
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
    const split = splitErrors(pc, err);
    state.errors = { ...state.errors, ...split.errors };
    state.liquid = split.liquid;
  }
  return state;
}

async function templateAndWorkflow(ctx: AppContext, req: FastifyRequest) {
  const template = await getEmailTemplate(ctx, idParam(req));
  return { template, workflow: await getWorkflow(ctx, template.workflowId) };
}

function templateInput(pc: StaffPageContext, form: SubmittedForm, creating: boolean, workflowId: string) {
  const input: Record<string, unknown> = {
    locale: form.text('locale'),
    from: form.textOrNull('from'),
    subject: form.values.subject ?? '',
    html: form.values.html ?? '',
    text: form.values.text ?? '',
  };
  if (creating) Object.assign(input, { workflowId, name: form.text('name') });
  return checked(pc.t, creating ? createEmailTemplateSchema : updateEmailTemplateSchema, input, pc.locale === 'en');
}

export function emailTemplateRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/email-templates/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const workflowId = String((req.query as Record<string, unknown>).workflowId ?? '');
    if (!UUID.test(workflowId)) throw new AppError('not-found', 'There is no such workflow.');
    const workflow = await getWorkflow(ctx, workflowId);
    const state = { values: { locale: pc.locale }, errors: {}, liquid: {} };
    return sendPage(reply, 200, TemplateForm({ pc, template: null, workflow, form: state }));
  });

  admin.post('/email-templates/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const workflowId = String((req.query as Record<string, unknown>).workflowId ?? '');
    if (!UUID.test(workflowId)) throw new AppError('not-found', 'There is no such workflow.');
    const workflow = await getWorkflow(ctx, workflowId);
    const form = new SubmittedForm(req.body);
    const result = templateInput(pc, form, true, workflow.id);
    const refused = (status: number, state: Partial<TemplateFormState>) =>
      sendPage(
        reply,
        status,
        TemplateForm({ pc, template: null, workflow, form: { values: form.kept(), errors: {}, liquid: {}, ...state } }),
      );
    if (result.errors) return refused(422, { errors: result.errors });
    try {
      const created = await createEmailTemplate(ctx, pc.actor, result.data as never);
      return redirectWithNotice(reply, `/admin/email-templates/${created.id}`, 'created');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'validation-failed') return refused(422, splitErrors(pc, err));
      if (err.code === 'workflow-activated' || err.code === 'conflict') return refused(409, { refusal: err });
      throw err;
    }
  });

  admin.get('/email-templates/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const { template, workflow } = await templateAndWorkflow(ctx, req);
    const state = { values: storedValues(template), errors: {}, liquid: {} };
    return sendPage(reply, 200, TemplateForm({ pc, template, workflow, form: state }));
  });

  admin.post('/email-templates/:id', async (req, reply) => {
    const { template, workflow } = await templateAndWorkflow(ctx, req);
    const pc = await staffPageContext(ctx, req, reply, { canonical: `/admin/email-templates/${template.id}` });
    const form = new SubmittedForm(req.body);
    const page = (status: number, state: TemplateFormState, current = workflow) =>
      sendPage(reply, status, TemplateForm({ pc, template, workflow: current, form: state }));
    if (form.values._action === 'preview') {
      const state = await preview(ctx, pc, template, form);
      if (workflow.state === 'activated') Object.assign(state.values, storedValues(template));
      return page(Object.keys(state.errors).length || Object.keys(state.liquid).length ? 422 : 200, state);
    }
    const kept = { values: form.kept(), errors: {}, liquid: {} };
    const result = templateInput(pc, form, false, workflow.id);
    if (result.errors) return page(422, { ...kept, errors: result.errors });
    try {
      await updateEmailTemplate(ctx, pc.actor, template.id, result.data as never);
      return redirectWithNotice(reply, `/admin/email-templates/${template.id}`, 'saved');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'validation-failed') return page(422, { ...kept, ...splitErrors(pc, err) });
      if (err.code === 'workflow-activated' || err.code === 'conflict')
        return page(409, { ...kept, refusal: err }, await getWorkflow(ctx, workflow.id));
      throw err;
    }
  });

  admin.post('/email-templates/:id/preview', async (req, reply: FastifyReply) => {
    const { template } = await templateAndWorkflow(ctx, req);
    const pc = await staffPageContext(ctx, req, reply);
    const state = await preview(ctx, pc, template, new SubmittedForm(req.body));
    const message = Object.values(state.errors)[0];
    return reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(renderToString(PreviewFragment({ pc, state, message })));
  });
}
