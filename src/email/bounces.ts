// Bounces (BOUNCE_SMTP_PORT): a small inbound SMTP receiver for delivery status notifications. Each
// email goes out with the return path bounce+<email id>@<MAIL_BOUNCE_DOMAIN> (transport.ts), so a
// DSN (RFC 3464 multipart/report, parsed with mailparser) names its email by the address it is sent
// to. The email becomes `bounced` with the remote reason (Status, Diagnostic-Code); a hard bounce
// (5.x.x) marks the contact's emailaddress1 undeliverable until staff change it; email.bounced fires.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AppContext } from '../context.ts';
import { recordBounce } from './email.service.ts';

/** The local part of a return path: `bounce+<uuid>`. */
const RETURN_PATH = /^bounce\+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@(.+)$/i;

export { returnPathOf } from './transport.ts';

/** The email id a return path names, when it is one of ours for `domain`. */
export function emailIdOfReturnPath(address: string, domain: string): string | undefined {
  const m = RETURN_PATH.exec(address.trim());
  if (!m || m[2]?.toLowerCase() !== domain.toLowerCase()) return undefined;
  return m[1]?.toLowerCase();
}

export interface DsnVerdict {
  /** RFC 3463 status, e.g. `5.1.1`. */
  status: string;
  /** A permanent failure (5.x.x). */
  hard: boolean;
  /** What people read: the status and the remote server's diagnostic. */
  reason: string;
}

/**
 * The verdict of a delivery status notification: the first recipient block whose Action is
 * `failed` (or whose Status is 4.x.x/5.x.x); undefined for a DSN that reports success or delay only,
 * or a message that is no DSN.
 */
export function dsnVerdict(mail: ParsedMail): DsnVerdict | undefined {
  const part = mail.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  // mailparser reads a message/delivery-status part as text and joins it to the text body; a
  // multipart/report of report-type delivery-status is then read from there.
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const report =
    type?.value?.toLowerCase() === 'multipart/report' &&
    type.params?.['report-type']?.toLowerCase() === 'delivery-status';
  const text = part ? part.content.toString('utf8') : report ? mail.text : undefined;
  if (!text) return undefined;
  // Fields may be folded (RFC 5322 continuation lines); blocks are separated by empty lines.
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  for (const block of unfolded.split(/\r?\n\s*\r?\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(block)?.[1]?.trim();
    const status = field('Status');
    const action = field('Action')?.toLowerCase();
    if (!status) continue;
    const failed = action === 'failed' || (action === undefined && /^[45]\./.test(status));
    if (!failed) continue;
    const diagnostic = field('Diagnostic-Code')?.replace(/^smtp;\s*/i, '');
    return {
      status,
      hard: status.startsWith('5.'),
      reason: `${status}${diagnostic ? ` ${diagnostic}` : ''}`.slice(0, 2000),
    };
  }
  return undefined;
}

export interface BounceReceiver {
  port: number;
  close(): Promise<void>;
}

/** Starts the receiver on `port` (0: any free one). Messages that are not our DSNs are accepted and dropped. */
export async function startBounceReceiver(
  ctx: AppContext,
  options: { port: number; host?: string; domain: string; log?: { warn(obj: object, msg: string): void } },
): Promise<BounceReceiver> {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      // Only our return paths: the receiver is no open relay or general mailbox.
      if (!emailIdOfReturnPath(address.address, options.domain))
        return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          const mail = await simpleParser(Buffer.concat(chunks));
          const verdict = dsnVerdict(mail);
          if (verdict)
            for (const rcpt of session.envelope.rcptTo ?? []) {
              const emailId = emailIdOfReturnPath(rcpt.address, options.domain);
              if (emailId) await recordBounce(ctx, emailId, verdict);
            }
          callback(null, 'Ok');
        })().catch((err: unknown) => {
          options.log?.warn({ err }, 'could not record a bounce');
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        });
      });
    },
  });
  server.on('error', (err) => options.log?.warn({ err }, 'bounce receiver error'));
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '0.0.0.0', () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
