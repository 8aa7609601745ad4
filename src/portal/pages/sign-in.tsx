// Sign in with email or username and password; after "confirm your email first", the way to have
// the confirmation link sent again.
import type { PageContext } from '../page-context.ts';
import { Csrf, Field, ProblemBox, summaryFields } from '../../web/form-kit.tsx';
import type { FormState } from '../../web/forms.ts';
import { ExternalSignInButtons } from './external-sign-in-buttons.tsx';
import { Layout } from './layout.tsx';

/** "Send the link again", with the login that was typed. */
export function ResendLinkForm({ pc, login }: { pc: PageContext; login: string | undefined }) {
  const { t } = pc;
  return (
    <section class="card" aria-labelledby="resend-title" id="resend">
      <h2 id="resend-title">{t.signIn.resendTitle}</h2>
      <p>{t.signIn.resendBody}</p>
      <form method="post" action={pc.href('/portal/confirm-email/resend')} novalidate>
        <Csrf pc={pc} />
        <Field idPrefix="resend" name="login" label={t.fields.login} autocomplete="username" required value={login} />
        <p class="actions">
          <button type="submit" class="button secondary">
            {t.signIn.resendSubmit}
          </button>
        </p>
      </form>
    </section>
  );
}

export function SignInPage({
  pc,
  form,
  next,
  resent = false,
}: {
  pc: PageContext;
  form: FormState;
  next: string | null;
  /** The answer of "Send the link again" (the same whether or not the account exists). */
  resent?: boolean;
}) {
  const { t } = pc;
  const unconfirmed = form.problem?.reason === 'confirm-email-first';
  return (
    <Layout pc={pc} title={t.signIn.title} narrow>
      <section class="card" id="sign-in">
        <h1>{t.signIn.title}</h1>
        {resent ? (
          <p class="notice success" role="status" data-notice="link-resent">
            {t.signIn.resendSent}
          </p>
        ) : null}
        <ProblemBox
          pc={pc}
          err={form.problem}
          focus
          fields={summaryFields(form.errors, 'f', { login: t.fields.login, password: t.fields.password })}
        />
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
              autofocus={!form.problem && !resent}
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
      {unconfirmed ? <ResendLinkForm pc={pc} login={form.values.login} /> : null}
      <ExternalSignInButtons pc={pc} intent="sign-in" next={next} />
      <p class="aside">
        {t.signIn.noAccount} <a href={pc.href('/portal/redeem')}>{t.nav.redeem}</a> ·{' '}
        <a href={pc.href('/portal/sign-up')}>{t.nav.signUp}</a>
      </p>
    </Layout>
  );
}
