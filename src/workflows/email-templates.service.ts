// Use cases for the email templates of workflows: list, read, create (for a deactivated workflow),
// edit (refused with `workflow-activated` while the workflow is activated; Liquid checked at save,
// with line and column) and preview (rendered with a stand-in code, never the real one).
import type { AppContext, Actor } from '../context.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { AppError, conflict, notFound, validationFailed, type FieldError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { decodeCursor, toPage, type Page } from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import {
  type EmailTemplateSource,
  renderEmail,
  type RenderedEmail,
  TemplatePartFailure,
  validateTemplate,
} from '../email/templates.ts';
import type { CreateEmailTemplateInput, EmailTemplate, UpdateEmailTemplateInput } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';
import type { EmailTemplateRow } from './workflows.repo.ts';
import {
  contactOrNull,
  emailLocale,
  invitationEmailContext,
  invitationOrNull,
  invitationVariables,
  ownerOf,
  siteLocale,
} from './workflow-emails.ts';

export const toEmailTemplate = (r: EmailTemplateRow): EmailTemplate => ({
  id: r.id,
  workflowId: r.workflow_id,
  name: r.name,
  locale: r.locale === 'da' ? 'da' : 'en',
  subject: r.subject,
  html: r.html,
  text: r.text,
  from: r.from_address,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const workflowActivated = () =>
  new AppError(
    'workflow-activated',
    'The workflow of this template is activated; deactivate the workflow before editing its templates.',
  );

/**
 * 422 naming each field whose Liquid does not parse, with line and column (in the message, and as
 * the error's `line` and `column`, so that a page can point at them in its own language).
 */
function checkLiquid(input: Partial<EmailTemplateSource>): void {
  const errors: FieldError[] = [];
  for (const field of ['subject', 'html', 'text'] as const) {
    const source = input[field];
    if (source === undefined) continue;
    const problem = validateTemplate(source);
    if (problem)
      errors.push({
        field,
        message: `invalid Liquid at line ${problem.line}, column ${problem.column}: ${problem.message}`,
        line: problem.line,
        column: problem.column,
      });
  }
  if (errors.length > 0)
    throw new AppError('validation-failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

const duplicate = (name: string, locale: string) =>
  conflict(`The workflow already has a template named "${name}" in locale ${locale}.`);

export async function listEmailTemplates(
  ctx: AppContext,
  q: { limit: number; cursor?: string | undefined; workflowId?: string | undefined },
): Promise<Page<EmailTemplate>> {
  const rows = await repo.listTemplates(ctx.db, {
    limit: q.limit,
    after: decodeCursor(q.cursor),
    workflowId: q.workflowId,
  });
  return toPage(rows, q.limit, toEmailTemplate);
}

export async function getEmailTemplate(ctx: AppContext, id: string): Promise<EmailTemplate> {
  const row = await repo.findTemplate(ctx.db, id);
  if (!row) throw notFound('The email template');
  return toEmailTemplate(row);
}

export async function createEmailTemplate(
  ctx: AppContext,
  actor: Actor,
  input: CreateEmailTemplateInput,
): Promise<EmailTemplate> {
  checkLiquid(input);
  const now = nowIso();
  const row: EmailTemplateRow = {
    id: newId(),
    workflow_id: input.workflowId,
    name: input.name,
    locale: input.locale,
    subject: input.subject,
    html: input.html,
    text: input.text,
    from_address: input.from ?? null,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.transaction().execute(async (tx) => {
      const workflow = await repo.lockWorkflow(tx, ctx.dialect, input.workflowId);
      if (!workflow) throw validationFailed('workflowId', 'no such workflow');
      if (workflow.state === 'activated') throw workflowActivated();
      await tx.insertInto('email_templates').values(row).execute();
      await writeAudit(tx, {
        actor,
        action: 'create',
        recordType: 'email_template',
        recordId: row.id,
        details: { workflowId: row.workflow_id, name: row.name, locale: row.locale },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(input.name, input.locale);
    throw err;
  }
  return toEmailTemplate(row);
}

export async function updateEmailTemplate(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateEmailTemplateInput,
): Promise<EmailTemplate> {
  const existing = await repo.findTemplate(ctx.db, id);
  if (!existing) throw notFound('The email template');
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      // The workflow is locked, so it cannot be activated while this edit lands.
      const workflow = await repo.lockWorkflow(tx, ctx.dialect, existing.workflow_id);
      const current = await repo.findTemplate(tx, id);
      if (!current || !workflow) throw notFound('The email template');
      if (workflow.state === 'activated') throw workflowActivated();
      checkLiquid(input);
      const changes: Partial<EmailTemplateRow> = { updated_at: nowIso() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.locale !== undefined) changes.locale = input.locale;
      if (input.subject !== undefined) changes.subject = input.subject;
      if (input.html !== undefined) changes.html = input.html;
      if (input.text !== undefined) changes.text = input.text;
      if (input.from !== undefined) changes.from_address = input.from;
      await tx.updateTable('email_templates').set(changes).where('id', '=', id).execute();
      await writeAudit(tx, {
        actor,
        action: 'update',
        recordType: 'email_template',
        recordId: id,
        details: { fields: Object.keys(input) },
      });
      return toEmailTemplate({ ...current, ...changes });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(input.name ?? existing.name, input.locale ?? existing.locale);
    throw err;
  }
}

/**
 * Renders a template for an invitation and a contact, as the email would read, but with a stand-in
 * code and link: the real code never leaves through a preview. `draft` renders unsaved text in
 * place of the stored subject, HTML or text (the back office's live preview; the API sends none):
 * its Liquid is checked as a save checks it. A part that cannot be parsed or rendered is a 422
 * naming that part (`subject`, `html` or `text`) with the line and column liquidjs gives.
 */
export async function previewEmailTemplate(
  ctx: AppContext,
  id: string,
  input: { invitationId?: string | null | undefined; contactId: string },
  draft: Partial<EmailTemplateSource> = {},
): Promise<RenderedEmail> {
  const stored = await repo.findTemplate(ctx.db, id);
  if (!stored) throw notFound('The email template');
  checkLiquid(draft);
  const template = { ...stored, ...definedOf(draft) };
  const contact = await contactOrNull(ctx, input.contactId);
  if (!contact) throw validationFailed('contactId', 'no such contact');
  const workflow = await repo.findWorkflow(ctx.db, template.workflow_id);
  const workflowVar = workflow ? { id: workflow.id, key: workflow.key, name: workflow.name } : null;
  const locale = template.locale === 'da' ? 'da' : 'en';
  try {
    if (input.invitationId) {
      const invitation = await invitationOrNull(ctx, input.invitationId);
      if (!invitation) throw validationFailed('invitationId', 'no such invitation');
      const e = await invitationEmailContext(ctx, invitation, 'stand-in');
      return renderEmail(template, { ...invitationVariables(e, contact, locale), workflow: workflowVar });
    }
    const site = await siteLocale(ctx);
    return renderEmail(template, {
      contact,
      invitation: null,
      owner: await ownerOf(ctx.db, null),
      workflow: workflowVar,
      locale: emailLocale(null, contact, site),
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw renderProblem(err);
  }
}

function definedOf(draft: Partial<EmailTemplateSource>): Partial<EmailTemplateSource> {
  const out: Partial<EmailTemplateSource> = {};
  for (const part of ['subject', 'html', 'text'] as const) if (draft[part] !== undefined) out[part] = draft[part];
  return out;
}

function renderProblem(err: unknown): AppError {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof TemplatePartFailure))
    return new AppError('validation-failed', `The template could not be rendered: ${message}`, {
      errors: [{ field: 'template', message }],
    });
  const at =
    err.line !== undefined ? ` at line ${err.line}${err.column !== undefined ? `, column ${err.column}` : ''}` : '';
  const error: FieldError = { field: err.part, message: `cannot be rendered${at}: ${message}` };
  if (err.line !== undefined) error.line = err.line;
  if (err.column !== undefined) error.column = err.column;
  return new AppError('validation-failed', `The template could not be rendered: ${err.part}: ${error.message}`, {
    errors: [error],
  });
}
