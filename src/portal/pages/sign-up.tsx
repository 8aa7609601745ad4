// Sign up without a code (open registration), or the page that says sign-up is by invitation only.
// Sign-up with a code lives on the redeem page.
import type { PageContext } from '../page-context.ts';
import { Csrf, Field, ProblemBox, summaryFields } from '../../web/form-kit.tsx';
import type { FormState } from '../../web/forms.ts';
import { ExternalSignInButtons } from './external-sign-in-buttons.tsx';
import { CodeForm, Layout } from './layout.tsx';

export type SignUpMode = 'open' | 'invitation-only' | 'closed' | 'local-off';

/** The sign-up fields' labels, in the form's order (for the error summary). */
export const signUpLabels = (t: PageContext['t']) => ({
  email: t.fields.email,
  password: t.fields.password,
  firstName: t.fields.firstName,
  lastName: t.fields.lastName,
});

/** The sign-up fields; `code` rides along hidden when the form redeems an invitation too. */
export function SignUpFields({ pc, form, idPrefix }: { pc: PageContext; form: FormState; idPrefix: string }) {
  const { t } = pc;
  return (
    <>
      <Field
        idPrefix={idPrefix}
        name="email"
        type="email"
        label={t.fields.email}
        autocomplete="email"
        required
        value={form.values.email}
        error={form.errors.email}
      />
      <Field
        idPrefix={idPrefix}
        name="password"
        type="password"
        label={t.fields.password}
        autocomplete="new-password"
        required
        hint={t.passwordHint}
        error={form.errors.password}
      />
      <div class="field-row">
        <Field
          idPrefix={idPrefix}
          name="firstName"
          label={t.fields.firstName}
          optionalLabel={t.fields.optional}
          autocomplete="given-name"
          value={form.values.firstName}
          error={form.errors.firstName}
        />
        <Field
          idPrefix={idPrefix}
          name="lastName"
          label={t.fields.lastName}
          optionalLabel={t.fields.optional}
          autocomplete="family-name"
          value={form.values.lastName}
          error={form.errors.lastName}
        />
      </div>
    </>
  );
}

export function SignUpPage({ pc, form, mode }: { pc: PageContext; form: FormState; mode: SignUpMode }) {
  const { t } = pc;
  if (mode !== 'open') {
    const [title, body] =
      mode === 'invitation-only'
        ? [t.signUp.invitationOnly, t.signUp.invitationOnlyBody]
        : mode === 'closed'
          ? [t.signUp.closed, t.signUp.closedBody]
          : [t.signUp.title, t.signUp.localOff];
    return (
      <Layout pc={pc} title={title} narrow>
        <section class="card" data-signup={mode}>
          <h1>{title}</h1>
          <ProblemBox pc={pc} err={form.problem} focus />
          <p class="lead">{body}</p>
          {mode === 'invitation-only' ? <CodeForm pc={pc} /> : null}
          <p class="aside">
            {t.signUp.haveAccount} <a href={pc.href('/portal/sign-in')}>{t.nav.signIn}</a>
          </p>
        </section>
        {mode === 'local-off' ? <ExternalSignInButtons pc={pc} intent="sign-up" /> : null}
      </Layout>
    );
  }
  return (
    <Layout pc={pc} title={t.signUp.title} narrow>
      <section class="card" data-signup="open">
        <h1>{t.signUp.title}</h1>
        <ProblemBox pc={pc} err={form.problem} focus fields={summaryFields(form.errors, 'signup', signUpLabels(t))} />
        <form method="post" action={pc.href('/portal/sign-up')} novalidate>
          <Csrf pc={pc} />
          <SignUpFields pc={pc} form={form} idPrefix="signup" />
          <p class="actions">
            <button type="submit" class="button">
              {t.signUp.submit}
            </button>
          </p>
        </form>
        <p class="aside">
          {t.signUp.haveAccount} <a href={pc.href('/portal/sign-in')}>{t.nav.signIn}</a>
        </p>
      </section>
      <ExternalSignInButtons pc={pc} intent="sign-up" />
    </Layout>
  );
}

export function CheckEmailPage({ pc, redeemed }: { pc: PageContext; redeemed: boolean }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.checkEmail.title} narrow>
      <section class="card" data-outcome="confirmation-sent">
        <h1>{t.checkEmail.title}</h1>
        {redeemed ? <p class="notice success">{t.checkEmail.redeemed}</p> : null}
        <p class="lead">{t.checkEmail.body}</p>
      </section>
    </Layout>
  );
}
