// Reading the workflow form (general fields and the step drafts) and checking it with the API's own
// schema, so that the service sees exactly what the API would pass it; problems come back by their
// full path (`steps.2.then.0.webRoleId`), where the step editor shows them.
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import { listEmailTemplates } from '../../workflows/email-templates.service.ts';
import { createWorkflowSchema, type EmailTemplate, updateWorkflowSchema } from '../../workflows/workflows.schema.ts';
import { errorsOf, type FieldErrors, SubmittedForm } from '../forms.ts';
import type { AdminDict } from '../i18n/index.ts';
import { chosenLabels, parseSteps, type StepDraft, stepsOf } from './step-draft.ts';

/** Zod's problems by their full path, in the page's language. */
export function issuesByPath(t: AdminDict, error: z.ZodError, english: boolean): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'steps';
    if (errors[field]) continue;
    if (issue.code === 'invalid_type' && issue.input === undefined) errors[field] = t.fieldRequired;
    else if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1)
      errors[field] = t.fieldRequired;
    else if (issue.code === 'too_big' && issue.origin === 'string') errors[field] = t.fieldTooLong;
    else errors[field] = english ? capitalised(issue.message) : t.form.invalidValue;
  }
  return errors;
}

const capitalised = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export interface ReadWorkflowForm {
  form: SubmittedForm;
  values: Record<string, string>;
  drafts: StepDraft[];
  /** The button pressed: `save`, or a step-editor action (`add:steps`, `remove:steps.1` …). */
  action: string;
}

export function readWorkflowForm(body: unknown): ReadWorkflowForm {
  const form = new SubmittedForm(body);
  const values: Record<string, string> = {};
  for (const k of ['name', 'description', 'primaryEntity'])
    if (form.values[k] !== undefined) values[k] = form.values[k];
  return { form, values, drafts: parseSteps(form), action: form.values._action ?? 'save' };
}

/** The API's create or update input, or the problems by field. */
export async function workflowInput(
  ctx: AppContext,
  t: AdminDict,
  english: boolean,
  read: ReadWorkflowForm,
  creating: boolean,
): Promise<{ input: Record<string, unknown>; errors?: undefined } | { input?: undefined; errors: FieldErrors }> {
  const { steps, errors: lookupErrors } = await stepsOf(ctx, t, read.drafts);
  const raw: Record<string, unknown> = {
    name: read.form.text('name'),
    description: read.form.textOrNull('description'),
    steps,
  };
  if (creating) raw.primaryEntity = read.form.text('primaryEntity');
  const result = (creating ? createWorkflowSchema : updateWorkflowSchema).safeParse(raw);
  const errors: FieldErrors = { ...(result.success ? {} : issuesByPath(t, result.error, english)), ...lookupErrors };
  if (Object.keys(errors).length || !result.success) return { errors };
  return { input: result.data as Record<string, unknown> };
}

/** A service's refusal by field (the definition's checks name `steps.1.templateId`). */
export const serviceErrors = (t: AdminDict, err: AppError, english: boolean): FieldErrors => errorsOf(t, err, english);

export const isRefusal = (err: unknown, code: string): err is AppError => err instanceof AppError && err.code === code;

export const templatesOf = async (ctx: AppContext, workflowId: string): Promise<EmailTemplate[]> =>
  (await listEmailTemplates(ctx, { limit: 200, workflowId })).items;

export { chosenLabels };
