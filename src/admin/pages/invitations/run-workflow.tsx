// Run Workflow: the chooser (Send Invitation and every activated workflow on the records' entity,
// the selected ids carried as hidden fields) and the progress of the runs it queued, refreshed
// until every run has finished (htmx polls the fragment; without JavaScript the page refreshes).
import type { WorkflowRun } from '../../../workflows/workflows.schema.ts';
import { Csrf } from '../../../web/form-kit.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import { Layout, PageHeader } from '../layout.tsx';

export type RunEntity = 'invitation' | 'contact';

export function RunWorkflowChooser(p: {
  pc: AdminPageContext;
  entity: RunEntity;
  ids: string[];
  workflows: { id: string; label: string }[];
}) {
  const { pc } = p;
  const t = pc.t.invitations.run;
  return (
    <Layout pc={pc} title={t.title}>
      <PageHeader title={t.title} subtitle={t.records(p.ids.length)} />
      <section class="card narrow" aria-labelledby="chooser-heading">
        <form method="post" action="/admin/run-workflow" data-run-workflow-chooser>
          <Csrf pc={pc} />
          <input type="hidden" name="entity" value={p.entity} />
          {p.ids.map((id) => (
            <input type="hidden" name="ids" value={id} />
          ))}
          <fieldset class="field">
            <legend id="chooser-heading">{t.choose}</legend>
            {p.workflows.length === 0 ? <p>{t.none}</p> : null}
            {p.workflows.map((w, i) => (
              <div class="field check">
                <input type="radio" id={`wf-${i}`} name="workflowId" value={w.id} checked={i === 0} required />
                <label for={`wf-${i}`}>{w.label}</label>
              </div>
            ))}
          </fieldset>
          <p class="actions">
            <button type="submit" class="button" disabled={p.workflows.length === 0}>
              {t.start}
            </button>
            <a class="button secondary" href={p.entity === 'contact' ? '/admin/contacts' : '/admin/invitations'}>
              {pc.t.commands.cancel}
            </a>
          </p>
        </form>
      </section>
    </Layout>
  );
}

export interface ProgressProps {
  pc: AdminPageContext;
  workflowName: string;
  entity: RunEntity;
  runs: WorkflowRun[];
  targets: Map<string, string>;
  /** The fragment's own address (htmx polls it while runs are unfinished). */
  fragmentUrl: string;
}

export const runsFinished = (runs: WorkflowRun[]) =>
  runs.every((r) => r.status === 'succeeded' || r.status === 'failed');

/** The progress itself: totals, each run, each failure with its reason. Polls itself until done. */
export function RunProgress(p: ProgressProps) {
  const { pc, runs } = p;
  const t = pc.t.invitations.run;
  const done = runsFinished(runs);
  const count = (s: WorkflowRun['status']) => runs.filter((r) => r.status === s).length;
  const failed = runs.filter((r) => r.status === 'failed');
  const base = p.entity === 'contact' ? '/admin/contacts' : '/admin/invitations';
  const polling = done ? {} : { 'hx-get': p.fragmentUrl, 'hx-trigger': 'every 1s', 'hx-swap': 'outerHTML' };
  return (
    <div id="run-progress" data-finished={done ? 'true' : 'false'} {...polling}>
      <p role="status" class={done ? 'notice success' : 'notice'}>
        {done ? t.finished : t.running}
      </p>
      <h2>{t.totals}</h2>
      <ul class="run-totals">
        <li data-total="all">
          {t.total}: <strong>{runs.length}</strong>
        </li>
        {(['queued', 'running', 'succeeded', 'failed'] as const).map((s) => (
          <li data-total={s}>
            <span class={`status ${s}`}>{t.runStatuses[s]}</span> <strong>{count(s)}</strong>
          </li>
        ))}
      </ul>
      {failed.length ? (
        <section aria-labelledby="failures-heading" class="failures">
          <h2 id="failures-heading">{t.failures}</h2>
          <ul class="related-list">
            {failed.map((r) => (
              <li data-failed-run={r.id}>
                <a href={`${base}/${r.targetId}`}>{p.targets.get(r.targetId) ?? r.targetId}</a>:{' '}
                <span class="reason">{r.error ?? t.runStatuses.failed}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div class="table-scroll" tabindex={0}>
        <table class="grid">
          <caption class="visually-hidden">{t.progressTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{t.record}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.reason}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr data-run={r.id} data-run-status={r.status}>
                <td class="wrap">
                  <a href={`${base}/${r.targetId}`}>{p.targets.get(r.targetId) ?? r.targetId}</a>
                </td>
                <td>
                  <a href={`/admin/workflow-runs/${r.id}`} class={`status ${r.status}`}>
                    {t.runStatuses[r.status]}
                  </a>
                </td>
                <td class="wrap">{r.status === 'failed' ? (r.error ?? '') : pc.t.form.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function RunProgressPage(p: ProgressProps) {
  const { pc } = p;
  const t = pc.t.invitations.run;
  // Without JavaScript the page reloads itself while runs are unfinished; with it, htmx polls.
  const head = runsFinished(p.runs) ? undefined : (
    <noscript>
      <meta http-equiv="refresh" content="2" />
    </noscript>
  );
  return (
    <Layout pc={pc} title={t.progressTitle} head={head}>
      <PageHeader title={t.progressTitle} subtitle={p.workflowName} />
      <RunProgress {...p} />
      <p class="actions">
        <a class="button secondary" href={p.entity === 'contact' ? '/admin/contacts' : '/admin/invitations'}>
          {p.entity === 'contact' ? t.entityContact : t.entityInvitation}
        </a>
      </p>
    </Layout>
  );
}
