// The back office's sign-in page, and the first-start page that creates the first administrator.
import { Csrf, Field, ProblemBox } from '../../web/form-kit.tsx';
import type { AppError } from '../../shared/errors.ts';
import type { AdminPageContext } from '../page-context.ts';
import { Layout } from './layout.tsx';

export interface SignInFormState {
  email?: string | undefined;
  next?: string | undefined;
  problem?: AppError | null;
  errors?: Record<string, string>;
}

export function SignInPage({ pc, form }: { pc: AdminPageContext; form: SignInFormState }) {
  const t = pc.t.signIn;
  return (
    <Layout pc={pc} title={t.title} bare>
      <section class="card narrow" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t.title}</h1>
        <p class="lead">{t.lead}</p>
        <ProblemBox pc={pc} err={form.problem ?? null} />
        <form method="post" action="/admin/sign-in" class="stack">
          <Csrf pc={pc} />
          {form.next ? <input type="hidden" name="next" value={form.next} /> : null}
          <Field
            name="email"
            type="email"
            label={t.email}
            value={form.email}
            error={form.errors?.email}
            autocomplete="username"
            required
            autofocus
          />
          <Field
            name="password"
            type="password"
            label={t.password}
            error={form.errors?.password}
            autocomplete="current-password"
            required
          />
          <p class="actions">
            <button type="submit" class="button">
              {t.submit}
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}

export interface SetUpFormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  problem?: AppError | null;
}

export function SetUpPage({ pc, form, local }: { pc: AdminPageContext; form: SetUpFormState; local: boolean }) {
  const t = pc.t.setUp;
  return (
    <Layout pc={pc} title={t.title} bare>
      <section class="card narrow" aria-labelledby="set-up-title">
        <h1 id="set-up-title">{t.title}</h1>
        {local ? (
          <>
            <p class="lead">{t.lead}</p>
            <p class="hint">{t.onlyHere}</p>
            <ProblemBox pc={pc} err={form.problem ?? null} />
            <form method="post" action="/admin/set-up" class="stack">
              <Csrf pc={pc} />
              <Field
                name="fullName"
                label={t.fullName}
                value={form.values?.fullName}
                error={form.errors?.fullName}
                autocomplete="name"
                required
                autofocus
              />
              <Field
                name="email"
                type="email"
                label={t.email}
                value={form.values?.email}
                error={form.errors?.email}
                autocomplete="username"
                required
              />
              <Field
                name="password"
                type="password"
                label={t.password}
                hint={t.passwordHint}
                error={form.errors?.password}
                autocomplete="new-password"
                required
              />
              <p class="actions">
                <button type="submit" class="button">
                  {t.submit}
                </button>
              </p>
            </form>
          </>
        ) : (
          <p class="lead" data-code="forbidden">
            {t.remote}
          </p>
        )}
      </section>
    </Layout>
  );
}
