// The redeem page: without a code, a form to type one; with a code, the preview (who invites, to
// what, until when) and the ways on: "Redeem" for a signed-in contact; for a visitor, sign-up with
// the code or the classic "I have an existing account". A contact signed in as someone else than
// a single invitation's invitee sees both addresses first (other-address.tsx).
import type { InvitationPreview } from '../../redemption/redemption.service.ts';
import type { AppError } from '../../shared/errors.ts';
import type { Invitee } from '../invitee.ts';
import type { PageContext } from '../page-context.ts';
import { displayName } from '../page-context.ts';
import { Csrf, Field, ProblemBox, summaryFields } from '../../web/form-kit.tsx';
import { emptyForm, type FormState } from '../../web/forms.ts';
import { ExternalSignInButtons } from './external-sign-in-buttons.tsx';
import { CodeForm, Layout } from './layout.tsx';
import { OtherAddress, signedInAsOther } from './other-address.tsx';
import { SignUpFields, signUpLabels } from './sign-up.tsx';
import { DeclineForm } from './decline.tsx';

export function RedeemCodePage({ pc }: { pc: PageContext }) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={t.redeem.title} narrow>
      <section class="card">
        <h1>{t.redeem.title}</h1>
        <CodeForm pc={pc} />
      </section>
    </Layout>
  );
}

export interface RedeemForms {
  signUp: FormState;
  signIn: FormState;
  /** Sign-up is possible at all (Registration/Enabled). */
  signUpOpen: boolean;
}

/** Empty forms; a single invitation's sign-up starts with the invited address (editable). */
export const emptyRedeemForms = (signUpOpen: boolean, invitee: Invitee | null = null): RedeemForms => ({
  signUp: emptyForm(invitee?.type === 'single' && invitee.invitedEmail ? { email: invitee.invitedEmail } : {}),
  signIn: emptyForm(),
  signUpOpen,
});

function formatDate(pc: PageContext, iso: string): string {
  return `${new Intl.DateTimeFormat(pc.t.dateLocale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(iso),
  )} UTC`;
}

