// Portal sessions. The cookie holds a random id; a signed-in session is a database row keyed by a
// keyed hash of that id (the id itself is never stored). Every visitor, signed in or not, has an id,
// and its CSRF token is derived from it, so forms work before sign-in without writing anything.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Db, Tx } from '../db/types.ts';
import { randomToken, safeEqual } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';
import { isoPlus, nowIso } from '../shared/time.ts';
import { prepared } from '../db/prepared.ts';

export const SESSION_COOKIE = 'portal_session';
const SESSION_TTL_MS = 12 * 3600_000;
/** How often the sliding expiry is written: at most every five minutes per session. */
const TOUCH_MS = 5 * 60_000;

export interface SessionData {
  signInMethod: string;
  /** Emails an identity provider vouched for at sign-in. */
  vouchedEmails: string[];
}

export interface PortalSession {
  /** The cookie value (never stored). */
  id: string;
  csrfToken: string;
  contactId: string | null;
  data: SessionData;
}

declare module 'fastify' {
  interface FastifyRequest {
    portalSession: PortalSession | null;
  }
}

const csrfFor = (ctx: AppContext, id: string) => ctx.secrets.hash('session', `csrf:${id}`);
const idHash = (ctx: AppContext, id: string) => ctx.secrets.hash('session', `id:${id}`);

function setCookie(ctx: AppContext, reply: FastifyReply, id: string): void {
  reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https://'),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** The visitor's session: the signed-in row when there is one, else an anonymous id (set as a cookie on first use). */
// Read on every portal request: compiled once (see db/prepared.ts).
const sessionByHash = prepared(['idHash'], (db, p) =>
  db.selectFrom('sessions').selectAll().where('id_hash', '=', p('idHash')),
);

export async function loadSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PortalSession> {
  if (request.portalSession) return request.portalSession;
  const cookie = request.cookies[SESSION_COOKIE];
  let session: PortalSession | undefined;
  if (cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie)) {
    const [row] = await sessionByHash.execute(ctx.db, { idHash: idHash(ctx, cookie) });
    const now = Date.now();
    if (row && Date.parse(row.expires_at) > now) {
      session = {
        id: cookie,
        csrfToken: csrfFor(ctx, cookie),
        contactId: row.contact_id,
        data: JSON.parse(row.data) as SessionData,
      };
      if (now - Date.parse(row.last_seen_at) > TOUCH_MS) {
        await ctx.db
          .updateTable('sessions')
          .set({ last_seen_at: nowIso(), expires_at: isoPlus(SESSION_TTL_MS) })
          .where('id_hash', '=', row.id_hash)
          .execute();
        setCookie(ctx, reply, cookie);
      }
    } else {
      // Unknown or expired: keep the id as an anonymous one (its CSRF token stays valid for open forms).
      session = {
        id: cookie,
        csrfToken: csrfFor(ctx, cookie),
        contactId: null,
        data: { signInMethod: '', vouchedEmails: [] },
      };
      if (row) await ctx.db.deleteFrom('sessions').where('id_hash', '=', row.id_hash).execute();
    }
  } else {
    const id = randomToken(32);
    setCookie(ctx, reply, id);
    session = { id, csrfToken: csrfFor(ctx, id), contactId: null, data: { signInMethod: '', vouchedEmails: [] } };
  }
  request.portalSession = session;
  return session;
}

/** Checks the CSRF token of a state-changing request (header X-CSRF-Token, or form field _csrf). */
export function assertCsrf(session: PortalSession, request: FastifyRequest): void {
  const header = request.headers['x-csrf-token'];
  const fromHeader = typeof header === 'string' ? header : undefined;
  const body = request.body as { _csrf?: unknown } | undefined;
  const fromForm = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
  const token = fromHeader ?? fromForm;
  if (!token || !safeEqual(token, session.csrfToken)) throw new AppError('csrf-invalid');
}

/** Signs a contact in: a brand-new session id (no fixation), stored as a hash, set as the cookie. */
export async function startSession(
  ctx: AppContext,
  db: Db | Tx,
  request: FastifyRequest,
  reply: FastifyReply,
  contactId: string,
  data: SessionData,
): Promise<PortalSession> {
  const old = request.cookies[SESSION_COOKIE];
  if (old) await db.deleteFrom('sessions').where('id_hash', '=', idHash(ctx, old)).execute();
  const id = randomToken(32);
  const now = nowIso();
  await db
    .insertInto('sessions')
    .values({
      id_hash: idHash(ctx, id),
      contact_id: contactId,
      data: JSON.stringify(data),
      created_at: now,
      expires_at: isoPlus(SESSION_TTL_MS),
      last_seen_at: now,
    })
    .execute();
  setCookie(ctx, reply, id);
  const session: PortalSession = { id, csrfToken: csrfFor(ctx, id), contactId, data };
  request.portalSession = session;
  return session;
}

/** Signs out: the row goes, and the visitor continues with a fresh anonymous id. */
export async function endSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PortalSession> {
  const old = request.cookies[SESSION_COOKIE];
  if (old) await ctx.db.deleteFrom('sessions').where('id_hash', '=', idHash(ctx, old)).execute();
  const id = randomToken(32);
  setCookie(ctx, reply, id);
  const session: PortalSession = {
    id,
    csrfToken: csrfFor(ctx, id),
    contactId: null,
    data: { signInMethod: '', vouchedEmails: [] },
  };
  request.portalSession = session;
  return session;
}
