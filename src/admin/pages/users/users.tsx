// System users: the All Users view and the user form (with its back-office sign-in state and Unlock).
import type { User } from '../../../users/users.schema.ts';
import type { UserSignInState } from '../../../users/users.service.ts';
import type { AppError } from '../../../shared/errors.ts';
import { Csrf, Field, ProblemBox } from '../../../web/form-kit.tsx';
import { CommandBar, CommandButton, CommandLink } from '../../components/command-bar.tsx';
import { ErrorSummary, ReadOnlyField, Section, SelectField } from '../../components/fields.tsx';
import { Grid, ViewToolbar } from '../../components/grid.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

function LockState(p: { pc: AdminPageContext; state: UserSignInState | undefined }) {
  const t = p.pc.t.users;
  if (!p.state?.lockedOut) return <span data-locked="false">{t.notLocked}</span>;
  return (
    <span class="status failed" data-locked="true">
      {t.lockedUntil(formatTime(p.pc, p.state.lockoutEnd))}
    </span>
  );
}

export function UsersView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: User[];
  nextCursor: string | null;
  states: Map<string, UserSignInState>;
}) {
  const { pc } = p;
  const t = pc.t.users;
  return (
    <Layout pc={pc} title={t.views.all}>
      <PageHeader title={t.views.all} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/users/new" primary>
          {pc.t.commands.new}
        </CommandLink>
      </CommandBar>
      <ViewToolbar
        pc={pc}
        basePath="/admin/users"
        query={p.query}
        search={false}
        filters={
          <div class="field inline grow">
            <label for="filter-email">{t.emailFilter}</label>
            <input id="filter-email" type="search" name="email" value={p.query.filters.email ?? ''} maxLength={320} />
          </div>
        }
      />
      <Grid
        pc={pc}
        basePath="/admin/users"
        query={p.query}
        caption={t.views.all}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(u) => u.id}
        rowLabel={(u) => u.fullName || u.email}
        columns={[
          {
            label: t.fields.fullName,
            wrap: true,
            cell: (u) => <a href={`/admin/users/${u.id}`}>{u.fullName || u.email}</a>,
          },
          { label: t.fields.email, wrap: true, cell: (u) => u.email },
          { label: t.fields.role, cell: (u) => pc.t.roleNames[u.role] },
          { label: t.status, cell: (u) => <LockState pc={pc} state={p.states.get(u.id)} /> },
          { label: pc.t.form.createdOn, cell: (u) => formatTime(pc, u.createdAt) },
        ]}
      />
    </Layout>
  );
}

export interface UserFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  /** A refusal that belongs to no one field (a 409 the form cannot place). */
  problem?: AppError | null;
}

export function UserForm(p: {
  pc: AdminPageContext;
  user: User | null;
  state?: UserSignInState | undefined;
  form: UserFormState;
}) {
  const { pc, user, form } = p;
  const t = pc.t.users;
  const title = user ? user.fullName || user.email : t.newTitle;
  const action = user ? `/admin/users/${user.id}` : '/admin/users/new';
  const isSelf = user?.id === pc.user?.id;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} subtitle={isSelf ? `${t.entity} (${t.you})` : t.entity} />
      <form method="post" action={action} class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary">
            {pc.t.commands.save}
          </button>
          {user ? (
            <>
              <CommandLink href="/admin/users/new">{pc.t.commands.new}</CommandLink>
              {p.state?.lockedOut ? (
                <CommandButton formAction={`/admin/users/${user.id}/unlock`}>{t.unlock}</CommandButton>
              ) : null}
              <CommandLink href={`/admin/users/${user.id}/delete`} danger>
                {pc.t.commands.delete}
              </CommandLink>
            </>
          ) : null}
        </CommandBar>
        <ProblemBox pc={pc} err={form.problem ?? null} />
        <ErrorSummary pc={pc} errors={form.errors} labels={t.fields} />
        <Section title={pc.t.form.general} id="general">
          <Field
            name="fullName"
            label={t.fields.fullName}
            value={form.values.fullName}
            error={form.errors.fullName}
            autocomplete="off"
            required
            maxLength={200}
          />
          <Field
            name="email"
            type="email"
            label={t.fields.email}
            value={form.values.email}
            error={form.errors.email}
            autocomplete="off"
            required
            maxLength={320}
          />
          <SelectField
            name="role"
            label={t.fields.role}
            value={form.values.role ?? 'staff'}
            error={form.errors.role}
            options={[
              { value: 'staff', label: pc.t.roleNames.staff },
              { value: 'admin', label: pc.t.roleNames.admin },
            ]}
          />
          <Field
            name="password"
            type="password"
            label={user ? t.newPassword : t.fields.password}
            hint={user ? t.passwordEditHint : t.passwordNewHint}
            error={form.errors.password}
            autocomplete="new-password"
            optionalLabel={pc.t.form.optional}
          />
          {user ? <ReadOnlyField label={pc.t.form.createdOn}>{formatTime(pc, user.createdAt)}</ReadOnlyField> : null}
        </Section>
      </form>
      {user ? (
        <Section title={t.signIn} id="sign-in-state">
          <ReadOnlyField label={t.status}>
            <LockState pc={pc} state={p.state} />
          </ReadOnlyField>
          <ReadOnlyField label={t.failedSignIns}>{String(p.state?.accessFailedCount ?? 0)}</ReadOnlyField>
        </Section>
      ) : null}
    </Layout>
  );
}
