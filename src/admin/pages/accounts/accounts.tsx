// Accounts: the Active Accounts view and the account form (with the account's contacts).
import type { Account } from '../../../accounts/accounts.schema.ts';
import type { Contact } from '../../../contacts/contacts.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import { ErrorSummary, LookupField, ReadOnlyField, Section } from '../../components/fields.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { LookupOption } from '../../lookups.ts';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { Layout, PageHeader } from '../layout.tsx';
import { formatTime } from '../format.ts';

export function AccountsView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: Account[];
  nextCursor: string | null;
  parents: Map<string, string>;
}) {
  const { pc } = p;
  const t = pc.t.accounts;
  return (
    <Layout pc={pc} title={t.views.active}>
      <PageHeader title={t.views.active} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/accounts/new" primary>
          {pc.t.commands.new}
        </CommandLink>
      </CommandBar>
      <ViewToolbar pc={pc} basePath="/admin/accounts" query={p.query} quickFind />
      <Grid
        pc={pc}
        basePath="/admin/accounts"
        query={p.query}
        caption={t.views.active}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(a) => a.id}
        rowLabel={(a) => a.name}
        columns={[
          {
            label: t.fields.name,
            sort: 'name',
            wrap: true,
            cell: (a) => <a href={`/admin/accounts/${a.id}`}>{a.name}</a>,
          },
          {
            label: t.fields.parentAccountId,
            wrap: true,
            cell: (a) =>
              a.parentAccountId ? (
                <a href={`/admin/accounts/${a.parentAccountId}`}>
                  {p.parents.get(a.parentAccountId) ?? a.parentAccountId}
                </a>
              ) : (
                pc.t.form.none
              ),
          },
          { label: pc.t.form.createdOn, cell: (a) => formatTime(pc, a.createdAt) },
        ]}
      />
    </Layout>
  );
}

export interface AccountFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  parent?: LookupOption | undefined;
}

export function AccountForm(p: {
  pc: AdminPageContext;
  account: Account | null;
  form: AccountFormState;
  contacts?: Contact[];
}) {
  const { pc, account, form } = p;
  const t = pc.t.accounts;
  const title = account ? account.name : t.newTitle;
  const action = account ? `/admin/accounts/${account.id}` : '/admin/accounts/new';
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={t.entity} />
      <form method="post" action={action} class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary">
            {pc.t.commands.save}
          </button>
          {account ? (
            <>
              <CommandLink href="/admin/accounts/new">{pc.t.commands.new}</CommandLink>
              <CommandLink href={`/admin/accounts/${account.id}/delete`} danger>
                {pc.t.commands.delete}
              </CommandLink>
            </>
          ) : null}
        </CommandBar>
        <ErrorSummary pc={pc} errors={form.errors} labels={t.fields} />
        <Section title={pc.t.form.general} id="general">
          <Field
            name="name"
            label={t.fields.name}
            value={form.values.name}
            error={form.errors.name}
            required
            maxLength={200}
          />
          <LookupField
            pc={pc}
            name="parentAccountId"
            label={t.fields.parentAccountId}
            kind="accounts"
            value={form.parent}
            typed={form.values.parentAccountIdLookup}
            error={form.errors.parentAccountId}
          />
          {account ? (
            <ReadOnlyField label={pc.t.form.createdOn}>{formatTime(pc, account.createdAt)}</ReadOnlyField>
          ) : null}
        </Section>
      </form>
      {account && p.contacts ? (
        <Section title={t.contactsOfAccount} id="contacts">
          <ul class="related-list">
            {p.contacts.length === 0 ? <li>{pc.t.grid.noRecords}</li> : null}
            {p.contacts.map((c) => (
              <li>
                <a href={`/admin/contacts/${c.id}`}>{c.fullName || c.emailaddress1 || c.id}</a>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
    </Layout>
  );
}
