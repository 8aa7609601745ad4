// The email template editor: locale, From, subject, HTML and text, editable only while the
// workflow is deactivated, with a live preview for a chosen invitation and contact. With htmx the
// form posts to the preview fragment as one types (debounced); without it the Preview button posts
// the page. The HTML part is shown in a sandboxed frame (`sandbox=""`: no script, no same origin);
// a Liquid problem is shown under its field with its line (and column).
import type { FieldError } from '../../../shared/errors.ts';
import type { AppError } from '../../../shared/errors.ts';
import type { EmailTemplate, Workflow } from '../../../workflows/workflows.schema.ts';
import { Csrf, Field, FieldFrame, ProblemBox } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import { ErrorSummary, Section, SelectField } from '../../components/fields.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { StepLookup } from './step-editor.tsx';

export const templateParts = ['subject', 'html', 'text'] as const;
export type TemplatePartName = (typeof templateParts)[number];
export type LiquidProblems = Partial<Record<TemplatePartName, FieldError>>;

export interface Rendered {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  liquid: LiquidProblems;
  preview?: Rendered | undefined;
  refusal?: AppError | undefined;
}

/** The engine's own words without the service's prefix (the page says where in its own language). */
const liquidText = (message: string) =>
  message.replace(/^(invalid Liquid|cannot be rendered)( at line \d+(, column \d+)?)?: /, '');

export function LiquidSlot(p: {
  pc: AdminPageContext;
  part: TemplatePartName;
  problem?: FieldError | undefined;
  oob?: boolean;
}) {
  const t = p.pc.t.workflows.templates;
  return (
    <div id={`liquid-${p.part}`} class="liquid-slot" hx-swap-oob={p.oob ? 'true' : undefined}>
      {p.problem ? (
        <p
          class="field-error liquid-error"
          data-liquid-field={p.part}
          data-line={p.problem.line}
          data-column={p.problem.column}
        >
          {t.liquidError(p.problem.line, p.problem.column)}: {liquidText(p.problem.message)}
        </p>
      ) : null}
    </div>
  );
}

function Source(p: {
  pc: AdminPageContext;
  part: 'html' | 'text';
  value?: string | undefined;
  error?: string | undefined;
  problem?: FieldError | undefined;
}) {
  const id = `f-${p.part}`;
  return (
    <FieldFrame id={id} label={p.pc.t.workflows.templates[p.part]} error={p.error}>
      {(describedBy) => (
        <>
          <textarea
            id={id}
            name={p.part}
            rows={p.part === 'html' ? 14 : 8}
            class="code"
            spellcheck={false}
            maxLength={p.part === 'html' ? 500_000 : 200_000}
            aria-invalid={p.error || p.problem ? 'true' : undefined}
            aria-describedby={[describedBy, `liquid-${p.part}`].filter(Boolean).join(' ')}
          >
            {p.value ?? ''}
          </textarea>
          <LiquidSlot pc={p.pc} part={p.part} problem={p.problem} />
        </>
      )}
    </FieldFrame>
  );
}

/** What the preview shows: the subject, the HTML in a sandboxed frame, and the text. */
export function PreviewPanel(p: {
  pc: AdminPageContext;
  preview?: Rendered | undefined;
  message?: string | undefined;
}) {
  const t = p.pc.t.workflows.templates;
  if (!p.preview)
    return (
      <p class="hint" data-preview-empty>
        {p.message ?? t.previewNeedsContact}
      </p>
    );
  return (
    <div class="email-preview" data-preview>
      <p>
        <strong>{t.subject}:</strong> <span data-preview-subject>{p.preview.subject}</span>
      </p>
      <h3>{t.previewHtml}</h3>
      <iframe title={t.previewHtml} sandbox="" srcdoc={p.preview.html} class="preview-frame" data-preview-html />
      <h3>{t.previewText}</h3>
      <pre class="preview-text" data-preview-text tabindex={0}>
        {p.preview.text}
      </pre>
    </div>
  );
}

/** The fragment htmx swaps in: the preview, and each field's Liquid problem out of band. */
export function PreviewFragment(p: { pc: AdminPageContext; state: TemplateFormState; message?: string | undefined }) {
  return (
    <>
      <PreviewPanel pc={p.pc} preview={p.state.preview} message={p.message} />
      {templateParts.map((part) => (
        <LiquidSlot pc={p.pc} part={part} problem={p.state.liquid[part]} oob />
      ))}
    </>
  );
}

