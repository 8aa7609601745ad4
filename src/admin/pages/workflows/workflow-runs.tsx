// Workflow runs: the run history view (filters: workflow, status, record) and one run with its step
// log, and Retry on a failed run.
import type { WorkflowRun } from '../../../workflows/workflows.schema.ts';
import { Csrf } from '../../../web/form-kit.tsx';
import { CommandBar } from '../../components/command-bar.tsx';
import { ReadOnlyField, Section } from '../../components/fields.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { FilterSelect } from './workflows.tsx';

export interface RunLabels {
  workflows: Map<string, { name: string; primaryEntity: 'invitation' | 'contact' }>;
  targets: Map<string, string>;
}

const targetHref = (entity: 'invitation' | 'contact' | undefined, id: string) =>
  entity === 'invitation' ? `/admin/invitations/${id}` : `/admin/contacts/${id}`;

export function RunsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: WorkflowRun[];
  nextCursor: string | null;
  labels: RunLabels;
  workflowOptions: { value: string; label: string }[];
}) {
  const { pc, labels } = p;
  const t = pc.t.workflows.runs;
  return (
    <Layout pc={pc} title={t.views.all}>
      <PageHeader title={t.views.all} />
      <ViewToolbar
        pc={pc}
        basePath="/admin/workflow-runs"
        query={p.query}
        search={false}
        filters={
          <>
            <FilterSelect
              pc={pc}
              name="workflowId"
              label={t.workflow}
              value={p.query.filters.workflowId}
              options={p.workflowOptions}
            />
            <FilterSelect
              pc={pc}
              name="status"
              label={t.status}
              value={p.query.filters.status}
              options={Object.entries(t.statuses).map(([value, label]) => ({ value, label }))}
            />
            <div class="field inline">
              <label for="filter-targetId">{t.targetId}</label>
              <input
                id="filter-targetId"
                type="text"
                name="targetId"
                value={p.query.filters.targetId ?? ''}
                maxLength={36}
              />
            </div>
          </>
        }
      />
      <Grid
        pc={pc}
        basePath="/admin/workflow-runs"
        query={p.query}
        caption={t.views.all}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(r) => r.id}
        rowLabel={(r) => r.id}
        columns={[
          {
            label: t.workflow,
            wrap: true,
            cell: (r) => (
              <a href={`/admin/workflow-runs/${r.id}`}>{labels.workflows.get(r.workflowId)?.name ?? r.workflowId}</a>
            ),
          },
          {
            label: t.target,
            wrap: true,
            cell: (r) => (
              <a href={targetHref(labels.workflows.get(r.workflowId)?.primaryEntity, r.targetId)}>
                {labels.targets.get(r.targetId) ?? r.targetId}
              </a>
            ),
          },
          { label: t.status, cell: (r) => <span data-status={r.status}>{t.statuses[r.status] ?? r.status}</span> },
          { label: t.trigger, cell: (r) => t.triggers[r.trigger] ?? r.trigger },
          { label: t.createdOn, cell: (r) => formatTime(pc, r.createdAt) },
          { label: t.finishedOn, cell: (r) => formatTime(pc, r.finishedAt) },
          { label: t.error, wrap: true, cell: (r) => r.error ?? pc.t.form.none },
        ]}
      />
    </Layout>
  );
}

export function RunPage(p: { pc: AdminPageContext; run: WorkflowRun; labels: RunLabels }) {
  const { pc, run, labels } = p;
  const t = pc.t.workflows.runs;
  const wf = labels.workflows.get(run.workflowId);
  const title = `${t.entity}: ${wf?.name ?? run.workflowId}`;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} status={<span data-status={run.status}>{t.statuses[run.status] ?? run.status}</span>} />
      {run.status === 'failed' ? (
        <form method="post" action={`/admin/workflow-runs/${run.id}/retry`}>
          <Csrf pc={pc} />
          <CommandBar label={t.entity}>
            <button type="submit" class="command primary" data-retry>
              {pc.t.workflows.commands.retry}
            </button>
          </CommandBar>
          <p class="hint">{t.retryHint}</p>
        </form>
      ) : null}
      <Section title={pc.t.form.general} id="general">
        <ReadOnlyField label={t.workflow}>
          <a href={`/admin/workflows/${run.workflowId}`}>{wf?.name ?? run.workflowId}</a>
        </ReadOnlyField>
        <ReadOnlyField label={t.target}>
          <a href={targetHref(wf?.primaryEntity, run.targetId)}>{labels.targets.get(run.targetId) ?? run.targetId}</a>
        </ReadOnlyField>
        <ReadOnlyField label={t.trigger}>{t.triggers[run.trigger] ?? run.trigger}</ReadOnlyField>
        <ReadOnlyField label={t.createdOn}>{formatTime(pc, run.createdAt)}</ReadOnlyField>
        <ReadOnlyField label={t.startedOn}>{formatTime(pc, run.startedAt)}</ReadOnlyField>
        <ReadOnlyField label={t.finishedOn}>{formatTime(pc, run.finishedAt)}</ReadOnlyField>
        <ReadOnlyField label={t.error}>
          <span data-run-error>{run.error ?? pc.t.form.none}</span>
        </ReadOnlyField>
      </Section>
      <Section title={t.stepLog} id="step-log">
        {run.steps.length === 0 ? <p>{t.noSteps}</p> : null}
        {run.steps.length ? (
          <div class="table-scroll" tabindex={0}>
            <table class="grid" data-step-log>
              <caption class="visually-hidden">{t.stepLog}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.index}</th>
                  <th scope="col">{t.path}</th>
                  <th scope="col">{t.type}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.startedOn}</th>
                  <th scope="col">{t.finishedOn}</th>
                  <th scope="col">{t.detail}</th>
                  <th scope="col">{t.error}</th>
                </tr>
              </thead>
              <tbody>
                {run.steps.map((s) => (
                  <tr data-step-index={s.index} data-step-status={s.status}>
                    <td>{s.index}</td>
                    <td>
                      <code>{s.path}</code>
                    </td>
                    <td>{pc.t.workflows.steps.types[s.type] ?? s.type}</td>
                    <td>{t.stepStatuses[s.status] ?? s.status}</td>
                    <td>{formatTime(pc, s.startedAt)}</td>
                    <td>{formatTime(pc, s.finishedAt)}</td>
                    <td class="wrap">
                      {s.detail === null || s.detail === undefined ? (
                        pc.t.form.none
                      ) : (
                        <pre class="detail" tabindex={0}>
                          {JSON.stringify(s.detail, null, 2)}
                        </pre>
                      )}
                    </td>
                    <td class="wrap">{s.error ?? pc.t.form.none}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
    </Layout>
  );
}
