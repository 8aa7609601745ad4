// A real SMTP server on loopback for tests (smtp-server), reading what arrives with mailparser.
// `reply` decides each message's answer, so tests can make the server refuse (451, 550).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMessage {
  messageId: string | undefined;
  to: string[];
  /** The envelope's MAIL FROM (the return path). */
  envelopeFrom: string | undefined;
  from: string | undefined;
  subject: string | undefined;
  html: string | false;
  text: string | undefined;
  parsed: ParsedMail;
}

/** The answer for one message: undefined accepts it (250); otherwise a code and text. */
export type ReplyDecider = (
  messageId: string | undefined,
  arrival: number,
) => { code: number; message: string } | undefined;

export interface TestSmtpServer {
  url: string;
  /** Accepted messages, in order of arrival. */
  received: ReceivedMessage[];
  /** Messages the server saw (accepted or not). */
  arrivals: number;
  reply: ReplyDecider;
  /** Milliseconds the server takes before answering each message. */
  delayMs: number;
  /** How many times each Message-ID was accepted. */
  countsByMessageId(): Map<string, number>;
  close(): Promise<void>;
}

export async function startTestSmtpServer(
  options: { reply?: ReplyDecider; delayMs?: number } = {},
): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    received: [],
    arrivals: 0,
    reply: options.reply ?? (() => undefined),
    delayMs: options.delayMs ?? 0,
    countsByMessageId() {
      const counts = new Map<string, number>();
      for (const m of state.received) if (m.messageId) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      return counts;
    },
    close: async () => {},
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          const parsed = await simpleParser(Buffer.concat(chunks));
          const arrival = ++state.arrivals;
          if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
          const answer = state.reply(parsed.messageId, arrival);
          if (answer) return callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          const to = (session.envelope.rcptTo ?? []).map((r) => r.address);
          state.received.push({
            messageId: parsed.messageId,
            to,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            from: parsed.from?.value[0]?.address,
            subject: parsed.subject,
            html: parsed.html ?? false,
            text: parsed.text,
            parsed,
          });
          callback(null, `Ok: queued as Q${state.received.length}`);
        })().catch((err: unknown) => callback(err as Error));
      });
    },
  });
  // A client that dies mid-session (the crash test) resets its connection: not the server's failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
