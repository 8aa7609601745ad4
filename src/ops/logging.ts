// Logger options: request logs without secrets. What a log may show of a URL is an allowlist: only
// query parameters named here keep their values; every other value (a `code`, an `access_token`,
// a parameter nobody thought of yet) is logged as [REDACTED].
import type { FastifyServerOptions } from 'fastify';

/** Query parameters whose values carry no credential: paging, filters by id or state, language. */
export const LOGGABLE_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'limit',
  'cursor',
  'lang',
  'status',
  'type',
  'state',
  'key',
  'workflowId',
  'workflowRunId',
  'targetId',
  'regardingId',
  'accountId',
  'inviterContactId',
  'invitationId',
  'contactId',
  'endpointId',
  'primaryEntity',
  'dryRun',
  'continueOnError',
  'notice',
  'problem',
]);

const REDACTED = '[REDACTED]';

/** The URL with the value of every query parameter not on the allowlist replaced (names are kept). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split('&').map((part) => {
    if (part === '') return part;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = '';
    }
    if (eq < 0) return LOGGABLE_QUERY_PARAMS.has(name) ? part : rawName.slice(0, 100);
    return LOGGABLE_QUERY_PARAMS.has(name) ? part : `${rawName.slice(0, 100)}=${REDACTED}`;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.code',
      ],
      censor: REDACTED,
    },
    serializers: {
      // Only these four fields of a request are logged at all (no headers).
      req(req: { method: string; url: string; hostname?: string; ip?: string; socket?: { remoteAddress?: string } }) {
        return {
          method: req.method,
          url: redactUrl(req.url),
          host: req.hostname,
          remoteAddress: req.ip ?? req.socket?.remoteAddress,
        };
      },
    },
  };
}
