// Outbound webhook calls (workflow webhook steps, lifecycle event deliveries): a JSON POST signed per Standard Webhooks (webhook-id,
// webhook-timestamp, webhook-signature; the `standardwebhooks` package signs), with the workflow's
// own `whsec_…` secret. Any 2xx is success; 5xx, 408, 429, time-outs and network failures are
// temporary (the run's job retries with back-off); other answers are permanent failures.
//
// Loopback, private, link-local and other non-public addresses are refused unless the site setting
// `Webhooks/AllowPrivateNetworks` is "true". The check runs inside the socket's own DNS lookup, on
// every address the name resolves to, so a name cannot resolve to a public address for the check
// and to a private one for the connection.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new Standard Webhooks secret: `whsec_` + base64 of 24 random bytes (192 bits). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv6');

/** True for loopback, private, link-local, shared, documentation, multicast and reserved addresses. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return nonPublic.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return nonPublic.check(mapped[1], 'ipv4');
    return nonPublic.check(address, 'ipv6');
  }
  return true;
}

/** Why a webhook call failed; `temporary` ones are retried by the run's job. */
export class WebhookError extends Error {
  readonly temporary: boolean;
  /** The receiver's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** How long the call took, when it got as far as sending. */
  durationMs: number | undefined;
  constructor(message: string, temporary: boolean, status?: number) {
    super(message);
    this.name = 'WebhookError';
    this.temporary = temporary;
    this.status = status;
  }
}

/**
 * The same rule sendWebhook applies, for a URL given to the API (an endpoint's): why it is refused
 * (an IP literal that is not public, or localhost, while private networks are not allowed), or
 * undefined. Names that resolve to private addresses are refused at delivery, by the lookup.
 */
export function refusedUrlReason(rawUrl: string, allowPrivateNetworks: boolean): string | undefined {
  const url = new URL(rawUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (allowPrivateNetworks) return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if ((isIP(host) && isNonPublicAddress(host)) || host === 'localhost' || host.endsWith('.localhost'))
    return `${host} is a loopback or private address (set the site setting Webhooks/AllowPrivateNetworks to "true" to allow it)`;
  return undefined;
}

export const refusedAddress = (host: string, address: string) =>
  new WebhookError(
    `Refused: ${host} resolves to ${address}, a loopback or private address (set the site setting Webhooks/AllowPrivateNetworks to "true" to allow it).`,
    false,
  );

/** A DNS lookup that fails when any address of the name is not public. */
export function guardedLookup(host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return (callback as (e: Error | null, a: LookupAddress[] | string, f?: number) => void)(err, []);
      const bad = addresses.find((a) => isNonPublicAddress(a.address));
      if (bad)
        return (callback as (e: Error | null, a: LookupAddress[] | string, f?: number) => void)(
          refusedAddress(host, bad.address),
          [],
        );
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      return (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };
}

export interface WebhookCall {
  url: string;
  secret: string;
  /** Standard Webhooks `webhook-id`: the same on every retry, so receivers can drop repeats. */
  messageId: string;
  /** The JSON body. */
  payload: unknown;
  allowPrivateNetworks: boolean;
  timeoutMs: number;
}

export interface WebhookResult {
  status: number;
  durationMs: number;
}

export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The send-time half of the private-network rule, for a URL's literal host (an IP address or a
 * `localhost` name); a name's addresses are checked at lookup (guardedLookup). Answers the host.
 */
export function refuseLiteralPrivateHost(url: URL, allowPrivateNetworks: boolean): string {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivateNetworks && isIP(host) && isNonPublicAddress(host)) throw refusedAddress(host, host);
  if (!allowPrivateNetworks && (host === 'localhost' || host.endsWith('.localhost')))
    throw refusedAddress(host, 'loopback');
  return host;
}

/** Sends one signed webhook; resolves on 2xx, throws WebhookError otherwise. */
export async function sendWebhook(call: WebhookCall): Promise<WebhookResult> {
  const url = new URL(call.url);
  const host = refuseLiteralPrivateHost(url, call.allowPrivateNetworks);

  const body = JSON.stringify(call.payload);
  const timestamp = new Date();
  const signature = new Webhook(call.secret).sign(call.messageId, timestamp, body);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'portal-invitations-webhooks/1',
    'webhook-id': call.messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
  const started = Date.now();
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookResult>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers,
        timeout: call.timeoutMs,
        ...(call.allowPrivateNetworks ? {} : { lookup: guardedLookup(host) }),
        // One connection per call: nothing pooled across workflows.
        agent: false,
      },
      (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on('error', () => {});
        res.on('close', () => {
          clearTimeout(overall);
          const status = res.statusCode ?? 0;
          const durationMs = Date.now() - started;
          if (status >= 200 && status < 300) return resolve({ status, durationMs });
          const temporary = status >= 500 || status === 408 || status === 429;
          const why = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
          const error = new WebhookError(
            `The webhook answered ${status} ${res.statusMessage ?? ''}`.trim() + why,
            temporary,
            status,
          );
          error.durationMs = durationMs;
          reject(error);
        });
        res.resume();
      },
    );
    // The socket time-out covers silence; this covers a server that trickles bytes forever.
    const overall = setTimeout(
      () => req.destroy(new WebhookError(`The webhook did not answer within ${call.timeoutMs} ms.`, true)),
      call.timeoutMs,
    );
    req.on('timeout', () =>
      req.destroy(new WebhookError(`The webhook did not answer within ${call.timeoutMs} ms.`, true)),
    );
    req.on('error', (err: Error & { code?: string }) => {
      clearTimeout(overall);
      const error =
        err instanceof WebhookError
          ? err
          : new WebhookError(
              `Could not reach the webhook: ${err.code ? `${err.code} ` : ''}${err.message}`.trim(),
              true,
            );
      error.durationMs ??= Date.now() - started;
      reject(error);
    });
    req.end(body);
  });
}
