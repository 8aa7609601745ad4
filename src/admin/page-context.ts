// What every back-office page needs to render: the signed-in system user (and the Actor the services
// take), the language, the CSRF token for its forms, and a one-time notice carried over a redirect
// (a short-lived cookie holding one key of a closed set, never free text). The language is ?lang=
// (remembered in a cookie), then the remembered choice, then Accept-Language, then Site/DefaultLocale.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, AppContext } from '../context.ts';
import type { SystemUserRow } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { asLocale, type Locale } from '../shared/locale.ts';
import { settingValue } from '../site-settings/site-settings.service.ts';
import { loadStaffSession, type StaffSession } from '../staff-auth/staff-sessions.ts';
import type { WebPageContext } from '../web/form-kit.tsx';
import { explicitLang, requestLocale } from '../web/locale.ts';
import { adminDictionary, adminNoticeKeys, type AdminDict, type AdminNoticeKey } from './i18n/index.ts';

const NOTICE_COOKIE = 'admin_notice';
const LANG_COOKIE = 'admin_lang';

export interface AdminPageContext extends WebPageContext {
  t: AdminDict;
  session: StaffSession;
  /** The signed-in user; null only on the sign-in and set-up pages. */
  user: SystemUserRow | null;
  isAdmin: boolean;
  notice: AdminNoticeKey | null;
  /** The GET address of this page (the language switcher keeps it). */
  canonical: string;
  /** Site/TimeZone: times are shown there. */
  timeZone?: string;
}

/** A signed-in back-office page's context: its user is there. */
export interface StaffPageContext extends AdminPageContext {
  user: SystemUserRow;
  actor: Actor;
}

function readNotice(request: FastifyRequest, reply: FastifyReply): AdminNoticeKey | null {
  const raw = request.cookies[NOTICE_COOKIE];
  if (!raw) return null;
  reply.clearCookie(NOTICE_COOKIE, { path: '/admin' });
  return (adminNoticeKeys as string[]).includes(raw) ? (raw as AdminNoticeKey) : null;
}

/** Redirects (303, so the browser follows with a GET) and shows `notice` once on the next page. */
export function redirectWithNotice(reply: FastifyReply, path: string, notice?: AdminNoticeKey): FastifyReply {
  if (notice) reply.setCookie(NOTICE_COOKIE, notice, { path: '/admin', httpOnly: true, sameSite: 'lax', maxAge: 120 });
  return reply.code(303).header('Location', path).send();
}

async function pageLocale(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<Locale> {
  const chosen = explicitLang(request);
  if (chosen) {
    reply.setCookie(LANG_COOKIE, chosen, { path: '/admin', httpOnly: true, sameSite: 'lax', maxAge: 365 * 86400 });
    return chosen;
  }
  const site = asLocale(await settingValue(ctx, 'Site/DefaultLocale')) ?? 'en';
  return requestLocale(request, asLocale(request.cookies[LANG_COOKIE]), site);
}

export async function adminPageContext(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { canonical?: string } = {},
): Promise<AdminPageContext> {
  const session = await loadStaffSession(ctx, request, reply);
  const locale = await pageLocale(ctx, request, reply);
  return {
    locale,
    t: adminDictionary(locale),
    csrfToken: session.csrfToken,
    session,
    user: session.user,
    isAdmin: session.user?.role === 'admin',
    notice: request.method === 'GET' ? readNotice(request, reply) : null,
    canonical: options.canonical ?? (request.method === 'GET' ? request.url : '/admin'),
    timeZone: await settingValue(ctx, 'Site/TimeZone'),
  };
}

/** The context of a page only a signed-in user sees (the plugin's guard has already let them in). */
export async function staffPageContext(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { canonical?: string } = {},
): Promise<StaffPageContext> {
  const pc = await adminPageContext(ctx, request, reply, options);
  if (!pc.user) throw new AppError('unauthorized', 'Sign in to the back office first.');
  return { ...pc, user: pc.user, actor: actorOf(pc.user) };
}

export const actorOf = (user: SystemUserRow): Actor => ({ type: 'user', id: user.id, role: user.role });

/** A context for error pages that must render even when the session cannot be read. */
export function bareAdminContext(request: FastifyRequest): AdminPageContext {
  const locale = requestLocale(request);
  return {
    locale,
    t: adminDictionary(locale),
    csrfToken: '',
    session: { id: '', csrfToken: '', user: null },
    user: null,
    isAdmin: false,
    notice: null,
    canonical: '/admin',
  };
}
