// Web roles: the Active Web Roles view and the web role form.
import type { WebRole } from '../../../web-roles/web-roles.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import {
  CheckboxField,
  ErrorSummary,
  MultiLookupField,
  ReadOnlyField,
  Section,
  TextAreaField,
} from '../../components/fields.tsx';
import type { LookupOption } from '../../lookups.ts';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

export function WebRolesView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: WebRole[];
  nextCursor: string | null;
}) {
  const { pc } = p;
  const t = pc.t.webRoles;
  return (
    <Layout pc={pc} title={t.views.active}>
      <PageHeader title={t.views.active} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/web-roles/new" primary>
          {pc.t.commands.new}
        </CommandLink>
      </CommandBar>
      <ViewToolbar pc={pc} basePath="/admin/web-roles" query={p.query} />
      <Grid
        pc={pc}
        basePath="/admin/web-roles"
        query={p.query}
        caption={t.views.active}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(r) => r.id}
        rowLabel={(r) => r.name}
        columns={[
          {
            label: t.fields.name,
            sort: 'name',
            wrap: true,
            cell: (r) => <a href={`/admin/web-roles/${r.id}`}>{r.name}</a>,
          },
          { label: t.fields.description, wrap: true, cell: (r) => r.description ?? pc.t.form.none },
          {
            label: t.fields.authenticatedUsersRole,
            cell: (r) => (r.authenticatedUsersRole ? pc.t.form.yes : pc.t.form.no),
          },
          { label: pc.t.form.createdOn, cell: (r) => formatTime(pc, r.createdAt) },
        ]}
      />
    </Layout>
  );
}

export interface WebRoleFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  /** The roles holders may grant when they invite a colleague. */
  grantable: LookupOption[];
}

export function WebRoleForm(p: { pc: AdminPageContext; role: WebRole | null; form: WebRoleFormState }) {
  const { pc, role, form } = p;
  const t = pc.t.webRoles;
  const title = role ? role.name : t.newTitle;
  const action = role ? `/admin/web-roles/${role.id}` : '/admin/web-roles/new';
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={t.entity} />
      <form method="post" action={action} class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary">
            {pc.t.commands.save}
          </button>
          {role ? (
            <>
              <CommandLink href="/admin/web-roles/new">{pc.t.commands.new}</CommandLink>
              <CommandLink href={`/admin/web-roles/${role.id}/delete`} danger>
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
            maxLength={100}
          />
          <TextAreaField
            name="description"
            label={t.fields.description}
            value={form.values.description}
            error={form.errors.description}
            maxLength={2000}
          />
          <CheckboxField
            name="authenticatedUsersRole"
            label={t.fields.authenticatedUsersRole}
            hint={t.authenticatedUsersRoleHint}
            checked={form.values.authenticatedUsersRole === 'true'}
            {...(form.errors.authenticatedUsersRole ? { error: form.errors.authenticatedUsersRole } : {})}
          />
          {role ? <ReadOnlyField label={pc.t.form.createdOn}>{formatTime(pc, role.createdAt)}</ReadOnlyField> : null}
        </Section>
        <Section title={t.invitingSection} id="inviting">
          <CheckboxField
            name="canInvite"
            label={t.fields.canInvite}
            hint={t.canInviteHint}
            checked={form.values.canInvite === 'true'}
            {...(form.errors.canInvite ? { error: form.errors.canInvite } : {})}
          />
          <MultiLookupField
            pc={pc}
            name="grantableWebRoleIds"
            label={t.fields.grantableWebRoleIds}
            kind="web-roles"
            values={form.grantable}
            typed={form.values.grantableWebRoleIdsLookup}
            error={form.errors.grantableWebRoleIds}
            hint={t.grantableHint}
          />
        </Section>
      </form>
    </Layout>
  );
}
