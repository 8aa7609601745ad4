// The portal's page frame (header, language switch, notice, footer) and its code form; the form
// pieces themselves are the web kit's (web/form-kit.tsx). Text is escaped by preact-render-to-string.
import type { ComponentChildren } from 'preact';
import type { Locale } from '../../shared/locale.ts';
import { Csrf, Field } from '../../web/form-kit.tsx';
import { displayName, type PageContext } from '../page-context.ts';

export const CSS_PATH = '/portal/assets/portal.css';
/** Progressive enhancement only (focus after a refused form, the summary's links): pages work without it. */
export const JS_PATH = '/portal/assets/portal.js';

export function Layout(props: { pc: PageContext; title: string; children: ComponentChildren; narrow?: boolean }) {
  const { pc, title } = props;
  const { t } = pc;
  const langLink = (lang: Locale) => {
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
        <title>{`${title} · ${pc.siteName}`}</title>
        {/* No favicon to fetch (the browser would ask /favicon.ico otherwise). */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={CSS_PATH} />
        <script src={JS_PATH} defer />
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
              {pc.siteName}
            </a>
            <nav class="site-nav" aria-label={t.nav.main}>
              <a href={pc.href('/portal/redeem')}>{t.nav.redeem}</a>
              {pc.profile ? (
                <>
                  <a href={pc.href('/portal/profile')}>{t.nav.profile}</a>
                  {pc.profile.canInviteColleagues ? (
                    <a href={pc.href('/portal/colleagues')}>{t.nav.inviteColleague}</a>
                  ) : null}
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
        {/* tabindex="-1": "Skip to content" moves the focus here, not only the view. */}
        <main id="main" tabindex={-1} class={props.narrow ? 'wrap narrow' : 'wrap'}>
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
        <small>
          {pc.t.codeLabel}: <code>{pc.notice.problem}</code>
        </small>
      </p>
    </div>
  );
}

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
