import { describe, expect, it } from 'vitest';
import { domainToASCII } from 'node:url';
import { simpleParser } from 'mailparser';
import { composeMessage, type OutgoingEmail } from './compose.ts';
import { newId } from '../shared/ids.ts';

const email = (over: Partial<OutgoingEmail> = {}): OutgoingEmail => {
  const id = newId();
  return {
    id,
    messageId: `<${id}@portal-invitations>`,
    from: '"Olivia Owner" <owner@example.com>',
    to: 'ann@example.com',
    subject: 'You are invited',
    html: '<p>Hello Ann</p>',
    text: 'Hello Ann',
    ...over,
  };
};

describe('composing an email', () => {
  it('writes a multipart message that a mail reader reads back exactly: headers, both parts, our Message-ID', async () => {
    const e = email({
      from: '"Åse Øster, Salg" <aase@example.com>',
      to: '"Bo Berg" <bo@example.dk>',
      subject: 'Åse inviterer dig til vores portal — kode ABCD-EFGH',
      text: `Hej Bo,\n\nKoden er ABCD-EFGH.\n.\n.. a line starting with dots\n${'lang linje '.repeat(30)}\nslut  `,
      html: `<p>Hej Bo &amp; co — <a href="https://portal.example.com/portal/redeem?code=ABCD-EFGH&amp;x=1">Accepter</a></p>\n<p>${'æøå '.repeat(40)}</p>`,
    });
    const date = new Date('2030-03-15T14:00:00Z');
    const { raw, envelope } = await composeMessage(e, date);
    expect(envelope).toEqual({ from: 'aase@example.com', to: ['bo@example.dk'] });
    // 7-bit clean and no line longer than 78 characters (RFC 5322).
    const lines = raw.toString('latin1').split('\r\n');
    expect(raw.every((b) => b < 0x80)).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/);

    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(e.messageId);
    expect(parsed.subject).toBe(e.subject);
    expect(parsed.from?.value).toEqual([{ name: 'Åse Øster, Salg', address: 'aase@example.com' }]);
    expect((parsed.to as { value: unknown }).value).toEqual([{ name: 'Bo Berg', address: 'bo@example.dk' }]);
    expect(parsed.date?.toISOString()).toBe(date.toISOString());
    expect(parsed.headers.get('x-portal-email-id')).toBe(e.id);
    expect(parsed.text).toBe(e.text);
    expect(parsed.html).toBe(e.html);
  });

  it('reads back the same as nodemailer writes it, for a plain message', async () => {
    const e = email();
    const parsed = await simpleParser((await composeMessage(e)).raw);
    expect({
      subject: parsed.subject,
      text: parsed.text,
      html: parsed.html,
      from: parsed.from?.text,
      to: (parsed.to as { text: string }).text,
    }).toEqual({
      subject: 'You are invited',
      text: 'Hello Ann',
      html: '<p>Hello Ann</p>',
      from: '"Olivia Owner" <owner@example.com>',
      to: 'ann@example.com',
    });
  });

  it('hands an address that is not plain ASCII to nodemailer, which writes its domain in punycode', async () => {
    const e = email({ to: 'ann@bjørn.dk', subject: 'Hej' });
    const { raw, envelope } = await composeMessage(e);
    expect(envelope.to).toEqual([`ann@${domainToASCII('bjørn.dk')}`]);
    expect(envelope.to[0]).toMatch(/^ann@xn--/);
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(e.messageId);
    expect(parsed.text).toBe('Hello Ann');
    expect(parsed.headers.get('x-portal-email-id')).toBe(e.id);
  });
});
