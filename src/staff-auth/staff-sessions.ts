// Back-office sessions of system users, apart from the portal's: their own table and their own
// cookie (`admin_session`, path /admin, HttpOnly, SameSite=Lax). As in the portal, the cookie holds
// a random id, the table only a keyed hash of it, and the CSRF token is derived from the id, so the
// sign-in form works before there is a session row. A sign-in always issues a new id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { SystemUserRow } from '../db/schema.ts';
import { isoPlus, nowIso } from '../shared/time.ts';
import { findUserById } from '../users/users.repo.ts';
import { sessionCookie } from '../web/session-cookie.ts';

/** A back-office working day; idle for two hours ends it. */
const SESSION_MAX_MS = 12 * 3600_000;
const IDLE_MS = 2 * 3600_000;
const TOUCH_MS = 5 * 60_000;

export interface StaffSession {
  /** The cookie value (never stored). */
  id: string;
  csrfToken: string;
  /** The signed-in system user, or null for a visitor of the sign-in page. */
  user: SystemUserRow | null;
}

const cookie = sessionCookie<StaffSession>({
  name: 'admin_session',
  path: '/admin',
  maxAgeSeconds: SESSION_MAX_MS / 1000,
});
const csrfFor = (ctx: AppContext, id: string) => ctx.secrets.hash('session', `staff-csrf:${id}`);
const idHash = (ctx: AppContext, id: string) => ctx.secrets.hash('session', `staff-id:${id}`);
const secure = (ctx: AppContext) => ctx.config.publicUrl.startsWith('https://');

const anonymous = (ctx: AppContext, id: string): StaffSession => ({ id, csrfToken: csrfFor(ctx, id), user: null });

/** The request's back-office session: signed in when its row is live and its user still exists. */
export async function loadStaffSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<StaffSession> {
  const cached = cookie.cached(request);
  if (cached) return cached;
  const id = cookie.idOf(request);
  if (!id) return cookie.remember(request, anonymous(ctx, cookie.issue(reply, secure(ctx))));
  const row = await ctx.db
    .selectFrom('staff_sessions')
    .selectAll()
    .where('id_hash', '=', idHash(ctx, id))
    .executeTakeFirst();
  const now = Date.now();
  const live = row && Date.parse(row.expires_at) > now && now - Date.parse(row.last_seen_at) < IDLE_MS;
  const user = live ? await findUserById(ctx.db, row.user_id) : undefined;
  if (!row || !user) {
    if (row) await ctx.db.deleteFrom('staff_sessions').where('id_hash', '=', row.id_hash).execute();
    return cookie.remember(request, anonymous(ctx, id));
  }
  if (now - Date.parse(row.last_seen_at) > TOUCH_MS)
    await ctx.db
      .updateTable('staff_sessions')
      .set({ last_seen_at: nowIso() })
      .where('id_hash', '=', row.id_hash)
      .execute();
  return cookie.remember(request, { id, csrfToken: csrfFor(ctx, id), user });
}

/** Signs a system user in: the old id's row goes, a brand-new id is stored as a hash and set. */
export async function startStaffSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: SystemUserRow,
): Promise<StaffSession> {
  const old = cookie.rawOf(request);
  if (old) await ctx.db.deleteFrom('staff_sessions').where('id_hash', '=', idHash(ctx, old)).execute();
  const id = cookie.newId();
  const now = nowIso();
  await ctx.db
    .insertInto('staff_sessions')
    .values({
      id_hash: idHash(ctx, id),
      user_id: user.id,
      created_at: now,
      expires_at: isoPlus(SESSION_MAX_MS),
      last_seen_at: now,
    })
    .execute();
  cookie.set(reply, id, secure(ctx));
  return cookie.remember(request, { id, csrfToken: csrfFor(ctx, id), user });
}

/** Signs out: the row goes and the browser continues with a fresh anonymous id. */
export async function endStaffSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<StaffSession> {
  const old = cookie.rawOf(request);
  if (old) await ctx.db.deleteFrom('staff_sessions').where('id_hash', '=', idHash(ctx, old)).execute();
  return cookie.remember(request, anonymous(ctx, cookie.issue(reply, secure(ctx))));
}
