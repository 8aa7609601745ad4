// The CSRF check, installed once for a whole Fastify scope (the idea of Hono's `app.use('*', csrf())`):
// every route of the scope that takes an unsafe method needs the session's token, in the
// X-CSRF-Token header (JSON clients) or the `_csrf` form field (HTML forms). A refusal is thrown as
// `csrf-invalid`, so each scope's error handler answers in its own way (a page, or problem+json).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { safeEqual } from '../shared/crypto.ts';
import { AppError } from '../shared/errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export interface CsrfOptions {
  /** The token the visitor's session expects (loading the session if need be). */
  expectedToken(request: FastifyRequest, reply: FastifyReply): Promise<string>;
  /**
   * Routes that take an unsafe method without a token, as registered with their prefix
   * (`/portal/saml/acs`). Keep it short: each entry must be protected another way (a signed
   * SAML response), and say so where it is listed.
   */
  exempt?: readonly string[];
}

/** The token a request brings: the header first, then the form field. */
export function csrfTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as { _csrf?: unknown } | undefined;
  return body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
}

/**
 * A preHandler for `scope.addHook('preHandler', csrf(...))`. It runs after the body is parsed and
 * validated (a malformed body is answered as such first), before the handler. Unknown addresses
 * are left to the not-found handler.
 */
export function csrf(options: CsrfOptions): preHandlerAsyncHookHandler {
  const exempt = new Set(options.exempt ?? []);
  return async (request, reply) => {
    if (SAFE_METHODS.has(request.method) || request.is404 || exempt.has(request.routeOptions.url ?? '')) return;
    const expected = await options.expectedToken(request, reply);
    const token = csrfTokenOf(request);
    if (!token || !safeEqual(token, expected)) throw new AppError('csrf-invalid');
  };
}
