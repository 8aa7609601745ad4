// Sent mail: the view of every email activity (filter by status) and one email as it was sent,
// with its secrets masked as the API masks them: the HTML part in a sandboxed frame that runs no
// script and loads nothing from outside, the text part as it is.
import type { EmailActivity } from '../../../email/email.schema.ts';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import { ReadOnlyField, Section } from '../../components/fields.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

/** Where a regarding record's page is, if it has one. */
export function regardingHref(e: Pick<EmailActivity, 'regardingType' | 'regardingId'>): string | null {
  if (!e.regardingId) return null;
  if (e.regardingType === 'invitation') return `/admin/invitations/${e.regardingId}`;
  if (e.regardingType === 'contact') return `/admin/contacts/${e.regardingId}`;
  return null;
}

export const statusLabel = (pc: AdminPageContext, status: string) => pc.t.emails.statuses[status] ?? status;

const short = (s: string | null, max = 120) => (s && s.length > max ? `${s.slice(0, max - 1)}…` : s);

function Regarding({ pc, e, label }: { pc: AdminPageContext; e: EmailActivity; label?: string | undefined }) {
  const href = regardingHref(e);
  const type = e.regardingType ? (pc.t.emails.regardingTypes[e.regardingType] ?? e.regardingType) : null;
  if (!type) return <>{pc.t.form.none}</>;
  const text = label ? `${type}: ${label}` : type;
  return href ? <a href={href}>{text}</a> : text;
}

export function EmailsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  statuses: readonly string[];
  items: EmailActivity[];
  nextCursor: string | null;
}) {
  const { pc } = p;
  const t = pc.t.emails;
  const chosen = p.query.filters.status;
  return (
    <Layout pc={pc} title={t.entityPlural}>
      <PageHeader title={t.entityPlural} subtitle={t.views.all} />
      <ViewToolbar
        pc={pc}
        basePath="/admin/emails"
        query={p.query}
        search={false}
        filters={
          <div class="field inline">
            <label for="filter-status">{t.filterStatus}</label>
            <select id="filter-status" name="status">
              <option value="">{pc.t.grid.any}</option>
              {p.statuses.map((s) => (
                <option value={s} selected={chosen === s}>
                  {statusLabel(pc, s)}
                </option>
              ))}
            </select>
          </div>
        }
      />
      <Grid
        pc={pc}
        basePath="/admin/emails"
        query={p.query}
        caption={t.entityPlural}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(e) => e.id}
        rowLabel={(e) => e.subject}
        columns={[
          {
            label: t.fields.subject,
            wrap: true,
            cell: (e) => <a href={`/admin/emails/${e.id}`}>{e.subject || pc.t.form.none}</a>,
          },
          { label: t.fields.to, wrap: true, cell: (e) => e.to },
          {
            label: t.fields.status,
            cell: (e) => (
              <span class={`status ${e.status}`} data-status={e.status}>
                {statusLabel(pc, e.status)}
              </span>
            ),
          },
          { label: t.fields.attempts, cell: (e) => String(e.attempts) },
          { label: t.fields.lastError, wrap: true, cell: (e) => short(e.lastError) ?? pc.t.form.none },
          { label: t.fields.regarding, cell: (e) => <Regarding pc={pc} e={e} /> },
          { label: t.fields.createdOn, cell: (e) => formatTime(pc, e.createdAt) },
          { label: t.fields.sentOn, cell: (e) => formatTime(pc, e.sentAt) },
        ]}
      />
    </Layout>
  );
}

/**
 * What the frame shows: the stored (masked) HTML under a policy of its own that allows no script, no
 * outside request and no form, on top of the sandbox and the page's own policy (which it inherits).
 */
export const framedHtml = (html: string) =>
  `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'">${html}`;

export function EmailPage(p: {
  pc: AdminPageContext;
  email: EmailActivity;
  resendable: boolean;
  regardingLabel?: string | undefined;
}) {
  const { pc, email: e } = p;
  const t = pc.t.emails;
  return (
    <Layout pc={pc} title={e.subject || t.entity}>
      <PageHeader
        title={e.subject || t.entity}
        subtitle={t.entity}
        status={
          <span class={`status ${e.status}`} data-status={e.status}>
            {statusLabel(pc, e.status)}
          </span>
        }
      />
      <CommandBar label={t.entity}>
        <CommandLink href="/admin/emails">{pc.t.commands.back}</CommandLink>
        {p.resendable ? (
          <CommandLink href={`/admin/emails/${e.id}/resend`} primary>
            {t.resend}
          </CommandLink>
        ) : null}
      </CommandBar>
      <Section title={pc.t.form.general} id="headers">
        <ReadOnlyField label={t.fields.from}>{e.from}</ReadOnlyField>
        <ReadOnlyField label={t.fields.to}>
          {e.toContactId ? <a href={`/admin/contacts/${e.toContactId}`}>{e.to}</a> : e.to}
        </ReadOnlyField>
        <ReadOnlyField label={t.fields.subject}>{e.subject}</ReadOnlyField>
        <ReadOnlyField label={t.fields.messageId}>
          <code>{e.messageId}</code>
        </ReadOnlyField>
        <ReadOnlyField label={t.fields.status}>{statusLabel(pc, e.status)}</ReadOnlyField>
        <ReadOnlyField label={t.fields.attempts}>{String(e.attempts)}</ReadOnlyField>
        <ReadOnlyField label={t.fields.lastError}>{e.lastError ?? pc.t.form.none}</ReadOnlyField>
        <ReadOnlyField label={t.fields.regarding}>
          <Regarding pc={pc} e={e} label={p.regardingLabel} />
        </ReadOnlyField>
        <ReadOnlyField label={t.fields.createdOn}>{formatTime(pc, e.createdAt)}</ReadOnlyField>
        <ReadOnlyField label={t.fields.sentOn}>{formatTime(pc, e.sentAt)}</ReadOnlyField>
      </Section>
      {e.secretsMasked ? (
        <p class="notice warning" data-secrets-masked>
          {t.secretsMasked}
        </p>
      ) : null}
      <Section title={t.htmlPart} id="html-part">
        <iframe
          class="email-frame"
          title={t.htmlFrameTitle}
          sandbox=""
          referrerpolicy="no-referrer"
          srcdoc={framedHtml(e.html)}
          width="100%"
          height="480"
        />
      </Section>
      <Section title={t.textPart} id="text-part">
        <pre class="email-text" tabindex={0}>
          {e.text}
        </pre>
      </Section>
    </Layout>
  );
}
