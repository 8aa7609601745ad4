// Mail transports: SMTP through a nodemailer pool when SMTP_URL is set, otherwise the local store
// (the message stays in the database and is written as DATA_DIR/mail/<id>.eml).
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeMessage, type OutgoingEmail } from './compose.ts';
import { bounceDomainOf, type Config } from '../config.ts';
import { SmtpPool, type SmtpPoolOptions } from './smtp-pool.ts';

export type { OutgoingEmail } from './compose.ts';

export interface SendResult {
  /** The server's id for the message (queue id, or its reply when it names none). */
  providerMessageId: string | null;
}

/**
 * Why a hand-over failed. `temporary`: the server did not take the message and may later (4xx,
 * refused, reset or dropped connection, time-out). `permanent`: it refused the message (5xx);
 * `reply` is what it said.
 */
export class MailSendError extends Error {
  readonly kind: 'temporary' | 'permanent';
  readonly reply: string | undefined;
  constructor(kind: 'temporary' | 'permanent', message: string, reply?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailSendError';
    this.kind = kind;
    this.reply = reply;
  }
}

export interface MailTransport {
  readonly kind: 'smtp' | 'local';
  /**
   * Hands the message over; throws MailSendError. `beforeHandOver` runs at the last moment at
   * which nothing has been accepted yet (SMTP: before the final "." of DATA; local store: before
   * the file is written). When it throws, nothing is handed over and send throws its error.
   */
  send(email: OutgoingEmail, beforeHandOver: () => Promise<void>): Promise<SendResult>;
  /**
   * For an email whose hand-over was interrupted (found in `sending`): the result when this
   * transport knows the message was accepted, `false` when it knows it was not, `undefined` when
   * it cannot tell.
   */
  outcomeOf(email: OutgoingEmail): Promise<SendResult | false | undefined>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Local store

export function createLocalStoreTransport(dataDir: string): MailTransport {
  const dir = join(dataDir, 'mail');
  const fileOf = (email: OutgoingEmail) => join(dir, `${email.id}.eml`);
  const resultOf = (email: OutgoingEmail): SendResult => ({ providerMessageId: `local:mail/${email.id}.eml` });
  return {
    kind: 'local',
    async send(email, beforeHandOver) {
      const { raw } = await composeMessage(email);
      await beforeHandOver();
      try {
        await mkdir(dir, { recursive: true });
        // Written under a temporary name and renamed: the .eml exists whole or not at all, which
        // is what outcomeOf() relies on.
        const tmp = `${fileOf(email)}.${process.pid}.tmp`;
        await writeFile(tmp, raw, { mode: 0o600 });
        await rename(tmp, fileOf(email));
      } catch (err) {
        throw new MailSendError('temporary', `Could not write ${fileOf(email)}: ${(err as Error).message}`, undefined, {
          cause: err,
        });
      }
      return resultOf(email);
    },
    async outcomeOf(email) {
      return existsSync(fileOf(email)) ? resultOf(email) : false;
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------
// SMTP

/** The return path of one email: bounces to it name the email (email/bounces.ts). */
export const returnPathOf = (emailId: string, domain: string): string => `bounce+${emailId}@${domain}`;

export interface SmtpOptions {
  /** Connections in the pool (default 5; `?maxConnections=` in the URL wins). */
  maxConnections?: number;
  /** Messages per second at most (default unlimited; `?rateLimit=` in the URL wins). */
  rateLimit?: number;
  /** Socket time-outs in ms (connect and greeting 30 s, idle socket 60 s). */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
  /**
   * The domain of per-email return paths (envelope MAIL FROM `bounce+<email id>@<domain>`), so that
   * a bounce names its email (email/bounces.ts); unset, the sender is the return path.
   */
  bounceDomain?: string | undefined;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

const positiveNumber = (s: string | null): number | undefined => {
  if (s === null || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * Pool options from SMTP_URL (`smtp://user:pass@host:port` or `smtps://…`).
 * TLS: `smtps://` is TLS from the start; `smtp://` upgrades with STARTTLS when the server offers it
 * (`?requireTLS=true` insists on it). `?ignoreTLS=true`, or a loopback host with smtp://, never
 * upgrades (a local relay or test server). `?rateLimit=N` caps messages per second,
 * `?maxConnections=N` the pool size.
 */
export function smtpPoolOptions(url: string, options: SmtpOptions = {}): SmtpPoolOptions {
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const q = u.searchParams;
  const secure = u.protocol === 'smtps:';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: u.port ? Number(u.port) : undefined,
    secure,
    ignoreTLS: q.get('ignoreTLS') === 'true' || (!secure && LOOPBACK.has(host) && q.get('ignoreTLS') !== 'false'),
    requireTLS: q.get('requireTLS') === 'true',
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    maxConnections: positiveNumber(q.get('maxConnections')) ?? options.maxConnections ?? 5,
    maxMessages: 1000,
    rateLimit: positiveNumber(q.get('rateLimit')) ?? options.rateLimit,
    idleMs: 30_000,
    connectionTimeout: options.timeouts?.connectionMs ?? 30_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 30_000,
    socketTimeout: options.timeouts?.socketMs ?? 60_000,
  };
}

/** Error codes of nodemailer and of the socket that mean "not taken, try again later". */
const TEMPORARY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EAUTH',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EPROXY',
]);

/**
 * Sorts a nodemailer error. A reply code decides when there is one: 5xx is permanent (except
 * 503, a sequence error of the session rather than a verdict on the message), 4xx temporary.
 * Without one, network trouble is temporary; an envelope or message nodemailer itself refused
 * (an invalid address) is permanent. Authentication failures count as temporary: the operator's
 * credentials are wrong, not the message, and the back-off gives time to fix them.
 */
export function classifySmtpError(err: unknown): MailSendError {
  const e = err as { code?: string; originalCode?: string; responseCode?: number; response?: string; message?: string };
  const reply = typeof e.response === 'string' && e.response ? e.response.trim() : undefined;
  const message = (reply ?? e.message ?? String(err)).slice(0, 2000);
  const sorted = (kind: 'temporary' | 'permanent') => new MailSendError(kind, message, reply, { cause: err });
  if (e.code === 'EAUTH') return sorted('temporary');
  if (typeof e.responseCode === 'number' && e.responseCode >= 400)
    return sorted(e.responseCode >= 500 && e.responseCode !== 503 ? 'permanent' : 'temporary');
  if (TEMPORARY_CODES.has(e.code ?? '') || TEMPORARY_CODES.has(e.originalCode ?? '')) return sorted('temporary');
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return sorted('permanent');
  return sorted('temporary');
}

/** The server's id of the message: nodemailer's serverMessageId, a "queued as X", or its reply. */
export function providerMessageIdOf(info: {
  serverMessageId?: string | undefined;
  response?: string | undefined;
}): string | null {
  if (info.serverMessageId) return info.serverMessageId;
  const response = info.response?.trim();
  if (!response) return null;
  const queued = /queued as\s+([^\s;,]+)/i.exec(response) ?? /\bid=([^\s;,]+)/i.exec(response);
  return (queued?.[1] ?? response).slice(0, 500);
}

export function createSmtpTransport(url: string, options: SmtpOptions = {}): MailTransport {
  const pool = new SmtpPool(smtpPoolOptions(url, options));
  // Outcomes this process saw (a retry after the database missed one asks here). Bounded.
  const known = new Map<string, SendResult | false>();
  const remember = (messageId: string, outcome: SendResult | false) => {
    known.delete(messageId);
    known.set(messageId, outcome);
    if (known.size > 10_000) known.delete(known.keys().next().value as string);
  };
  return {
    kind: 'smtp',
    async send(email, beforeHandOver) {
      const { raw, envelope } = await composeMessage(email);
      let refusedByCaller: { err: unknown } | undefined;
      let handedOver = false;
      try {
        const from = options.bounceDomain ? returnPathOf(email.id, options.bounceDomain) : envelope.from || '';
        const info = await pool.send({ from, to: envelope.to }, raw, async () => {
          try {
            await beforeHandOver();
            handedOver = true;
          } catch (err) {
            refusedByCaller = { err };
            throw err;
          }
        });
        const result = { providerMessageId: providerMessageIdOf(info) };
        remember(email.messageId, result);
        return result;
      } catch (err) {
        if (refusedByCaller) throw refusedByCaller.err;
        const sorted = classifySmtpError(err);
        // Only a reply says for sure that the server did not take it; a connection lost after
        // the "." leaves it unknown here (the caller decides; see delivery.ts).
        if (!handedOver || sorted.reply) remember(email.messageId, false);
        throw sorted;
      }
    },
    async outcomeOf(email) {
      return known.get(email.messageId);
    },
    async close() {
      await pool.close();
    },
  };
}

/** SMTP when `config.smtpUrl` is set, otherwise the local store in `config.dataDir`. */
export function createMailTransport(
  config: Pick<Config, 'smtpUrl' | 'dataDir'> &
    Partial<Pick<Config, 'bounceSmtpPort' | 'mailBounceDomain' | 'mailFrom'>>,
  options: SmtpOptions = {},
): MailTransport {
  // Return paths only where a receiver listens for what comes back.
  const bounceDomain =
    config.bounceSmtpPort !== undefined && config.mailFrom
      ? bounceDomainOf({ mailFrom: config.mailFrom, mailBounceDomain: config.mailBounceDomain })
      : undefined;
  return config.smtpUrl
    ? createSmtpTransport(config.smtpUrl, { bounceDomain, ...options })
    : createLocalStoreTransport(config.dataDir);
}
