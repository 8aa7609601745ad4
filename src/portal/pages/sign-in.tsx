// Sign in with email or username and password.
import type { PageContext } from '../page-context.ts';
import { Csrf, Field, ProblemBox } from '../../web/form-kit.tsx';
import type { FormState } from '../../web/forms.ts';
import { ExternalSignInButtons } from './external-sign-in-buttons.tsx';
import { Layout } from './layout.tsx';

export function SignInPage({ pc, form, next }: { pc: PageContext; form: FormState; next: string | null }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.signIn.title} narrow>
      <section class="card">
        <h1>{t.signIn.title}</h1>
        <ProblemBox pc={pc} err={form.problem} />
        {pc.localLogin ? (
          <form method="post" action={pc.href('/portal/sign-in')} novalidate>
            <Csrf pc={pc} />
            {next ? <input type="hidden" name="next" value={next} /> : null}
            <Field
              name="login"
              label={t.fields.login}
              autocomplete="username"
              required
              value={form.values.login}
              error={form.errors.login}
              autofocus
            />
            <Field
              name="password"
              label={t.fields.password}
              type="password"
              autocomplete="current-password"
              required
              error={form.errors.password}
            />
            <p class="actions">
              <button type="submit" class="button">
                {t.signIn.submit}
              </button>
              <a href={pc.href('/portal/forgot-password')}>{t.signIn.forgot}</a>
            </p>
          </form>
        ) : (
          <p class="muted">{t.signIn.localOff}</p>
        )}
      </section>
      <ExternalSignInButtons pc={pc} intent="sign-in" next={next} />
      <p class="aside">
        {t.signIn.noAccount} <a href={pc.href('/portal/redeem')}>{t.nav.redeem}</a> ·{' '}
        <a href={pc.href('/portal/sign-up')}>{t.nav.signUp}</a>
      </p>
    </Layout>
  );
}
