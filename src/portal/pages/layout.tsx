// The portal's page frame and the small pieces every form uses. Text is escaped by
// preact-render-to-string; nothing here sets raw HTML.
import type { ComponentChildren } from 'preact';
import type { AppError } from '../../shared/errors.ts';
import type { Dict } from '../i18n.ts';
import { displayName, type PageContext } from '../page-context.ts';

export const CSS_PATH = '/portal/assets/portal.css';

export function Layout(props: { pc: PageContext; title: string; children: ComponentChildren; narrow?: boolean }) {
  const { pc, title } = props;
  const { t } = pc;
  const langLink = (lang: 'da' | 'en') => {
    const [path, query = ''] = pc.canonical.split('?');
    const params = new URLSearchParams(query);
    params.set('lang', lang);
    return `${path}?${params.toString()}`;
  };
  return (
    <html lang={pc.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t.siteName}`}</title>
        {/* No favicon to fetch (the browser would ask /favicon.ico otherwise). */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={CSS_PATH} />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t.skipToContent}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href={pc.href('/portal')}>
              <span class="brand-mark" aria-hidden="true">
                P
              </span>
              {t.siteName}
            </a>
            <nav class="site-nav" aria-label={t.nav.main}>
              <a href={pc.href('/portal/redeem')}>{t.nav.redeem}</a>
              {pc.profile ? (
                <>
                  <a href={pc.href('/portal/profile')}>{t.nav.profile}</a>
                  <form method="post" action={pc.href('/portal/sign-out')} class="inline-form">
                    <Csrf pc={pc} />
                    <button type="submit" class="link-button">
                      {t.nav.signOut}
                    </button>
                  </form>
                </>
              ) : (
                <a href={pc.href('/portal/sign-in')}>{t.nav.signIn}</a>
              )}
            </nav>
            <nav class="lang-switch" aria-label={t.nav.language}>
              <a href={langLink('da')} hreflang="da" lang="da" aria-current={pc.locale === 'da' ? 'true' : undefined}>
                Dansk
              </a>
              <a href={langLink('en')} hreflang="en" lang="en" aria-current={pc.locale === 'en' ? 'true' : undefined}>
                English
              </a>
            </nav>
          </div>
        </header>
        <main id="main" class={props.narrow ? 'wrap narrow' : 'wrap'}>
          <NoticeBox pc={pc} />
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            {pc.profile ? <span>{t.home.signedInAs(displayName(pc.profile))} · </span> : null}
            {t.footer}
          </div>
        </footer>
      </body>
    </html>
  );
}

function NoticeBox({ pc }: { pc: PageContext }) {
  if (!pc.notice) return null;
  if ('key' in pc.notice) {
    return (
      <p class="notice success" role="status" data-notice={pc.notice.key}>
        {pc.t.notices[pc.notice.key]}
      </p>
    );
  }
  const text = pc.t.errors[pc.notice.problem];
  return (
    <div class="notice problem" role="alert" data-code={pc.notice.problem}>
      <p>
        {pc.t.confirmedButNotRedeemed} <strong>{text.title}</strong>
      </p>
      <p>{text.body}</p>
      <p class="problem-code">
        {pc.t.codeLabel}: <code>{pc.notice.problem}</code>
      </p>
    </div>
  );
}

export const Csrf = ({ pc }: { pc: PageContext }) => <input type="hidden" name="_csrf" value={pc.csrfToken} />;

/** The readable explanation of a problem in the visitor's language. */
export function problemText(t: Dict, err: AppError, english: boolean): { title: string; body: string } {
  const base = t.errors[err.code];
  const d = err.detail ?? '';
  const known: Array<[RegExp, string]> = [
    [/already exists/, t.details.emailTaken],
    [/invited person already has an account/, t.details.invitedHasAccount],
    [/Confirm your email address first/, t.details.confirmFirst],
    [/account is locked/, t.details.locked],
    [/Sign-in is disabled/, t.details.loginDisabled],
    [/link is not valid/, t.details.linkInvalid],
    [/Sign-up is turned off/, t.signUp.closedBody],
    [/with a password is turned off/, t.signIn.localOff],
  ];
  for (const [pattern, text] of known) if (pattern.test(d)) return { title: base.title, body: text };
  // The services explain themselves in English; in Danish the code's own text is used.
  if (english && d && err.code !== 'validation-failed' && err.code !== 'internal-error')
    return { title: base.title, body: d };
  return base;
}

/** A problem shown inside a page (above a form), with its stable code. */
export function ProblemBox({ pc, err }: { pc: PageContext; err: AppError | null }) {
  if (!err) return null;
  const text = problemText(pc.t, err, pc.locale === 'en');
  return (
    <div class="notice problem" role="alert" data-code={err.code}>
      <p>
        <strong>{text.title}</strong>
      </p>
      <p>{text.body}</p>
      <p class="problem-code">
        {pc.t.codeLabel}: <code>{err.code}</code>
      </p>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  optionalLabel?: string;
  autocomplete?: string;
  idPrefix?: string;
  autofocus?: boolean;
}

export function Field(p: FieldProps) {
  const id = `${p.idPrefix ?? 'f'}-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={id}>
        {p.label}
        {p.optionalLabel ? <span class="optional"> ({p.optionalLabel})</span> : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      <input
        id={id}
        name={p.name}
        // preact types <input> per type as a union; one element serves the three text-like types here.
        type={(p.type ?? 'text') as 'text'}
        value={p.type === 'password' ? undefined : p.value}
        required={p.required}
        autocomplete={p.autocomplete}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy}
        autofocus={p.autofocus}
      />
    </div>
  );
}

/** Values typed into a form (never the password) and the errors found in them. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  problem: AppError | null;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {}, problem: null });

/** The "type your code" form: a GET, since looking at an invitation changes nothing. */
export function CodeForm({ pc, value, error }: { pc: PageContext; value?: string; error?: string }) {
  return (
    <form method="get" action="/portal/redeem" class="code-form">
      {pc.explicitLang ? <input type="hidden" name="lang" value={pc.explicitLang} /> : null}
      <Field
        name="code"
        label={pc.t.fields.code}
        autocomplete="off"
        required
        value={value}
        error={error}
        hint={pc.t.redeem.enterCode}
      />
      <p class="actions">
        <button type="submit" class="button">
          {pc.t.redeem.preview}
        </button>
      </p>
    </form>
  );
}
