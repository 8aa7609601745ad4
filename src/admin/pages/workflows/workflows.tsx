// Workflows: the All Workflows view, the workflow form (general fields, the step editor, its email
// templates), the dry-run page and the page that shows a new webhook secret once.
import type { AppError } from '../../../shared/errors.ts';
import type { EmailTemplate, Workflow } from '../../../workflows/workflows.schema.ts';
import { Csrf, Field, ProblemBox } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import { ReadOnlyField, Section, SelectField, TextAreaField } from '../../components/fields.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import type { StepDraft } from '../../workflows/step-draft.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { fieldId, StepList } from './step-editor.tsx';

export function WorkflowsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: Workflow[];
  nextCursor: string | null;
}) {
  const { pc } = p;
  const t = pc.t.workflows;
  return (
    <Layout pc={pc} title={t.views.all}>
      <PageHeader title={t.views.all} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/workflows/new" primary>
          {pc.t.commands.new}
        </CommandLink>
      </CommandBar>
      <ViewToolbar
        pc={pc}
        basePath="/admin/workflows"
        query={p.query}
        search={false}
        filters={
          <>
            <FilterSelect
              pc={pc}
              name="state"
              label={t.fields.state}
              value={p.query.filters.state}
              options={Object.entries(t.states).map(([value, label]) => ({ value, label }))}
            />
            <FilterSelect
              pc={pc}
              name="primaryEntity"
              label={t.fields.primaryEntity}
              value={p.query.filters.primaryEntity}
              options={Object.entries(t.entities).map(([value, label]) => ({ value, label }))}
            />
          </>
        }
      />
      <Grid
        pc={pc}
        basePath="/admin/workflows"
        query={p.query}
        caption={t.views.all}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(w) => w.id}
        rowLabel={(w) => w.name}
        columns={[
          {
            label: t.fields.name,
            sort: 'name',
            wrap: true,
            cell: (w) => <a href={`/admin/workflows/${w.id}`}>{w.name}</a>,
          },
          { label: t.fields.primaryEntity, cell: (w) => t.entities[w.primaryEntity] },
          { label: t.fields.state, cell: (w) => <span data-state={w.state}>{t.states[w.state]}</span> },
          { label: t.fields.key, cell: (w) => w.key ?? pc.t.form.none },
          { label: pc.t.form.modifiedOn, sort: 'updatedAt', cell: (w) => formatTime(pc, w.updatedAt) },
        ]}
      />
    </Layout>
  );
}

