// API tokens: the view (all tokens for admins, one's own for staff), the new-token form, the page that
// shows a new token once, and nothing else: a token cannot be opened or edited, only revoked.
import type { ApiToken } from '../../../tokens/tokens.schema.ts';
import { Csrf, Field } from '../../../web/form-kit.tsx';
import { CommandBar, CommandLink } from '../../components/command-bar.tsx';
import { ErrorSummary, LookupField, Section } from '../../components/fields.tsx';
import { Grid } from '../../components/grid.tsx';
import type { FieldErrors } from '../../forms.ts';
import type { LookupOption } from '../../lookups.ts';
import type { AdminPageContext } from '../../page-context.ts';
import type { ViewQuery } from '../../view-query.ts';
import { formatTime } from '../format.ts';
import { Layout, PageHeader } from '../layout.tsx';

export function TokensView(p: {
  pc: AdminPageContext;
  query: ViewQuery;
  items: ApiToken[];
  nextCursor: string | null;
  users: Map<string, string>;
}) {
  const { pc } = p;
  const t = pc.t.tokens;
  const title = pc.isAdmin ? t.views.all : t.views.mine;
  return (
    <Layout pc={pc} title={title}>
      <PageHeader title={title} />
      <CommandBar label={t.entityPlural}>
        <CommandLink href="/admin/tokens/new" primary>
          {pc.t.commands.new}
        </CommandLink>
      </CommandBar>
      <Grid
        pc={pc}
        basePath="/admin/tokens"
        query={p.query}
        caption={title}
        rows={p.items}
        nextCursor={p.nextCursor}
        rowId={(k) => k.id}
        rowLabel={(k) => k.name}
        columns={[
          { label: t.fields.name, wrap: true, cell: (k) => <span data-token-id={k.id}>{k.name}</span> },
          { label: t.fields.userId, wrap: true, cell: (k) => p.users.get(k.userId) ?? k.userId },
          { label: t.fields.createdAt, cell: (k) => formatTime(pc, k.createdAt) },
          { label: t.fields.lastUsedAt, cell: (k) => (k.lastUsedAt ? formatTime(pc, k.lastUsedAt) : t.neverUsed) },
          {
            label: t.revoke,
            cell: (k) => (
              <a class="command danger" href={`/admin/tokens/${k.id}/revoke`} aria-label={`${t.revoke}: ${k.name}`}>
                {t.revoke}
              </a>
            ),
          },
        ]}
      />
    </Layout>
  );
}

export interface TokenFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  user?: LookupOption | undefined;
}

export function TokenForm(p: { pc: AdminPageContext; form: TokenFormState }) {
  const { pc, form } = p;
  const t = pc.t.tokens;
  return (
    <Layout pc={pc} title={t.newTitle}>
      <PageHeader title={t.newTitle} subtitle={t.entity} />
      <form method="post" action="/admin/tokens/new" class="record-form" id="record-form" novalidate>
        <Csrf pc={pc} />
        <CommandBar label={t.entity}>
          <button type="submit" class="command primary">
            {pc.t.commands.save}
          </button>
          <CommandLink href="/admin/tokens">{pc.t.commands.cancel}</CommandLink>
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
          {pc.isAdmin ? (
            <LookupField
              pc={pc}
              name="userId"
              label={t.fields.userId}
              kind="users"
              value={form.user}
              typed={form.values.userIdLookup}
              error={form.errors.userId}
              hint={t.userHint}
            />
          ) : null}
        </Section>
      </form>
    </Layout>
  );
}

/** The one page that shows a new token; it is not stored anywhere it could be shown from again. */
export function TokenCreatedPage(p: { pc: AdminPageContext; token: ApiToken & { token: string }; user: string }) {
  const { pc, token } = p;
  const t = pc.t.tokens;
  return (
    <Layout pc={pc} title={t.createdTitle}>
      <section class="card" aria-labelledby="token-title" data-token-created={token.id}>
        <h1 id="token-title">{t.createdTitle}</h1>
        <p class="notice warning" role="status">
          <strong>{t.shownOnce}</strong>
        </p>
        <div class="field">
          <label for="new-token">
            {t.token}: {token.name} ({p.user})
          </label>
          <input id="new-token" type="text" readOnly value={token.token} spellcheck={false} autocomplete="off" />
        </div>
        <p class="hint">{t.usage}</p>
        <p class="actions">
          <a class="button" href="/admin/tokens">
            {t.done}
          </a>
        </p>
      </section>
    </Layout>
  );
}
