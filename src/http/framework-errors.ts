// Fastify's and Node's own refusals (a bad percent-encoding, an over-long path parameter, huge
// headers, a wrong method) as problem documents through the one mapping, like every other error.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../shared/problem.ts';
import { sendProblem } from './errors.ts';

/** Fastify's `frameworkErrors`: the router refused the URL before any route or hook ran. */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, new AppError('uri-too-long', 'A part of the address is longer than the server accepts.'));
    return;
  }
  sendProblem(
    reply,
    new AppError(
      'malformed-request',
      err.code === 'FST_ERR_BAD_URL'
        ? 'The address is not valid: it has a bad percent-encoding.'
        : 'The request could not be read.',
    ),
  );
}

/**
 * Node's `clientError`: the HTTP parser refused the request (headers too large, a time-out, bytes
 * that are not HTTP). No request object exists, so the problem document is written to the socket.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const appError =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('header-too-large', 'The request headers are larger than the server accepts.')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('malformed-request', 'The request took too long to arrive.')
        : new AppError('malformed-request', 'The request is not valid HTTP.');
  const problem = toProblem(appError);
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : problem.status;
  const body = JSON.stringify({ ...problem, status });
  const reason =
    status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

interface RoutePattern {
  regex: RegExp;
  methods: Set<string>;
}

/**
 * The methods each registered path answers, so that a wrong method on a known path is 405
 * `method-not-allowed` with `Allow` instead of a 404. Collected from `onRoute`; install it before
 * any route is registered.
 */
export function useMethodIndex(app: FastifyInstance): (path: string) => string[] {
  const patterns = new Map<string, RoutePattern>();
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (!url) return;
    let entry = patterns.get(url);
    if (!entry) {
      entry = { regex: patternRegex(url), methods: new Set() };
      patterns.set(url, entry);
    }
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(m.toUpperCase());
  });
  return (path: string) => {
    // The router reads `/a/` as `/a` (routerOptions.ignoreTrailingSlash) before it matches, so the
    // index does too: `/site-settings/` is the list, not the wildcard `/site-settings/*` with an empty tail.
    const routed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const allowed = new Set<string>();
    for (const { regex, methods } of patterns.values()) if (regex.test(routed)) for (const m of methods) allowed.add(m);
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  };
}

/** A Fastify path pattern (`/contacts/:id`, `/site-settings/*`) as a regular expression. */
function patternRegex(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/** What a not-found handler answers: 405 with `Allow` (set on `reply`) when the path exists, else 404. */
export function unmatched(
  allowedMethods: (path: string) => string[],
  request: FastifyRequest,
  reply: FastifyReply,
): AppError {
  const path = request.url.split('?')[0] ?? '';
  const allow = allowedMethods(path);
  if (allow.length === 0) return new AppError('not-found', `Nothing exists at ${request.method} ${path}.`);
  reply.header('Allow', allow.join(', '));
  return new AppError('method-not-allowed', `${path} answers ${allow.join(', ')}, not ${request.method}.`);
}
