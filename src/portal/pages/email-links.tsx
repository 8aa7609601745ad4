// Pages behind emailed links: confirm email (a GET shows a button; only the POST uses the link, so
// mail scanners that follow links cannot), forgot password and reset password.
import type { PageContext } from '../page-context.ts';
import { Csrf, Field, ProblemBox } from '../../web/form-kit.tsx';
import type { FormState } from '../../web/forms.ts';
import { Layout } from './layout.tsx';

export function ConfirmEmailPage({ pc, token }: { pc: PageContext; token: string }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.confirm.title} narrow>
      <section class="card">
        <h1>{t.confirm.title}</h1>
        <p class="lead">{t.confirm.body}</p>
        <form method="post" action={pc.href('/portal/confirm-email')}>
          <Csrf pc={pc} />
          <input type="hidden" name="token" value={token} />
          <p class="actions">
            <button type="submit" class="button">
              {t.confirm.submit}
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}

export function ForgotPasswordPage({ pc, form, sent }: { pc: PageContext; form: FormState; sent: boolean }) {
  const { t } = pc;
  if (sent) {
    return (
      <Layout pc={pc} title={t.forgot.sentTitle} narrow>
        <section class="card" data-outcome="reset-requested">
          <h1>{t.forgot.sentTitle}</h1>
          <p class="lead">{t.forgot.sent}</p>
        </section>
      </Layout>
    );
  }
  return (
    <Layout pc={pc} title={t.forgot.title} narrow>
      <section class="card">
        <h1>{t.forgot.title}</h1>
        <ProblemBox pc={pc} err={form.problem} />
        <p>{t.forgot.body}</p>
        <form method="post" action={pc.href('/portal/forgot-password')} novalidate>
          <Csrf pc={pc} />
          <Field
            name="email"
            type="email"
            label={t.fields.email}
            autocomplete="email"
            required
            value={form.values.email}
            error={form.errors.email}
          />
          <p class="actions">
            <button type="submit" class="button">
              {t.forgot.submit}
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}

export function ResetPasswordPage({ pc, form, token }: { pc: PageContext; form: FormState; token: string }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.reset.title} narrow>
      <section class="card">
        <h1>{t.reset.title}</h1>
        <ProblemBox pc={pc} err={form.problem} />
        <form method="post" action={pc.href('/portal/reset-password')} novalidate>
          <Csrf pc={pc} />
          <input type="hidden" name="token" value={token} />
          <Field
            name="password"
            type="password"
            label={t.fields.newPassword}
            autocomplete="new-password"
            required
            hint={t.passwordHint}
            error={form.errors.password}
          />
          <p class="actions">
            <button type="submit" class="button">
              {t.reset.submit}
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}