export function TemplateForm(p: {
  pc: AdminPageContext;
  template: EmailTemplate | null;
  workflow: Workflow;
  form: TemplateFormState;
  previewMessage?: string | undefined;
}) {
  const { pc, template, workflow, form } = p;
  const t = pc.t.workflows.templates;
  const readOnly = workflow.state === 'activated' || form.refusal?.code === 'workflow-activated';
  const title = template
    ? `${template.name} (${pc.t.localeNames[template.locale]})`
    : pc.t.workflows.commands.newTemplate;
  const action = template
    ? `/admin/email-templates/${template.id}`
    : `/admin/email-templates/new?workflowId=${workflow.id}`;
  const labels: Record<string, string> = {
    name: t.name,
    locale: t.locale,
    from: t.from,
    subject: t.subject,
    html: t.html,
    text: t.text,
    contactId: t.previewContact,
    invitationId: t.previewInvitation,
  };
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={`${t.entity} · ${workflow.name}`} />
      <form
        method="post"
        action={action}
        class="record-form template-form"
        id="record-form"
        novalidate
        {...(template
          ? {
              'hx-post': `/admin/email-templates/${template.id}/preview`,
              'hx-trigger': 'input delay:600ms, change delay:600ms',
              'hx-target': '#preview-panel',
              'hx-swap': 'innerHTML',
            }
          : {})}
      >
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          {readOnly ? null : (
            <button type="submit" class="command primary" name="_action" value="save">
              {pc.t.commands.save}
            </button>
          )}
          <CommandLink href={`/admin/workflows/${workflow.id}`}>
            {t.workflow}: {workflow.name}
          </CommandLink>
        </CommandBar>
        <ProblemBox pc={pc} err={form.refusal ?? null} />
        {readOnly ? (
          <p class="notice info" role="status" data-read-only>
            {t.readOnly}
          </p>
        ) : null}
        <ErrorSummary pc={pc} errors={form.errors} labels={labels} />
        <fieldset class="plain" disabled={readOnly}>
          <Section title={pc.t.form.general} id="general">
            {template ? null : (
              <Field
                name="name"
                label={t.name}
                value={form.values.name}
                error={form.errors.name}
                required
                maxLength={200}
              />
            )}
            <SelectField
              name="locale"
              label={t.locale}
              value={form.values.locale ?? 'en'}
              options={[
                { value: 'da', label: pc.t.localeNames.da },
                { value: 'en', label: pc.t.localeNames.en },
              ]}
              error={form.errors.locale}
            />
            <Field
              name="from"
              label={t.from}
              hint={t.fromHint}
              value={form.values.from}
              error={form.errors.from}
              maxLength={320}
            />
            <FieldFrame id="f-subject" label={t.subject} error={form.errors.subject}>
              {(describedBy) => (
                <>
                  <input
                    id="f-subject"
                    name="subject"
                    type="text"
                    value={form.values.subject ?? ''}
                    maxLength={2000}
                    aria-invalid={form.errors.subject || form.liquid.subject ? 'true' : undefined}
                    aria-describedby={[describedBy, 'liquid-subject'].filter(Boolean).join(' ')}
                  />
                  <LiquidSlot pc={pc} part="subject" problem={form.liquid.subject} />
                </>
              )}
            </FieldFrame>
            <Source pc={pc} part="html" value={form.values.html} error={form.errors.html} problem={form.liquid.html} />
            <Source pc={pc} part="text" value={form.values.text} error={form.errors.text} problem={form.liquid.text} />
          </Section>
        </fieldset>
        {template ? (
          <Section title={t.preview} id="preview">
            <p class="hint">{t.previewHint}</p>
            <StepLookup
              pc={pc}
              name="invitationId"
              label={t.previewInvitation}
              kind="invitations"
              id={form.values.invitationId}
              typed={form.values.invitationIdLookup}
              error={form.errors.invitationId}
            />
            <StepLookup
              pc={pc}
              name="contactId"
              label={t.previewContact}
              kind="contacts"
              id={form.values.contactId}
              typed={form.values.contactIdLookup}
              error={form.errors.contactId}
            />
            <p class="actions">
              <button type="submit" class="button secondary" name="_action" value="preview" data-preview-button>
                {pc.t.workflows.commands.preview}
              </button>
            </p>
            <div id="preview-panel" aria-live="polite">
              <PreviewPanel pc={pc} preview={form.preview} message={p.previewMessage} />
            </div>
          </Section>
        ) : null}
      </form>
    </Layout>
  );
}