export function FilterSelect(p: {
  pc: AdminPageContext;
  name: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
}) {
  return (
    <div class="field inline">
      <label for={`filter-${p.name}`}>{p.label}</label>
      <select id={`filter-${p.name}`} name={p.name}>
        <option value="">{p.pc.t.grid.any}</option>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface WorkflowFormState {
  values: Record<string, string>;
  drafts: StepDraft[];
  errors: FieldErrors;
  labels: Map<string, string>;
  /** A refusal of the whole form (workflow-activated). */
  refusal?: AppError | undefined;
}

export function WorkflowForm(p: {
  pc: AdminPageContext;
  workflow: Workflow | null;
  form: WorkflowFormState;
  templates: EmailTemplate[];
  conditionFields: readonly string[];
}) {
  const { pc, workflow, form } = p;
  const t = pc.t.workflows;
  const title = workflow ? workflow.name : t.newTitle;
  const action = workflow ? `/admin/workflows/${workflow.id}` : '/admin/workflows/new';
  const activated = workflow?.state === 'activated';
  const readOnly = activated || form.refusal?.code === 'workflow-activated';
  const primaryEntity = (workflow?.primaryEntity ??
    (form.values.primaryEntity === 'invitation' ? 'invitation' : 'contact')) as 'invitation' | 'contact';
  const errorKeys = Object.keys(form.errors);
  return (
    <Layout pc={pc} title={title}>
      <PageHeader
        title={title}
        subtitle={t.entity}
        status={workflow ? <span data-state={workflow.state}>{t.states[workflow.state]}</span> : undefined}
      />
      <form method="post" action={action} class="record-form workflow-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          {readOnly ? null : (
            <button type="submit" class="command primary" name="_action" value="save">
              {pc.t.commands.save}
            </button>
          )}
          {workflow ? (
            <>
              <button
                type="submit"
                class="command"
                formAction={`/admin/workflows/${workflow.id}/${activated ? 'deactivate' : 'activate'}`}
              >
                {activated ? pc.t.commands.deactivate : pc.t.commands.activate}
              </button>
              <CommandLink href={`/admin/workflows/${workflow.id}/dry-run`}>{t.commands.dryRun}</CommandLink>
              <CommandLink href={`/admin/workflows/${workflow.id}/rotate-secret`}>
                {t.commands.rotateSecret}
              </CommandLink>
              <CommandLink href="/admin/workflows/new">{pc.t.commands.new}</CommandLink>
              {workflow.key || activated ? null : (
                <CommandLink href={`/admin/workflows/${workflow.id}/delete`} danger>
                  {pc.t.commands.delete}
                </CommandLink>
              )}
            </>
          ) : null}
        </CommandBar>
        <ProblemBox pc={pc} err={form.refusal ?? null} />
        {readOnly ? (
          <p class="notice info" role="status" data-read-only>
            {t.readOnlyActivated}
          </p>
        ) : null}
        {errorKeys.length ? (
          <div class="notice problem error-summary" role="alert" tabindex={-1} id="error-summary">
            <p>
              <strong>{pc.t.form.fixFields}</strong>
            </p>
            <ul>
              {errorKeys.map((f) => (
                <li>
                  <a href={`#${fieldId(f)}`} data-error-field={f}>
                    {(t.fields as Record<string, string>)[f] ?? f}: {form.errors[f]}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <fieldset class="plain" disabled={readOnly}>
          <Section title={pc.t.form.general} id="general">
            <Field
              name="name"
              label={t.fields.name}
              value={form.values.name}
              error={form.errors.name}
              required
              maxLength={200}
            />
            <TextAreaField
              name="description"
              label={t.fields.description}
              value={form.values.description}
              error={form.errors.description}
              rows={2}
              maxLength={2000}
            />
            {workflow ? (
              <>
                <ReadOnlyField label={t.fields.primaryEntity}>{t.entities[workflow.primaryEntity]}</ReadOnlyField>
                <ReadOnlyField label={t.fields.key}>{workflow.key ?? pc.t.form.none}</ReadOnlyField>
                <ReadOnlyField label={pc.t.form.modifiedOn}>{formatTime(pc, workflow.updatedAt)}</ReadOnlyField>
              </>
            ) : (
              <SelectField
                name="primaryEntity"
                label={t.fields.primaryEntity}
                value={primaryEntity}
                options={Object.entries(t.entities).map(([value, label]) => ({ value, label }))}
                error={form.errors.primaryEntity}
              />
            )}
          </Section>
          <Section title={t.fields.steps} id="steps">
            {form.errors.steps ? <p class="field-error">{form.errors.steps}</p> : null}
            <StepList
              pc={pc}
              drafts={form.drafts}
              prefix="steps"
              errors={form.errors}
              primaryEntity={primaryEntity}
              templates={p.templates.map((x) => ({ id: x.id, label: `${x.name} (${x.locale})` }))}
              conditionFields={p.conditionFields}
              labels={form.labels}
              readOnly={readOnly}
            />
          </Section>
        </fieldset>
      </form>
      {workflow ? <TemplatesSection pc={pc} workflow={workflow} templates={p.templates} /> : null}
      {workflow ? (
        <p>
          <a href={`/admin/workflow-runs?workflowId=${workflow.id}`}>{pc.t.workflows.runs.entityPlural}</a>
        </p>
      ) : null}
    </Layout>
  );
}

function TemplatesSection(p: { pc: AdminPageContext; workflow: Workflow; templates: EmailTemplate[] }) {
  const { pc } = p;
  const t = pc.t.workflows.templates;
  const byName = new Map<string, EmailTemplate[]>();
  for (const x of p.templates) byName.set(x.name, [...(byName.get(x.name) ?? []), x]);
  return (
    <Section title={t.section} id="templates">
      {p.templates.length === 0 ? <p>{t.none}</p> : null}
      <ul class="related-list" data-templates>
        {[...byName.entries()].map(([name, list]) => (
          <li>
            <span>{name}: </span>
            {list.map((x, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <a href={`/admin/email-templates/${x.id}`} data-template-locale={x.locale}>
                  {pc.t.localeNames[x.locale]}
                </a>
              </>
            ))}
          </li>
        ))}
      </ul>
      {p.workflow.state === 'draft' ? (
        <p>
          <a class="button secondary" href={`/admin/email-templates/new?workflowId=${p.workflow.id}`}>
            {pc.t.workflows.commands.newTemplate}
          </a>
        </p>
      ) : null}
    </Section>
  );
}
