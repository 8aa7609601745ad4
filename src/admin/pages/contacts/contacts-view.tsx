// Contacts: the Active Contacts view (search, a filter by account, sorting, row selection with
// + New, Create Invitation, Run Workflow and Delete), and the page that refuses a selection that
// does not fit a command.
import type { Contact } from '../../../contacts/contacts.schema.ts';
import { CommandBar, CommandButton, CommandLink } from '../../components/command-bar.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { LookupOption } from '../../lookups.ts';
import type { AdminPageContext } from '../../page-context.ts';
import { type ViewQuery, viewHref } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

export function ContactsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: Contact[];
  nextCursor: string | null;
  accounts: Map<string, string>;
  /** The account the view is filtered by (`?accountId=`). */
  account?: LookupOption | undefined;
}) {
  const { pc, query } = p;
  const t = pc.t.contacts;
  const accountId = query.filters.accountId;
  return (
    <Layout pc={pc} title={t.views.active}>
      <PageHeader title={t.views.active} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/contacts/new" primary>
          {pc.t.commands.new}
        </CommandLink>
        <CommandLink href="/admin/contacts/import">{pc.t.importExport.commands.importCsv}</CommandLink>
        {pc.isAdmin ? (
          <CommandLink href="/admin/export/powerpages">{pc.t.importExport.commands.exportPowerPages}</CommandLink>
        ) : null}
      </CommandBar>
      <ViewToolbar
        quickFind
        pc={pc}
        basePath="/admin/contacts"
        query={query}
        filters={
          accountId ? (
            <p class="filter-chip" data-filter="accountId">
              <input type="hidden" name="accountId" value={accountId} />
              {t.filteredByAccount}: <strong>{p.account?.label ?? accountId}</strong>{' '}
              <a href={viewHref('/admin/contacts', query, { cursor: undefined, filters: { accountId: '' } })}>
                {t.clearFilter}
              </a>
            </p>
          ) : null
        }
      />
      <Grid
        pc={pc}
        basePath="/admin/contacts"
        query={query}
        caption={t.views.active}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(c) => c.id}
        rowLabel={(c) => c.fullName || c.id}
        commands={
          <>
            <input type="hidden" name="entity" value="contact" />
            <CommandButton formAction="/admin/contacts/create-invitation" needs="one" primary>
              {t.commands.createInvitation}
            </CommandButton>
            <CommandButton formAction="/admin/run-workflow" needs="some">
              {t.commands.runWorkflow}
            </CommandButton>
            <CommandButton formAction="/admin/contacts/delete-selected" needs="one">
              {pc.t.commands.delete}
            </CommandButton>
          </>
        }
        columns={[
          {
            label: t.fields.fullName,
            sort: 'fullName',
            wrap: true,
            cell: (c) => <a href={`/admin/contacts/${c.id}`}>{c.fullName || pc.t.form.none}</a>,
          },
          { label: t.sortLastName, sort: 'lastName', wrap: true, cell: (c) => c.lastName ?? pc.t.form.none },
          {
            label: t.fields.emailaddress1,
            sort: 'emailaddress1',
            wrap: true,
            cell: (c) => c.emailaddress1 ?? pc.t.form.none,
          },
          {
            label: t.fields.parentAccountId,
            wrap: true,
            cell: (c) =>
              c.parentAccountId ? (
                <a href={`/admin/accounts/${c.parentAccountId}`}>
                  {p.accounts.get(c.parentAccountId) ?? c.parentAccountId}
                </a>
              ) : (
                pc.t.form.none
              ),
          },
          { label: pc.t.form.createdOn, cell: (c) => formatTime(pc, c.createdAt) },
        ]}
      />
    </Layout>
  );
}

/** A command on selected contacts that needs exactly one, given none or several (422). */
export function ChooseOneContactPage(p: { pc: AdminPageContext; message: string }) {
  const { pc } = p;
  return (
    <Layout pc={pc} title={pc.t.contacts.chooseTitle}>
      <section class="card narrow problem-page" data-code="validation-failed" aria-labelledby="choose-title">
        <h1 id="choose-title">{pc.t.contacts.chooseTitle}</h1>
        <p class="lead" data-problem="choose-exactly-one">
          {p.message}
        </p>
        <p class="actions">
          <a class="button secondary" href="/admin/contacts">
            {pc.t.contacts.views.active}
          </a>
        </p>
      </section>
    </Layout>
  );
}
