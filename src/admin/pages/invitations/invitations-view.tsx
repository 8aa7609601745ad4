// The invitations view: the system views (New, Sent, Redeemed, Expired, Inactive, All), search,
// sorting by name, expiry and creation, and commands on the selected rows (+ New, Run Workflow,
// Deactivate, Activate).
import type { Invitation } from '../../../invitations/invitations.schema.ts';
import { CommandButton, CommandLink } from '../../components/command-bar.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

export const invitationViews = ['new', 'sent', 'redeemed', 'expired', 'inactive', 'all'] as const;
export type InvitationView = (typeof invitationViews)[number];

export const StatusBadge = ({ pc, status }: { pc: AdminPageContext; status: Invitation['status'] }) => (
  <span class={`status ${status}`} data-status={status}>
    {pc.t.invitations.statuses[status]}
  </span>
);

/** At most three names of a set, then how many more. */
function names(ids: readonly string[], labels: Map<string, string>, none: string): string {
  if (ids.length === 0) return none;
  const shown = ids.slice(0, 3).map((id) => labels.get(id) ?? id);
  return ids.length > 3 ? `${shown.join(', ')} +${ids.length - 3}` : shown.join(', ');
}

export function InvitationsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  view: InvitationView;
  items: Invitation[];
  nextCursor: string | null;
  contacts: Map<string, string>;
  owners: Map<string, string>;
}) {
  const { pc } = p;
  const t = pc.t.invitations;
  const title = t.views[p.view];
  const query = { ...p.query, view: p.view };
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={t.entityPlural} />
      <ViewToolbar
        quickFind
        pc={pc}
        basePath="/admin/invitations"
        query={query}
        views={invitationViews.map((key) => ({ key, label: t.views[key] }))}
      />
      <Grid
        pc={pc}
        basePath="/admin/invitations"
        query={query}
        caption={title}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(i) => i.id}
        rowLabel={(i) => i.name}
        commands={
          <>
            <CommandLink href="/admin/invitations/new" primary>
              {pc.t.commands.new}
            </CommandLink>
            <CommandButton formAction="/admin/run-workflow" needs="some" name="entity" value="invitation">
              {t.commands.runWorkflow}
            </CommandButton>
            <CommandButton formAction="/admin/invitations/deactivate" needs="some">
              {pc.t.commands.deactivate}
            </CommandButton>
            <CommandButton formAction="/admin/invitations/activate" needs="some">
              {pc.t.commands.activate}
            </CommandButton>
            {pc.isAdmin ? (
              <CommandLink href="/admin/export/powerpages">{pc.t.importExport.commands.exportPowerPages}</CommandLink>
            ) : null}
          </>
        }
        columns={[
          {
            label: t.fields.name,
            sort: 'name',
            wrap: true,
            cell: (i) => <a href={`/admin/invitations/${i.id}`}>{i.name}</a>,
          },
          { label: t.fields.type, cell: (i) => t.types[i.type] },
          { label: t.fields.status, cell: (i) => <StatusBadge pc={pc} status={i.status} /> },
          {
            label: t.fields.invitedContactIds,
            wrap: true,
            cell: (i) => names(i.invitedContactIds, p.contacts, pc.t.form.none),
          },
          {
            label: t.fields.ownerId,
            wrap: true,
            cell: (i) => (i.ownerId ? (p.owners.get(i.ownerId) ?? i.ownerId) : pc.t.form.none),
          },
          { label: t.fields.expiresAt, sort: 'expiresAt', cell: (i) => formatTime(pc, i.expiresAt) },
          { label: t.fields.createdAt, sort: 'createdAt', cell: (i) => formatTime(pc, i.createdAt) },
        ]}
      />
    </Layout>
  );
}
