// Logger options: request logs without secrets (tokens, codes, passwords, cookies).
import type { FastifyServerOptions } from 'fastify';

const SECRET_QUERY_PARAMS = /([?&](?:code|invitation|token|password)=)[^&#]*/gi;

/** The URL with the values of secret-bearing query parameters replaced. */
export const redactUrl = (url: string): string => url.replace(SECRET_QUERY_PARAMS, '$1[REDACTED]');

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
      censor: '[REDACTED]',
    },
    serializers: {
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
