// The dashboard: the invitation funnel of the last 12 weeks (chart and table), and the latest
// failed emails and failed workflow runs, each linked to its page.
import type { EmailActivity } from '../../../email/email.schema.ts';
import type { InvitationFunnel } from '../../../invitations/invitation-funnel.service.ts';
import type { WorkflowRun } from '../../../workflows/workflows.schema.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { FunnelChart, FunnelTable } from './funnel-chart.tsx';

const short = (s: string | null, max = 140) => (s && s.length > max ? `${s.slice(0, max - 1)}…` : (s ?? ''));

export function DashboardPage(p: {
  pc: AdminPageContext;
  funnel: InvitationFunnel;
  failedEmails: EmailActivity[];
  failedRuns: WorkflowRun[];
  workflowNames: Map<string, string>;
}) {
  const { pc } = p;
  const t = pc.t.dashboard;
  return (
    <Layout pc={pc} title={t.title}>
      <PageHeader title={t.title} />
      <section class="card dashboard-funnel" aria-labelledby="funnel-title" id="funnel">
        <h2 id="funnel-title">{t.funnelTitle}</h2>
        <p class="subtitle">{t.funnelLead}</p>
        <FunnelChart pc={pc} funnel={p.funnel} />
        <FunnelTable pc={pc} funnel={p.funnel} />
      </section>
      <div class="dashboard-lists">
        <section class="card" aria-labelledby="failed-emails-title" id="failed-emails">
          <h2 id="failed-emails-title">{t.failedEmails}</h2>
          {p.failedEmails.length === 0 ? (
            <p>{t.noFailedEmails}</p>
          ) : (
            <ul class="related-list">
              {p.failedEmails.map((e) => (
                <li data-email={e.id}>
                  <a href={`/admin/emails/${e.id}`}>{e.subject || e.to}</a> · {e.to} ·{' '}
                  {pc.t.emails.statuses[e.status] ?? e.status} · {formatTime(pc, e.createdAt)}
                  {e.lastError ? <div class="hint">{short(e.lastError)}</div> : null}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href="/admin/emails?status=failed">{t.allFailedEmails}</a>
          </p>
        </section>
        <section class="card" aria-labelledby="failed-runs-title" id="failed-runs">
          <h2 id="failed-runs-title">{t.failedRuns}</h2>
          {p.failedRuns.length === 0 ? (
            <p>{t.noFailedRuns}</p>
          ) : (
            <ul class="related-list">
              {p.failedRuns.map((r) => (
                <li data-run={r.id}>
                  <a href={`/admin/workflow-runs/${r.id}`}>{p.workflowNames.get(r.workflowId) ?? t.run}</a> ·{' '}
                  {formatTime(pc, r.finishedAt ?? r.createdAt)}
                  {r.error ? <div class="hint">{short(r.error)}</div> : null}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href="/admin/workflow-runs?status=failed">{t.allFailedRuns}</a>
          </p>
        </section>
      </div>
    </Layout>
  );
}
