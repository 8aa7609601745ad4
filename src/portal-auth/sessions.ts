// Portal sessions. The cookie holds a random id; a signed-in session is a database row keyed by a
// keyed hash of that id (the id itself is never stored). Every visitor, signed in or not, has an id,
// and its CSRF token is derived from it, so forms work before sign-in without writing anything.
// The cookie itself is the web kit's (web/session-cookie.ts); the table and its rules are here.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Db, Tx } from '../db/types.ts';
import { isoPlus, nowIso } from '../shared/time.ts';
import { prepared } from '../db/prepared.ts';
import { sessionCookie } from '../web/session-cookie.ts';

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

const csrfFor = (ctx: AppContext, id: string) => ctx.secrets.hash('session', `csrf:${id}`);
const idHash = (ctx: AppContext, id: string) => ctx.secrets.hash('session', `id:${id}`);

const cookie = sessionCookie<PortalSession>({
  name: 'portal_session',
  path: '/',
  maxAgeSeconds: SESSION_TTL_MS / 1000,
});
const secure = (ctx: AppContext) => ctx.config.publicUrl.startsWith('https://');

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
  const cached = cookie.cached(request);
  if (cached) return cached;
  const id = cookie.idOf(request);
  let session: PortalSession | undefined;
  if (id) {
    const [row] = await sessionByHash.execute(ctx.db, { idHash: idHash(ctx, id) });
    const now = Date.now();
    if (row && Date.parse(row.expires_at) > now) {
      session = {
        id,
        csrfToken: csrfFor(ctx, id),
        contactId: row.contact_id,
        data: JSON.parse(row.data) as SessionData,
      };
      if (now - Date.parse(row.last_seen_at) > TOUCH_MS) {
        await ctx.db
          .updateTable('sessions')
          .set({ last_seen_at: nowIso(), expires_at: isoPlus(SESSION_TTL_MS) })
          .where('id_hash', '=', row.id_hash)
          .execute();
        cookie.set(reply, id, secure(ctx));
      }
    } else {
      // Unknown or expired: keep the id as an anonymous one (its CSRF token stays valid for open forms).
      session = {
        id,
        csrfToken: csrfFor(ctx, id),
        contactId: null,
        data: { signInMethod: '', vouchedEmails: [] },
      };
      if (row) await ctx.db.deleteFrom('sessions').where('id_hash', '=', row.id_hash).execute();
    }
  } else {
    const fresh = cookie.issue(reply, secure(ctx));
    session = {
      id: fresh,
      csrfToken: csrfFor(ctx, fresh),
      contactId: null,
      data: { signInMethod: '', vouchedEmails: [] },
    };
  }
  return cookie.remember(request, session);
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
  const old = cookie.rawOf(request);
  if (old) await db.deleteFrom('sessions').where('id_hash', '=', idHash(ctx, old)).execute();
  const id = cookie.newId();
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
  cookie.set(reply, id, secure(ctx));
  return cookie.remember(request, { id, csrfToken: csrfFor(ctx, id), contactId, data });
}

/** Signs out: the row goes, and the visitor continues with a fresh anonymous id. */
export async function endSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PortalSession> {
  const old = cookie.rawOf(request);
  if (old) await ctx.db.deleteFrom('sessions').where('id_hash', '=', idHash(ctx, old)).execute();
  const id = cookie.issue(reply, secure(ctx));
  return cookie.remember(request, {
    id,
    csrfToken: csrfFor(ctx, id),
    contactId: null,
    data: { signInMethod: '', vouchedEmails: [] },
  });
}
