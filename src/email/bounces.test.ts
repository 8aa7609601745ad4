// Bounces with real servers on 127.0.0.1: an invitation emailed through a test SMTP server with the
// per-email return path, a DSN (RFC 3464 multipart/report) sent by nodemailer to the bounce
// receiver, the email `bounced` with the remote reason, the event delivered, /metrics, and after a
// hard bounce Send Invitation skipping the address until staff change it. Both databases.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { startHookReceiver, type HookReceiver } from '../lifecycle-events/testing/hook-receiver.ts';
import { type BounceReceiver, emailIdOfReturnPath, startBounceReceiver } from './bounces.ts';
import { startTestSmtpServer, type TestSmtpServer } from './testing/smtp-test-server.ts';
import { createSmtpTransport, type MailTransport } from './transport.ts';

const DOMAIN = 'bounces.example.org';
const t = useTestApp();
let smtp: TestSmtpServer;
let transport: MailTransport;
let bounces: BounceReceiver;
let hooks: HookReceiver;
let sendInvitationId: string;
const make = factories(t, { invitation: { name: 'Partner portal', type: 'single' } });

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  transport = createSmtpTransport(smtp.url, { bounceDomain: DOMAIN });
  bounces = await startBounceReceiver(t.ctx, { port: 0, host: '127.0.0.1', domain: DOMAIN });
  const wfs = (await t.api('GET', 'workflows?limit=500')).json().items;
  sendInvitationId = wfs.find((w: { key: string }) => w.key === 'send-invitation').id;
  await make.setting('Webhooks/AllowPrivateNetworks', 'true');
  hooks = await startHookReceiver();
  const e = await t.api('POST', 'webhook-endpoints', { body: { url: hooks.url, events: ['email.bounced'] } });
  hooks.secret = e.json().secret;
});
afterAll(async () => {
  await hooks.close();
  await bounces.close();
  await transport.close();
  await smtp.close();
});

const runJobs = () =>
  runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport, {}, { retryScheduleMs: [0] }), { pollMs: 10 });

async function sendInvitation(invitationId: string) {
  const r = await t.api('POST', `workflows/${sendInvitationId}/run`, { body: { targetIds: [invitationId] } });
  expect(r.statusCode, r.body).toBe(202);
  await runJobs();
  return (await t.api('GET', `workflow-runs/${r.json().items[0].id}`)).json();
}

/** A DSN as a remote server writes it (RFC 3464), sent to `returnPath` with an empty MAIL FROM. */
async function sendDsn(returnPath: string, status: string, diagnostic: string) {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: bounces.port, secure: false, ignoreTLS: true });
  const boundary = 'dsn-boundary-1';
  const raw = [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${returnPath}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I could not deliver your message.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; someone@example.com',
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  await client.sendMail({ envelope: { from: '', to: [returnPath] }, raw });
  client.close();
}

describe('bounces', () => {
  it('reads the email id of a return path of its own domain only', () => {
    const id = '0190a3c2-7b1d-7c3e-9f00-0123456789ab';
    expect(emailIdOfReturnPath(`bounce+${id}@${DOMAIN}`, DOMAIN)).toBe(id);
    expect(emailIdOfReturnPath(`bounce+${id}@other.example`, DOMAIN)).toBeUndefined();
    expect(emailIdOfReturnPath(`someone@${DOMAIN}`, DOMAIN)).toBeUndefined();
  });

  it('a hard bounce marks the email bounced with the reason, fires email.bounced, marks the address, and Send Invitation skips it until it changes', async () => {
    const c = await make.contact();
    const inv = await make.invitation({ invitedContactIds: [c.id] });
    const run = await sendInvitation(inv.id);
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const emailId = run.steps[0].detail.recipients[0].emailId as string;
    const message = smtp.received.find((m) => m.to.includes(c.emailaddress1));
    expect(message?.envelopeFrom).toBe(`bounce+${emailId}@${DOMAIN}`);

    await sendDsn(message?.envelopeFrom as string, '5.1.1', '550 5.1.1 <someone@example.com>: User unknown');
    await waitUntil(
      async () => (await t.api('GET', `emails/${emailId}`)).json().status === 'bounced',
      10_000,
      'the bounce',
    );
    const email = (await t.api('GET', `emails/${emailId}`)).json();
    expect(email.lastError).toBe('5.1.1 550 5.1.1 <someone@example.com>: User unknown');
    const contact = (await t.api('GET', `contacts/${c.id}`)).json();
    expect(contact.emailaddress1Undeliverable).toMatch(/^5\.1\.1 .*User unknown/);

    await waitUntil(
      async () => {
        await runJobs();
        return hooks.received.length > 0;
      },
      10_000,
      'the email.bounced delivery',
    );
    expect(hooks.received[0]).toMatchObject({
      verified: true,
      body: { type: 'email.bounced', data: { emailId, status: 'bounced', hard: true, toContactId: c.id } },
    });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/portal_emails\{status="bounced"\} [1-9]/);

    // Sending again skips the undeliverable address, with the reason.
    const second = await make.invitation({ invitedContactIds: [c.id] });
    const before = smtp.received.length;
    const skipped = await sendInvitation(second.id);
    expect(smtp.received.length).toBe(before);
    expect(JSON.stringify(skipped.steps[0])).toMatch(/undeliverable: 5\.1\.1/);

    // Staff change the address: it is tried again.
    const patched = await t.api('PATCH', `contacts/${c.id}`, { body: { emailaddress1: `new.${c.id}@example.com` } });
    expect(patched.json().emailaddress1Undeliverable).toBeNull();
    const third = await make.invitation({ invitedContactIds: [c.id] });
    expect((await sendInvitation(third.id)).steps[0].status).toBe('succeeded');

    // A bounced email may be sent again (SPEC: resend accepts bounced).
    const resent = await t.api('POST', `emails/${emailId}/resend`);
    expect(resent.statusCode, resent.body).toBe(202);
  });

  it('a soft bounce (4.x.x) marks the email only', async () => {
    const c = await make.contact();
    const inv = await make.invitation({ invitedContactIds: [c.id] });
    const run = await sendInvitation(inv.id);
    const emailId = run.steps[0].detail.recipients[0].emailId as string;
    await sendDsn(`bounce+${emailId}@${DOMAIN}`, '4.2.2', '452 4.2.2 Mailbox full');
    await waitUntil(
      async () => (await t.api('GET', `emails/${emailId}`)).json().status === 'bounced',
      10_000,
      'the soft bounce',
    );
    expect((await t.api('GET', `contacts/${c.id}`)).json().emailaddress1Undeliverable).toBeNull();
  });
});
