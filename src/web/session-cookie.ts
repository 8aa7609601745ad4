// The cookie that carries a session id, and the session loaded for the request: the part of sessions
// the portal and the back office share. Each names its own cookie and keeps its own table; the id's
// meaning (which row, which person) is the caller's.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../shared/crypto.ts';

export interface SessionCookieOptions {
  /** The cookie's name: `portal_session`, `admin_session`. */
  name: string;
  /** Where the browser sends it. */
  path: string;
  maxAgeSeconds: number;
}

export interface SessionCookie<S> {
  readonly name: string;
  /** The id the browser sent, when it has the shape of one we issue (256 random bits, base64url). */
  idOf(request: FastifyRequest): string | undefined;
  /** The cookie as sent, whatever its shape (to end the session it names). */
  rawOf(request: FastifyRequest): string | undefined;
  /** Sets (or refreshes) the cookie; `secure` when the site is served over https. */
  set(reply: FastifyReply, id: string, secure: boolean): void;
  /** A brand-new id (set it once what it names exists). */
  newId(): string;
  /** A brand-new id, set as the cookie. */
  issue(reply: FastifyReply, secure: boolean): string;
  /** The session already loaded for this request, if any. */
  cached(request: FastifyRequest): S | undefined;
  /** Keeps `session` for the rest of the request and returns it. */
  remember(request: FastifyRequest, session: S): S;
}

const ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function sessionCookie<S>(options: SessionCookieOptions): SessionCookie<S> {
  // One request's session, without decorating the request type for each kind of session.
  const loaded = new WeakMap<FastifyRequest, S>();
  const set = (reply: FastifyReply, id: string, secure: boolean) =>
    reply.setCookie(options.name, id, {
      path: options.path,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: options.maxAgeSeconds,
    });
  return {
    name: options.name,
    idOf(request) {
      const id = request.cookies[options.name];
      return id && ID_SHAPE.test(id) ? id : undefined;
    },
    rawOf: (request) => request.cookies[options.name],
    set,
    newId: () => randomToken(32),
    issue(reply, secure) {
      const id = randomToken(32);
      set(reply, id, secure);
      return id;
    },
    cached: (request) => loaded.get(request),
    remember(request, session) {
      loaded.set(request, session);
      return session;
    },
  };
}
