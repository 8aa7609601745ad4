// The HTTP side of lifecycle event deliveries: one undici pool per process with keep-alive (a
// delivery reuses the connection of the previous one to the same origin instead of opening one per
// event), signed per Standard Webhooks and bound by the same rules as sendWebhook (the private-network
// rule, no redirects, 2xx success, 5xx/408/429/network/time-out temporary, a bounded answer).
import { STATUS_CODES } from 'node:http';
import { Agent, errors } from 'undici';
import { Webhook } from 'standardwebhooks';
import {
  guardedLookup,
  MAX_RESPONSE_BYTES,
  refuseLiteralPrivateHost,
  WebhookError,
  type WebhookCall,
  type WebhookResult,
} from '../shared/outbound-webhooks.ts';

/** Connections kept per origin (an endpoint's scheme, host and port). */
export const CONNECTIONS_PER_ORIGIN = 10;

// Two pools: a connection opened while private networks were allowed is never reused once they are
// not, and every connection of the guarded pool was checked by its DNS lookup when it was opened.
let pools: { open: Agent; guarded: Agent } | undefined;
const poolsOf = () => {
  pools ??= {
    open: new Agent({ connections: CONNECTIONS_PER_ORIGIN, keepAliveTimeout: 4_000 }),
    guarded: new Agent({
      connections: CONNECTIONS_PER_ORIGIN,
      keepAliveTimeout: 4_000,
      connect: { lookup: (hostname, options, callback) => guardedLookup(hostname)(hostname, options, callback) },
    }),
  };
  return pools;
};

const signers = new Map<string, Webhook>();
const signerOf = (secret: string) => {
  let w = signers.get(secret);
  if (!w) {
    if (signers.size > 1000) signers.clear();
    w = new Webhook(secret);
    signers.set(secret, w);
  }
  return w;
};

/** Sends one signed delivery through the pool; resolves on 2xx, throws WebhookError otherwise. */
export async function sendPooledWebhook(call: WebhookCall): Promise<WebhookResult> {
  const url = new URL(call.url);
  refuseLiteralPrivateHost(url, call.allowPrivateNetworks);
  const body = JSON.stringify(call.payload);
  const timestamp = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'portal-invitations-webhooks/1',
    'webhook-id': call.messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signerOf(call.secret).sign(call.messageId, timestamp, body),
  };
  const pool = call.allowPrivateNetworks ? poolsOf().open : poolsOf().guarded;
  const started = performance.now();
  const timedOut = () => new WebhookError(`The webhook did not answer within ${call.timeoutMs} ms.`, true);
  try {
    const res = await pool.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      body,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      // The time-outs above cover silence; this covers a server that trickles bytes forever.
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    await res.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => {});
    const status = res.statusCode;
    const durationMs = performance.now() - started;
    if (status >= 200 && status < 300) return { status, durationMs };
    const why = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    const error = new WebhookError(
      `The webhook answered ${status} ${STATUS_CODES[status] ?? ''}`.trim() + why,
      status >= 500 || status === 408 || status === 429,
      status,
    );
    error.durationMs = durationMs;
    throw error;
  } catch (err) {
    const e = err as Error & { code?: string; cause?: unknown };
    const error =
      err instanceof WebhookError
        ? err
        : e.cause instanceof WebhookError
          ? e.cause
          : e.name === 'TimeoutError' ||
              e.name === 'AbortError' ||
              err instanceof errors.HeadersTimeoutError ||
              err instanceof errors.BodyTimeoutError
            ? timedOut()
            : new WebhookError(`Could not reach the webhook: ${e.code ? `${e.code} ` : ''}${e.message}`.trim(), true);
    error.durationMs ??= performance.now() - started;
    throw error;
  }
}
