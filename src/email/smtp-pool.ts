// A small pool of SMTP connections (nodemailer's SMTPConnection) that lets the caller act at the
// one moment that matters for "never send twice": right before the final "." of DATA.
//
// nodemailer's own pool hands a message over as a whole, so a caller cannot tell a process that
// died while connecting (nothing sent; safe to send again) from one that died after the server
// accepted the message (sending again would be a duplicate). Here the message stream holds back
// its end until `beforeFinalDot()` has resolved (the delivery records "sending" in the database
// then): until that point the server cannot have accepted anything.
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpPoolOptions {
  host: string;
  port?: number | undefined;
  secure: boolean;
  ignoreTLS: boolean;
  requireTLS: boolean;
  auth?: { user: string; pass: string } | undefined;
  maxConnections: number;
  /** Messages per connection before it is replaced. */
  maxMessages: number;
  /** Messages per second at most; 0 or undefined for no limit. */
  rateLimit?: number | undefined;
  /** An idle connection is closed after this long. */
  idleMs: number;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

interface PooledConnection {
  smtp: SMTPConnection;
  sent: number;
  closed: boolean;
  idleTimer?: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The message as a stream that ends (and so lets the "." go out) only after `beforeEnd()`. */
function messageStream(raw: Buffer, beforeEnd: () => Promise<void>): Readable {
  let pushed = false;
  return new Readable({
    read() {
      if (!pushed) {
        pushed = true;
        this.push(raw);
        return;
      }
      beforeEnd().then(
        () => this.push(null),
        (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
}

export class SmtpPool {
  private readonly idle: PooledConnection[] = [];
  private open = 0;
  private waiters: Array<() => void> = [];
  private nextSlot = 0;
  private closing = false;

  constructor(private readonly options: SmtpPoolOptions) {}

  /** Sends `raw`; `beforeFinalDot` runs after the server took the envelope and the body, before the final ".". */
  async send(
    envelope: SmtpEnvelope,
    raw: Buffer,
    beforeFinalDot: () => Promise<void>,
  ): Promise<SMTPConnection.SentMessageInfo> {
    if (this.closing) throw Object.assign(new Error('The SMTP pool is closed'), { code: 'ECONNECTION' });
    await this.throttle();
    const conn = await this.acquire();
    let reusable = false;
    try {
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
        conn.smtp.send(envelope, messageStream(raw, beforeFinalDot), (err, result) =>
          err ? reject(err) : resolve(result as SMTPConnection.SentMessageInfo),
        ),
      );
      conn.sent++;
      reusable = true;
      return info;
    } finally {
      // After any error the session may be anywhere (in the middle of DATA, even): never reuse it.
      this.release(conn, reusable);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const conn of this.idle.splice(0)) this.discard(conn, true);
    for (const w of this.waiters.splice(0)) w();
  }

  private async throttle(): Promise<void> {
    const rate = this.options.rateLimit;
    if (!rate || rate <= 0) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / rate;
    if (slot > now) await sleep(slot - now);
  }

  private async acquire(): Promise<PooledConnection> {
    for (;;) {
      if (this.closing) throw Object.assign(new Error('The SMTP pool is closed'), { code: 'ECONNECTION' });
      const idle = this.idle.pop();
      if (idle) {
        clearTimeout(idle.idleTimer);
        if (!idle.closed) return idle;
        continue;
      }
      if (this.open < this.options.maxConnections) {
        this.open++;
        try {
          return await this.connect();
        } catch (err) {
          this.open--;
          this.wakeOne();
          throw err;
        }
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private connect(): Promise<PooledConnection> {
    const o = this.options;
    const smtp = new SMTPConnection({
      host: o.host,
      ...(o.port ? { port: o.port } : {}),
      secure: o.secure,
      ignoreTLS: o.ignoreTLS,
      requireTLS: o.requireTLS,
      connectionTimeout: o.connectionTimeout,
      greetingTimeout: o.greetingTimeout,
      socketTimeout: o.socketTimeout,
    });
    const conn: PooledConnection = { smtp, sent: 0, closed: false };
    const onGone = () => {
      if (conn.closed) return;
      conn.closed = true;
      clearTimeout(conn.idleTimer);
      const i = this.idle.indexOf(conn);
      if (i >= 0) {
        // An idle connection went away; one in use is counted off when its send fails.
        this.idle.splice(i, 1);
        this.open--;
        this.wakeOne();
      }
    };
    // An idle connection the server drops emits these; without listeners 'error' would crash.
    smtp.on('error', onGone);
    smtp.on('end', onGone);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        onGone();
        smtp.close();
        reject(err);
      };
      // A refused or failed connection is reported as an 'error' event, not to connect()'s callback.
      smtp.once('error', fail);
      smtp.connect((err) => {
        if (err) return fail(err);
        const ready = () => {
          if (settled) return;
          settled = true;
          smtp.removeListener('error', fail);
          resolve(conn);
        };
        if (!o.auth) return ready();
        smtp.login(o.auth, (loginErr) => (loginErr ? fail(loginErr) : ready()));
      });
    });
  }

  private release(conn: PooledConnection, reusable: boolean): void {
    if (!reusable || conn.closed || this.closing || conn.sent >= this.options.maxMessages) {
      this.discard(conn, reusable && !conn.closed);
      return;
    }
    conn.idleTimer = setTimeout(() => {
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
      this.discard(conn, true);
    }, this.options.idleMs);
    conn.idleTimer.unref();
    this.idle.push(conn);
    this.wakeOne();
  }

  /** Ends a connection: politely (QUIT) when its session is clean, else by closing the socket. */
  private discard(conn: PooledConnection, polite: boolean): void {
    const wasOpen = !conn.closed;
    conn.closed = true;
    clearTimeout(conn.idleTimer);
    if (wasOpen) {
      if (polite) conn.smtp.quit();
      else conn.smtp.close();
    }
    this.open--;
    this.wakeOne();
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }
}
