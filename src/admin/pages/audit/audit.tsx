// The audit log view: every entry newest first — when, who (user, contact or the system), the event,
// the record type and the record (linked where it has a page), the details as short text.
import type { AuditEntry } from '../../../audit/audit.service.ts';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The back-office page of a record, where there is one (users only for admins). */
export function recordHref(pc: AdminPageContext, type: string, id: string | null): string | null {
  if (!id || !UUID.test(id)) return null;
  const areas: Record<string, string> = {
    invitation: 'invitations',
    contact: 'contacts',
    account: 'accounts',
    'web-role': 'web-roles',
    workflow: 'workflows',
    workflow_run: 'workflow-runs',
    email: 'emails',
    ...(pc.isAdmin ? { 'system-user': 'users' } : {}),
  };
  const area = areas[type];
  return area ? `/admin/${area}/${id}` : null;
}

/** Details as one short line: `key: value` pairs, long values cut. */
export function detailsText(details: Record<string, unknown> | null, max = 160): string {
  if (!details) return '';
  const text = Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function AuditView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: AuditEntry[];
  nextCursor: string | null;
  /** Names of the users and contacts who acted, by id. */
  actors: Map<string, string>;
}) {
  const { pc, query } = p;
  const t = pc.t.audit;
  const actor = (e: AuditEntry) => {
    const type = t.actorTypes[e.actorType] ?? e.actorType;
    if (e.actorType === 'system' || !e.actorId) return type;
    const name = p.actors.get(e.actorId) ?? e.actorId;
    if (e.actorType === 'contact') return <a href={`/admin/contacts/${e.actorId}`}>{name}</a>;
    const href = recordHref(pc, 'system-user', e.actorId);
    return href ? <a href={href}>{name}</a> : name;
  };
  return (
    <Layout pc={pc} title={t.title}>
      <PageHeader title={t.title} />
      <ViewToolbar
        pc={pc}
        basePath="/admin/audit"
        query={query}
        search={false}
        filters={
          <>
            <div class="field inline">
              <label for="filter-record-type">{t.fields.recordType}</label>
              <select id="filter-record-type" name="recordType">
                <option value="">{t.anyRecordType}</option>
                {Object.entries(t.recordTypes).map(([k, label]) => (
                  <option value={k} selected={query.filters.recordType === k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field inline">
              <label for="filter-action">{t.fields.action}</label>
              <select id="filter-action" name="action">
                <option value="">{t.anyAction}</option>
                {Object.entries(t.actions).map(([k, label]) => (
                  <option value={k} selected={query.filters.action === k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          </>
        }
      />
      <Grid
        pc={pc}
        basePath="/admin/audit"
        query={query}
        caption={t.title}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(e) => e.id}
        rowLabel={(e) => `${e.action} ${e.recordType}`}
        columns={[
          { label: t.fields.when, cell: (e) => formatTime(pc, e.createdAt) },
          { label: t.fields.actor, wrap: true, cell: actor },
          {
            label: t.fields.action,
            cell: (e) => <span data-action={e.action}>{t.actions[e.action] ?? e.action}</span>,
          },
          { label: t.fields.recordType, cell: (e) => t.recordTypes[e.recordType] ?? e.recordType },
          {
            label: t.fields.record,
            cell: (e) => {
              const href = recordHref(pc, e.recordType, e.recordId);
              if (!e.recordId) return pc.t.form.none;
              return href ? <a href={href}>{e.recordId}</a> : <code>{e.recordId}</code>;
            },
          },
          { label: t.fields.details, wrap: true, cell: (e) => detailsText(e.details) || pc.t.form.none },
        ]}
      />
    </Layout>
  );
}
