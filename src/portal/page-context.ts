// What every portal page needs to render: the visitor's session and (when signed in) profile, the
// language, the CSRF token for its forms, links that keep an explicit ?lang=, and a one-time notice
// carried over a redirect (a short-lived cookie holding one key of a closed set, never free text).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { errorCodes, type ErrorCode } from '../shared/errors.ts';
import { asLocale, type Locale } from '../shared/locale.ts';
import { settingFlag, settingValue } from '../site-settings/site-settings.service.ts';
import { endSession, loadSession, type PortalSession } from '../portal-auth/sessions.ts';
import { portalProfile } from '../contacts/contacts.read.ts';
import { type PortalProvider, portalProviders } from '../identity-providers/portal-providers.ts';
import type { WebPageContext } from '../web/form-kit.tsx';
import { explicitLang, requestLocale, withLang } from '../web/locale.ts';
import { dictionary, noticeKeys, type Dict, type NoticeKey } from './i18n.ts';
import type { RedemptionLocales } from './invitee.ts';

const NOTICE_COOKIE = 'portal_notice';
/** The visitor's last ?lang= choice, remembered for a year (see docs/portal.md for where it ranks). */
const LANG_COOKIE = 'portal_lang';

export type Profile = NonNullable<Awaited<ReturnType<typeof portalProfile>>>;

/** A notice shown once after a redirect: a success message, or a problem with its stable code. */
export type Notice = { key: NoticeKey } | { problem: ErrorCode };

export interface PageContext extends WebPageContext {
  t: Dict;
  session: PortalSession;
  profile: Profile | null;
  notice: Notice | null;
  /** Local sign-in and sign-up forms are shown (LocalLoginEnabled). */
  localLogin: boolean;
  /** The enabled identity providers, as sign-in buttons (none while ExternalLoginEnabled is off). */
  externalProviders: PortalProvider[];
  /** The GET address of this page, for the language switcher. */
  canonical: string;
  /** The language chosen with ?lang= on this request, if any (GET forms carry it in a hidden field). */
  explicitLang: Locale | null;
  /** A portal link that keeps an explicit ?lang= choice. */
  href(path: string): string;
  /** Site/Name (its default translated), for the header, titles and texts. */
  siteName: string;
}

function readNotice(request: FastifyRequest, reply: FastifyReply): Notice | null {
  const raw = request.cookies[NOTICE_COOKIE];
  if (!raw) return null;
  reply.clearCookie(NOTICE_COOKIE, { path: '/portal' });
  if (raw.startsWith('n:') && (noticeKeys as string[]).includes(raw.slice(2)))
    return { key: raw.slice(2) as NoticeKey };
  if (raw.startsWith('p:') && (errorCodes as readonly string[]).includes(raw.slice(2)))
    return { problem: raw.slice(2) as ErrorCode };
  return null;
}

/** Sets the notice for the next page and redirects there (303, so the browser follows with a GET). */
export function redirectWithNotice(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  notice: Notice | null,
): FastifyReply {
  if (notice) {
    const value = 'key' in notice ? `n:${notice.key}` : `p:${notice.problem}`;
    reply.setCookie(NOTICE_COOKIE, value, { path: '/portal', httpOnly: true, sameSite: 'lax', maxAge: 120 });
  }
  return reply
    .code(303)
    .header('Location', withLang(path, explicitLang(request)))
    .send();
}

/** The site's language (Site/DefaultLocale), when nothing about the visitor decides. */
export const portalSiteLocale = async (ctx: AppContext): Promise<Locale> =>
  asLocale(await settingValue(ctx, 'Site/DefaultLocale')) ?? 'en';

export interface PageContextOptions {
  /** A redemption's languages (the invitation's, the invited contact's): before the visitor's own. */
  redemption?: RedemptionLocales | null;
  /** The GET address of the page when it differs from the request's (a form's answer). */
  canonical?: string;
}

export async function pageContext(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: PageContextOptions = {},
): Promise<PageContext> {
  let session = await loadSession(ctx, request, reply);
  let profile: Profile | null = null;
  if (session.contactId) {
    profile = (await portalProfile(ctx, session.contactId)) ?? null;
    // The contact was deleted while signed in: continue as a visitor.
    if (!profile) session = await endSession(ctx, request, reply);
  }
  const lang = explicitLang(request);
  if (lang && request.cookies[LANG_COOKIE] !== lang)
    reply.setCookie(LANG_COOKIE, lang, { path: '/portal', httpOnly: true, sameSite: 'lax', maxAge: 365 * 86400 });
  // ?lang= on this very request is the visitor's choice now (the language switch); then SPEC's order.
  const locale = requestLocale(
    request,
    [
      options.redemption?.invitationLocale,
      options.redemption?.invitedLocale,
      profile?.contact.locale,
      request.cookies[LANG_COOKIE],
    ],
    await portalSiteLocale(ctx),
  );
  const externalProviders = await portalProviders(ctx);
  allowFormActions(reply, externalProviders);
  return {
    locale,
    t: dictionary(locale),
    csrfToken: session.csrfToken,
    session,
    profile,
    notice: request.method === 'GET' ? readNotice(request, reply) : null,
    localLogin: await settingFlag(ctx, 'Authentication/Registration/LocalLoginEnabled'),
    externalProviders,
    canonical: options.canonical ?? (request.method === 'GET' ? request.url : '/portal'),
    explicitLang: lang,
    href: (path) => withLang(path, lang),
    siteName: await portalSiteName(ctx, locale),
  };
}

/** Site/Name for `locale`: the default name is the dictionary's; a name staff set is shown as written. */
export async function portalSiteName(ctx: AppContext, locale: Locale): Promise<string> {
  const name = (await settingValue(ctx, 'Site/Name')).trim();
  return !name || name === dictionary('en').siteName ? dictionary(locale).siteName : name;
}

/** A context for error pages that must render even when the session cannot be read. */
export function bareContext(request: FastifyRequest): PageContext {
  const locale = requestLocale(request);
  const lang = explicitLang(request);
  return {
    locale,
    t: dictionary(locale),
    csrfToken: '',
    session: { id: '', csrfToken: '', contactId: null, data: { signInMethod: '', vouchedEmails: [] } },
    profile: null,
    notice: null,
    localLogin: true,
    externalProviders: [],
    canonical: '/portal',
    explicitLang: lang,
    href: (path) => withLang(path, lang),
    siteName: dictionary(locale).siteName,
  };
}

/** The displayable name of a signed-in contact. */
export const displayName = (profile: Profile): string =>
  [profile.contact.first_name, profile.contact.last_name].filter(Boolean).join(' ') ||
  profile.contact.emailaddress1 ||
  profile.contact.username ||
  '';

/**
 * Lets this page's forms lead to the enabled providers (their buttons POST to our start route, which
 * answers with a 303 to the provider): adds their origins to the CSP `form-action` the app's
 * security headers set, since Chromium checks every redirect of a form's navigation against it.
 */
function allowFormActions(reply: FastifyReply, providers: readonly PortalProvider[]): void {
  const origins = [...new Set(providers.map((p) => p.formActionOrigin).filter((o): o is string => o !== null))];
  const csp = reply.raw.getHeader('content-security-policy');
  if (origins.length === 0 || typeof csp !== 'string') return;
  reply.raw.setHeader(
    'content-security-policy',
    csp.replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`),
  );
}
