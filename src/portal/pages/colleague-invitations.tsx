// "Invite a colleague": the form (email, names, the roles one may hand on as check boxes, expiry)
// and the list of the invitations one has sent, each open one with Resend and Deactivate (POST
// forms with the CSRF field). No JavaScript; every control has its label.
import type { AppError } from '../../shared/errors.ts';
import type { ColleagueInvitation } from '../../partner-invitations/partner-invitations.schema.ts';
import { Csrf, Field, FieldFrame, ProblemBox } from '../../web/form-kit.tsx';
import type { FormState } from '../../web/forms.ts';
import type { PageContext } from '../page-context.ts';
import { Layout } from './layout.tsx';

export interface ColleaguesView {
  companyName: string;
  grantable: Array<{ id: string; name: string }>;
  /** The form's date bounds (YYYY-MM-DD in the site's time zone) and the latest expiry, shown. */
  minDate: string;
  maxDate: string;
  maxShown: string;
  items: ColleagueInvitation[];
  nextCursor: string | null;
  /** The page of the list is not the first (a link back to the newest). */
  paged: boolean;
  /** How a time is shown (the site's time zone, the page's language). */
  format: (iso: string | null) => string;
}

const who = (i: ColleagueInvitation) => [i.firstName, i.lastName].filter(Boolean).join(' ') || i.email || i.name;

export function ColleagueInvitationsPage(p: {
  pc: PageContext;
  view: ColleaguesView;
  form: FormState;
  chosenRoles: string[];
  problem?: AppError | null;
}) {
  const { pc, view, form } = p;
  const t = pc.t.colleagues;
  return (
    <Layout pc={pc} title={t.title}>
      <section class="card" aria-labelledby="invite-title">
        <h1 id="invite-title">{t.title}</h1>
        <p class="lead">{t.lead(view.companyName)}</p>
        <ProblemBox pc={pc} err={form.problem} />
        <form method="post" action={pc.href('/portal/colleagues')} novalidate>
          <Csrf pc={pc} />
          <Field
            name="email"
            type="email"
            label={pc.t.fields.email}
            autocomplete="off"
            required
            value={form.values.email}
            error={form.errors.email}
            maxLength={320}
          />
          <div class="field-row">
            <Field
              name="firstName"
              label={pc.t.fields.firstName}
              optionalLabel={pc.t.fields.optional}
              value={form.values.firstName}
              error={form.errors.firstName}
              maxLength={100}
            />
            <Field
              name="lastName"
              label={pc.t.fields.lastName}
              optionalLabel={pc.t.fields.optional}
              value={form.values.lastName}
              error={form.errors.lastName}
              maxLength={100}
            />
          </div>
          <fieldset class={form.errors.webRoleIds ? 'field role-choices has-error' : 'field role-choices'}>
            <legend>{t.roles}</legend>
            <p class="hint" id="roles-hint">
              {view.grantable.length ? t.rolesHint : t.noRoles}
            </p>
            {form.errors.webRoleIds ? (
              <p class="field-error" id="roles-error">
                {form.errors.webRoleIds}
              </p>
            ) : null}
            {view.grantable.map((r, i) => (
              <div class="check">
                <input
                  type="checkbox"
                  id={`role-${i}`}
                  name="webRoleIds"
                  value={r.id}
                  checked={p.chosenRoles.includes(r.id)}
                  aria-describedby={form.errors.webRoleIds ? 'roles-hint roles-error' : 'roles-hint'}
                />
                <label for={`role-${i}`}>{r.name}</label>
              </div>
            ))}
          </fieldset>
          <FieldFrame
            id="f-expiresAt"
            label={t.expiresAt}
            hint={t.expiresHint(view.maxShown)}
            error={form.errors.expiresAt}
          >
            {(describedBy) => (
              <input
                id="f-expiresAt"
                name="expiresAt"
                type="date"
                value={form.values.expiresAt ?? view.maxDate}
                min={view.minDate}
                max={view.maxDate}
                aria-invalid={form.errors.expiresAt ? 'true' : undefined}
                aria-describedby={describedBy}
              />
            )}
          </FieldFrame>
          <p class="actions">
            <button type="submit" class="button">
              {t.submit}
            </button>
          </p>
        </form>
      </section>
      <section class="card" aria-labelledby="sent-title">
        <h2 id="sent-title">{t.listTitle}</h2>
        {view.items.length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <div class="table-wrap">
            <table class="colleague-invitations">
              <caption class="visually-hidden">{t.listTitle}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.person}</th>
                  <th scope="col">{t.rolesColumn}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.sent}</th>
                  <th scope="col">{t.redeemed}</th>
                  <th scope="col">{t.expires}</th>
                  <th scope="col">{t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {view.items.map((i) => (
                  <tr data-invitation={i.id} data-status={i.status}>
                    <th scope="row">
                      {who(i)}
                      {i.email && who(i) !== i.email ? <span class="muted block">{i.email}</span> : null}
                    </th>
                    <td>{i.webRoles.map((r) => r.name).join(', ') || '—'}</td>
                    <td>{t.statuses[i.status] ?? i.status}</td>
                    <td>{view.format(i.sentAt)}</td>
                    <td>{view.format(i.redeemedAt)}</td>
                    <td>{view.format(i.expiresAt)}</td>
                    <td>
                      {i.open ? (
                        <div class="row-actions">
                          <form method="post" action={pc.href(`/portal/colleagues/${i.id}/resend`)} class="inline-form">
                            <Csrf pc={pc} />
                            <button type="submit" class="button secondary small" aria-label={t.resendFor(who(i))}>
                              {t.resend}
                            </button>
                          </form>
                          <form
                            method="post"
                            action={pc.href(`/portal/colleagues/${i.id}/deactivate`)}
                            class="inline-form"
                          >
                            <Csrf pc={pc} />
                            <button type="submit" class="button secondary small" aria-label={t.deactivateFor(who(i))}>
                              {t.deactivate}
                            </button>
                          </form>
                        </div>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p class="actions">
          {view.paged ? <a href={pc.href('/portal/colleagues')}>{t.newest}</a> : null}
          {view.nextCursor ? (
            <a href={pc.href(`/portal/colleagues?cursor=${encodeURIComponent(view.nextCursor)}`)}>{t.older}</a>
          ) : null}
        </p>
      </section>
    </Layout>
  );
}
