// The back office's page frame: the site map on the left (a menu on a phone), the header with the
// signed-in user, the language switch and sign-out, the one-time notice, then the page. Text is
// escaped by preact-render-to-string; nothing here sets raw HTML.
import type { ComponentChildren } from 'preact';
import type { Locale } from '../../shared/locale.ts';
import { Csrf } from '../../web/form-kit.tsx';
import type { AdminPageContext } from '../page-context.ts';

export const ADMIN_CSS = '/admin/assets/admin.css';
export const ADMIN_JS = '/admin/assets/admin.js';
export const HTMX_JS = '/admin/assets/htmx.min.js';

/** The areas of the site map, in order, with the roles that see them. */
type Area = { href: string; label: (pc: AdminPageContext) => string; adminOnly?: boolean };
const groups: { label: (pc: AdminPageContext) => string; areas: Area[] }[] = [
  {
    label: (pc) => pc.t.nav.groupRecords,
    areas: [
      { href: '/admin', label: (pc) => pc.t.nav.dashboard },
      { href: '/admin/contacts', label: (pc) => pc.t.nav.contacts },
      { href: '/admin/accounts', label: (pc) => pc.t.nav.accounts },
      { href: '/admin/invitations', label: (pc) => pc.t.nav.invitations },
      { href: '/admin/redemptions', label: (pc) => pc.t.nav.redemptions },
      { href: '/admin/web-roles', label: (pc) => pc.t.nav.webRoles },
      { href: '/admin/emails', label: (pc) => pc.t.nav.sentMail },
    ],
  },
  {
    label: (pc) => pc.t.nav.groupProcesses,
    areas: [
      { href: '/admin/workflows', label: (pc) => pc.t.nav.workflows },
      { href: '/admin/workflow-runs', label: (pc) => pc.t.nav.workflowRuns },
      { href: '/admin/audit', label: (pc) => pc.t.nav.audit },
    ],
  },
  {
    label: (pc) => pc.t.nav.groupAdmin,
    areas: [
      { href: '/admin/site-settings', label: (pc) => pc.t.nav.settings, adminOnly: true },
      { href: '/admin/users', label: (pc) => pc.t.nav.users, adminOnly: true },
      { href: '/admin/identity-providers', label: (pc) => pc.t.identityProviders.entityPlural, adminOnly: true },
      { href: '/admin/tokens', label: (pc) => pc.t.nav.tokens },
      { href: '/admin/webhook-endpoints', label: (pc) => pc.t.nav.webhooks, adminOnly: true },
    ],
  },
];

const isCurrent = (pc: AdminPageContext, href: string) => {
  const path = pc.canonical.split('?')[0] ?? '';
  return href === '/admin' ? path === '/admin' : path === href || path.startsWith(`${href}/`);
};

export function langLink(pc: AdminPageContext, lang: Locale): string {
  const [path, query = ''] = pc.canonical.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${path}?${params.toString()}`;
}

export interface LayoutProps {
  pc: AdminPageContext;
  title: string;
  children: ComponentChildren;
  /** A page without the site map (sign-in, set-up). */
  bare?: boolean;
  /** Extra elements of the page's head (a progress page's refresh without JavaScript). */
  head?: ComponentChildren;
}

export function Layout({ pc, title, children, bare, head }: LayoutProps) {
  const { t } = pc;
  return (
    <html lang={pc.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"noSwap":[204,304,"5xx"]}' />
        <title>{`${title} · ${t.backOffice} · ${t.productName}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={ADMIN_CSS} />
        <script src={HTMX_JS} defer />
        <script src={ADMIN_JS} defer />
        {head}
      </head>
      <body class={bare ? 'bare' : undefined}>
        <a class="skip-link" href="#main">
          {t.skipToContent}
        </a>
        <header class="top-bar">
          <a class="brand" href="/admin">
            <span class="brand-mark" aria-hidden="true">
              P
            </span>
            <span>{t.productName}</span>
          </a>
          <nav class="lang-switch" aria-label={t.nav.language}>
            <a href={langLink(pc, 'da')} hreflang="da" lang="da" aria-current={pc.locale === 'da' ? 'true' : undefined}>
              Dansk
            </a>
            <a href={langLink(pc, 'en')} hreflang="en" lang="en" aria-current={pc.locale === 'en' ? 'true' : undefined}>
              English
            </a>
          </nav>
          {pc.user ? (
            <div class="user-box">
              <span class="user-name">{t.signedInAs(pc.user.full_name || pc.user.email)}</span>
              <form method="post" action="/admin/sign-out" class="inline-form">
                <Csrf pc={pc} />
                <button type="submit" class="link-button">
                  {t.nav.signOut}
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <div class="frame">
          {!bare && pc.user ? <SiteMap pc={pc} /> : null}
          <main id="main" tabindex={-1}>
            <NoticeBox pc={pc} />
            {children}
          </main>
        </div>
      </body>
    </html>
  );
}

function SiteMap({ pc }: { pc: AdminPageContext }) {
  return (
    <details class="site-map" open>
      <summary>{pc.t.nav.menu}</summary>
      <nav aria-label={pc.t.nav.main}>
        {groups.map((g) => {
          const areas = g.areas.filter((a) => !a.adminOnly || pc.isAdmin);
          return areas.length ? (
            <div class="nav-group">
              <p class="nav-group-label">{g.label(pc)}</p>
              <ul>
                {areas.map((a) => (
                  <li>
                    <a href={a.href} aria-current={isCurrent(pc, a.href) ? 'page' : undefined}>
                      {a.label(pc)}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null;
        })}
      </nav>
    </details>
  );
}

function NoticeBox({ pc }: { pc: AdminPageContext }) {
  if (!pc.notice) return null;
  return (
    <p class="notice success" role="status" data-notice={pc.notice}>
      {pc.t.notices[pc.notice]}
    </p>
  );
}

/** A page's title row: the record or view name, its status, and its command bar beneath. */
export function PageHeader(props: { title: string; subtitle?: ComponentChildren; status?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1>{props.title}</h1>
      {props.status ? <p class="status-line">{props.status}</p> : null}
      {props.subtitle ? <p class="subtitle">{props.subtitle}</p> : null}
    </div>
  );
}