function PreviewCard({ pc, preview }: { pc: PageContext; preview: InvitationPreview }) {
  const { t } = pc;
  const inviter = preview.inviterName ?? preview.ownerName;
  return (
    <section class="card invitation" aria-labelledby="invitation-name">
      <p class="eyebrow">{t.redeem.youAreInvited}</p>
      <h1 id="invitation-name">{preview.name}</h1>
      <dl class="facts">
        {inviter ? (
          <div>
            <dt>{t.redeem.invitedBy}</dt>
            <dd>{inviter}</dd>
          </div>
        ) : null}
        {preview.accountName ? (
          <div>
            <dt>{t.redeem.account}</dt>
            <dd>{preview.accountName}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t.redeem.expires}</dt>
          <dd>
            {preview.expiresAt ? (
              <time datetime={preview.expiresAt}>{formatDate(pc, preview.expiresAt)}</time>
            ) : (
              t.redeem.noExpiry
            )}
          </dd>
        </div>
        <div>
          <dt>{t.redeem.kind}</dt>
          <dd>{preview.type === 'single' ? t.redeem.single : t.redeem.group}</dd>
        </div>
        {preview.invitedEmailHint ? (
          <div>
            <dt>{t.redeem.invitedEmail}</dt>
            <dd>{preview.invitedEmailHint}</dd>
          </div>
        ) : null}
      </dl>
      {preview.binding === 'invited-email' ? <p class="muted">{t.redeem.bindingInvitedEmail}</p> : null}
      {preview.binding === 'email-domain' ? (
        <p class="muted">{t.redeem.bindingDomain(preview.allowedDomains.join(', '))}</p>
      ) : null}
    </section>
  );
}

export function RedeemPage({
  pc,
  code,
  preview,
  forms,
  problem,
  next = null,
  invitee = null,
}: {
  pc: PageContext;
  code: string;
  preview: InvitationPreview;
  invitee?: Invitee | null;
  forms: RedeemForms;
  problem?: AppError | null;
  /** Where to go after redeeming (a checked path on this portal), carried by every form. */
  next?: string | null;
}) {
  const { t } = pc;
  return (
    <Layout pc={pc} title={`${t.redeem.title}: ${preview.name}`}>
      <div class="redeem-layout">
        <PreviewCard pc={pc} preview={preview} />
        <ExternalSignInButtons pc={pc} intent="redeem" code={code} next={next} only={preview.signInProviderId} />
        {pc.profile && invitee && signedInAsOther(pc, invitee) ? (
          <OtherAddress
            pc={pc}
            profile={pc.profile}
            invitee={invitee}
            code={code}
            next={next}
            problem={problem ?? null}
          />
        ) : pc.profile ? (
          <section class="card" aria-labelledby="redeem-title" id="redeem">
            <h2 id="redeem-title">{t.redeem.title}</h2>
            <ProblemBox pc={pc} err={problem ?? null} focus />
            <p>{t.redeem.signedInAs(displayName(pc.profile))}</p>
            <form method="post" action={pc.href('/portal/redeem')}>
              <Csrf pc={pc} />
              <input type="hidden" name="code" value={code} />
              {next ? <input type="hidden" name="next" value={next} /> : null}
              <p class="actions">
                <button type="submit" class="button">
                  {t.redeem.submit}
                </button>
              </p>
            </form>
          </section>
        ) : !pc.localLogin ? (
          <section class="card">
            <p class="muted">{t.redeem.localOff}</p>
          </section>
        ) : (
          <div class="choices">
            <section class="card" aria-labelledby="signup-title" id="sign-up">
              <h2 id="signup-title">{t.redeem.newHere}</h2>
              {/* On a phone the sign-in card is below this one: the other choice is named at the top. */}
              <p class="jump">
                <a href="#sign-in">{t.redeem.jumpToSignIn}</a>
              </p>
              <ProblemBox
                pc={pc}
                err={forms.signUp.problem}
                focus
                fields={summaryFields(forms.signUp.errors, 'signup', signUpLabels(t))}
              />
              {forms.signUpOpen ? (
                <>
                  <p class="muted">{t.redeem.newHereBody}</p>
                  <form method="post" action={pc.href('/portal/sign-up')} novalidate>
                    <Csrf pc={pc} />
                    <input type="hidden" name="code" value={code} />
                    {next ? <input type="hidden" name="next" value={next} /> : null}
                    <SignUpFields pc={pc} form={forms.signUp} idPrefix="signup" />
                    <p class="actions">
                      <button type="submit" class="button">
                        {t.redeem.signUpSubmit}
                      </button>
                    </p>
                  </form>
                </>
              ) : (
                <p class="muted">{t.redeem.signUpClosed}</p>
              )}
            </section>
            <section class="card" aria-labelledby="signin-title" id="sign-in">
              <h2 id="signin-title">{t.redeem.existing}</h2>
              <ProblemBox
                pc={pc}
                err={forms.signIn.problem}
                focus
                fields={summaryFields(forms.signIn.errors, 'signin', {
                  login: t.fields.login,
                  password: t.fields.password,
                })}
              />
              <p class="muted">{t.redeem.existingBody}</p>
              <form method="post" action={pc.href('/portal/redeem/sign-in')} novalidate>
                <Csrf pc={pc} />
                <input type="hidden" name="code" value={code} />
                {next ? <input type="hidden" name="next" value={next} /> : null}
                <Field
                  idPrefix="signin"
                  name="login"
                  label={t.fields.login}
                  autocomplete="username"
                  required
                  value={forms.signIn.values.login}
                  error={forms.signIn.errors.login}
                />
                <Field
                  idPrefix="signin"
                  name="password"
                  type="password"
                  label={t.fields.password}
                  autocomplete="current-password"
                  required
                  error={forms.signIn.errors.password}
                />
                <p class="actions">
                  <button type="submit" class="button secondary">
                    {t.redeem.signInSubmit}
                  </button>
                  <a href={pc.href('/portal/forgot-password')}>{t.signIn.forgot}</a>
                </p>
              </form>
            </section>
          </div>
        )}
        {preview.type === 'single' ? <DeclineForm pc={pc} code={code} /> : null}
      </div>
    </Layout>
  );
}
