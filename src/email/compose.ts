// The RFC 5322 message of an email activity: a multipart/alternative with a text and an HTML part,
// both UTF-8 and quoted-printable. Written directly with nodemailer's own encoders (quoted-printable,
// encoded words, line folding): nodemailer's MailComposer builds a tree of nodes and streams them
// through a pipeline for every message, which cost more than all our database work per email in
// the sending benchmark. Anything out of the ordinary (an address that is not plain ASCII, which
// needs punycode or SMTPUTF8) goes to MailComposer as before.
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';

/** What composing and the transports need of an email activity. */
export interface OutgoingEmail {
  id: string;
  /** RFC 5322 Message-ID with angle brackets; the same on every attempt. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface ComposedMessage {
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

interface Address {
  name: string;
  address: string;
}

/** Printable ASCII without spaces: an address SMTP takes as it is. */
const PLAIN_ADDRESS = /^[\x21-\x7e]+@[\x21-\x7e]+$/;
/** Characters that make a display name need quotes (RFC 5322 "specials"). */
const SPECIALS = /[()<>[\]:;@\\,."]/;

function singleAddress(value: string): Address | undefined {
  const parsed = addressparser(value) as Array<{ name: string; address?: string; group?: unknown }>;
  const [first] = parsed;
  if (parsed.length !== 1 || !first || first.group || !first.address || !PLAIN_ADDRESS.test(first.address))
    return undefined;
  return { name: first.name ?? '', address: first.address };
}

function addressHeader(a: Address): string {
  if (!a.name) return a.address;
  let name: string;
  if (!mimeFuncs.isPlainText(a.name)) name = mimeFuncs.encodeWords(a.name, 'Q', 52);
  else if (SPECIALS.test(a.name)) name = `"${a.name.replace(/(["\\])/g, '\\$1')}"`;
  else name = a.name;
  return `${name} <${a.address}>`;
}

const header = (key: string, value: string) => `${mimeFuncs.foldLines(`${key}: ${value}`, 76)}\r\n`;

/** A text made of lines ending in CRLF, quoted-printable, soft-wrapped at 76 characters. */
const quotedPrintable = (body: string) => qp.wrap(qp.encode(body.replace(/\r?\n/g, '\r\n')), 76);

function part(contentType: string, body: string, boundary: string): string {
  return `--${boundary}\r\nContent-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(body)}\r\n`;
}

/** The whole message and its envelope, with our Message-ID (the same on every attempt). */
export async function composeMessage(email: OutgoingEmail, date = new Date()): Promise<ComposedMessage> {
  const from = singleAddress(email.from);
  const to = singleAddress(email.to);
  // The email's id in hex, without dashes: unique per message, so it cannot occur in the parts
  // (quoted-printable lines never start with "--" followed by it).
  const hex = email.id.replace(/-/g, '');
  const boundary = `--_NmP-${hex}-Part_1`;
  if (!from || !to) return composeWithMailComposer(email, date, hex);
  const subject = mimeFuncs.isPlainText(email.subject) ? email.subject : mimeFuncs.encodeWords(email.subject, 'Q', 52);
  const head =
    `Content-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n` +
    header('From', addressHeader(from)) +
    header('To', addressHeader(to)) +
    header('Subject', subject) +
    `Message-ID: ${email.messageId}\r\n` +
    `Date: ${date.toUTCString().replace(/GMT/, '+0000')}\r\n` +
    'MIME-Version: 1.0\r\n' +
    `X-Portal-Email-Id: ${email.id}\r\n`;
  const raw = `${head}\r\n${part('text/plain', email.text, boundary)}${part('text/html', email.html, boundary)}--${boundary}--\r\n`;
  return { raw: Buffer.from(raw, 'utf8'), envelope: { from: from.address, to: [to.address] } };
}

async function composeWithMailComposer(
  email: OutgoingEmail,
  date: Date,
  baseBoundary: string,
): Promise<ComposedMessage> {
  const node = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: email.messageId,
    date,
    headers: { 'X-Portal-Email-Id': email.id },
    baseBoundary,
  }).compile();
  const envelope = node.getEnvelope();
  return { raw: await node.build(), envelope: { from: envelope.from || '', to: envelope.to } };
}
