// The invitation lifecycle end to end, on both databases: resend keeping and rotating the code (a
// real SMTP server on loopback receives both messages), chosen codes, reminders with a moved clock
// (once across two concurrent sweeps, none after redemption), the expiry notice once, decline then
// redeem refused, and the card's QR code decoded back to the redemption link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { csrfOf, signInThroughPage, visitors } from '../../test/helpers/portal.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { createSmtpTransport, type MailTransport } from '../email/transport.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../email/testing/smtp-test-server.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { sendDueReminders, sweepExpiredInvitations } from './lifecycle-jobs.ts';

// jsqr is CommonJS: its default import is the function itself.
const jsQR = jsqr as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const t = useTestApp();
const visitor = visitors(t, '10.18');
let smtp: TestSmtpServer;
let transport: MailTransport;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  transport = createSmtpTransport(smtp.url);
});
afterAll(async () => {
  await transport.close();
  await smtp.close();
});

const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport), fast);
const { contact, contactWithPassword, invitation } = factories(t, {
  contact: { firstName: 'Lis', lastName: 'Holm' },
  invitation: { name: 'Lifecycle portal', type: 'single' },
});
const receivedBy = (address: string) => smtp.received.filter((m) => m.to.includes(address));
const codeIn = (text: string | undefined) =>
  new URL(/(http:\/\/localhost:3000\/portal\/redeem\?code=\S+)/.exec(text ?? '')![1]!).searchParams.get('code')!;
const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();
const preview = (code: string) => visitor().get(`/portal/api/invitations/preview?code=${encodeURIComponent(code)}`);

async function sendOnce(id: string) {
  const r = await t.api('POST', `invitations/${id}/resend`, { body: {} });
  expect(r.statusCode, r.body).toBe(202);
  await runJobs();
  return r.json();
}

describe('resend', () => {
  it('sends the same code again, or a new one whose old code stops working at once; the new one redeems', async () => {
    const c = await contactWithPassword('Lis-password-1');
    const inv = await invitation({ invitedContactIds: [c.id] });
    const first = await sendOnce(inv.id);
    expect(first).toMatchObject({ items: [{ targetId: inv.id, status: 'queued' }], skipped: [] });
    await sendOnce(inv.id);
    const kept = receivedBy(c.emailaddress1);
    expect(kept).toHaveLength(2);
    expect(codeIn(kept[1]!.text)).toBe(inv.code);

    const r = await t.api('POST', `invitations/${inv.id}/resend`, { body: { rotateCode: true } });
    expect(r.statusCode, r.body).toBe(202);
    // The old code finds nothing from the moment the resend committed.
    const old = await preview(inv.code);
    expect(old.statusCode).toBe(404);
    expect(old.json().code).toBe('invitation-not-found');
    await runJobs();
    const all = receivedBy(c.emailaddress1);
    expect(all).toHaveLength(3);
    const fresh = codeIn(all[2]!.text);
    expect(fresh).not.toBe(inv.code);

    const p = visitor();
    await p.start();
    expect(
      (await p.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Lis-password-1' })).statusCode,
    ).toBe(200);
    expect((await p.post('/portal/api/redeem', { code: inv.code })).json().code).toBe('invitation-not-found');
    const redeemed = await p.post('/portal/api/redeem', { code: fresh });
    expect(redeemed.statusCode, redeemed.body).toBe(200);
    // Redeemed: resending is refused with the reason.
    const again = await t.api('POST', `invitations/${inv.id}/resend`, { body: {} });
    expect(again.statusCode).toBe(409);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', inv.id).execute();
    expect(audit.filter((a) => a.action === 'resend')).toHaveLength(3);
  });

  it('in bulk by ids: queues runs for the sendable ones and lists the others as skipped; an unknown id is a 422', async () => {
    const a = await invitation({ invitedContactIds: [(await contact()).id] });
    const b = await invitation({ invitedContactIds: [(await contact()).id] });
    expect((await t.api('POST', `invitations/${b.id}/deactivate`)).statusCode).toBe(200);
    const r = await t.api('POST', 'invitations/resend', { body: { ids: [a.id, b.id] } });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().items.map((i: { targetId: string }) => i.targetId)).toEqual([a.id]);
    expect(r.json().skipped).toMatchObject([{ targetId: b.id }]);
    const bad = await t.api('POST', 'invitations/resend', {
      body: { ids: [a.id, '01900000-0000-7000-8000-000000000000'] },
    });
    expect(bad.statusCode).toBe(422);
    expect((await t.api('POST', 'invitations/resend', { body: {} })).statusCode).toBe(422);
    await runJobs();
  });
});

describe('a chosen code', () => {
  it('admins only, at least 10 letters and digits, unique (409), and it redeems like a generated one', async () => {
    const c = await contact();
    const chosen = `Summer-Party-${Date.now()}`;
    const staff = await t.api('POST', 'invitations', {
      token: t.staffToken,
      body: { name: 'Poster', invitedContactIds: [c.id], code: chosen },
    });
    expect(staff.statusCode).toBe(403);
    const short = await t.api('POST', 'invitations', { body: { name: 'Poster', code: 'ABC-123' } });
    expect(short.statusCode).toBe(422);
    const ok = await t.api('POST', 'invitations', { body: { name: 'Poster', type: 'group', code: chosen } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().code).toBe(chosen);
    // Any letter case and hyphens: the one normalisation.
    expect((await preview(chosen.toLowerCase().replace(/-/g, ''))).statusCode).toBe(200);
    const dup = await t.api('POST', 'invitations', {
      body: { name: 'Poster 2', type: 'group', code: chosen.toUpperCase() },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('conflict');
    // On resend with rotateCode; without it the code is refused.
    const inv = await invitation({ invitedContactIds: [c.id] });
    const next = `Rotated${Date.now()}`;
    expect((await t.api('POST', `invitations/${inv.id}/resend`, { body: { code: next } })).statusCode).toBe(422);
    expect(
      (await t.api('POST', `invitations/${inv.id}/resend`, { body: { rotateCode: true, code: chosen } })).statusCode,
    ).toBe(409);
    const rotated = await t.api('POST', `invitations/${inv.id}/resend`, { body: { rotateCode: true, code: next } });
    expect(rotated.statusCode, rotated.body).toBe(202);
    expect((await preview(next)).statusCode).toBe(200);
    expect((await preview(inv.code)).statusCode).toBe(404);
    await runJobs();
  });
});

describe('reminders', () => {
  it('are planned on sending, sent once by two concurrent sweeps at the moved clock, and shown on the invitation', async () => {
    const c = await contact();
    const inv = await invitation({
      invitedContactIds: [c.id],
      expiresAt: inFuture(3600_000),
      reminderSchedule: 'PT30M,PT1M',
    });
    await sendOnce(inv.id);
    const planned = (await t.api('GET', `invitations/${inv.id}`)).json().reminders;
    expect(planned).toHaveLength(2);
    expect(planned.every((r: { sentAt: null }) => r.sentAt === null)).toBe(true);
    const now = new Date(new Date(planned[0].dueAt).getTime() + 1000);
    const [x, y] = await Promise.all([sendDueReminders(t.ctx, { now }), sendDueReminders(t.ctx, { now })]);
    expect(x.sent + y.sent).toBe(1);
    // Later sweeps at the same moment send nothing more.
    expect((await sendDueReminders(t.ctx, { now })).sent).toBe(0);
    await runJobs();
    const mails = receivedBy(c.emailaddress1);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/^Reminder/);
    expect(codeIn(mails[1]!.text)).toBe(inv.code);
    const shown = (await t.api('GET', `invitations/${inv.id}`)).json().reminders;
    expect(shown[0].sentAt).toBe(now.toISOString());
    expect(shown[1].sentAt).toBeNull();
  });

  it('are never sent after redemption; the site schedule applies when the invitation has none', async () => {
    const setting = await t.api('PUT', `site-settings/${encodeURIComponent('Invitations/ReminderSchedule')}`, {
      body: { value: 'P1D' },
    });
    expect(setting.statusCode).toBe(200);
    const c = await contactWithPassword('Lis-password-2');
    const inv = await invitation({ invitedContactIds: [c.id], expiresAt: inFuture(3 * 86_400_000) });
    await sendOnce(inv.id);
    const [planned] = (await t.api('GET', `invitations/${inv.id}`)).json().reminders;
    expect(planned).toBeDefined();
    const p = visitor();
    await p.start();
    await p.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Lis-password-2' });
    expect((await p.post('/portal/api/redeem', { code: inv.code })).statusCode).toBe(200);
    const r = await sendDueReminders(t.ctx, { now: new Date(new Date(planned.dueAt).getTime() + 1000) });
    expect(r.sent).toBe(0);
    await runJobs();
    expect(receivedBy(c.emailaddress1)).toHaveLength(1);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().reminders[0].sentAt).toBeNull();
    const invalid = await t.api('PUT', `site-settings/${encodeURIComponent('Invitations/ReminderSchedule')}`, {
      body: { value: 'three days' },
    });
    expect(invalid.statusCode).toBe(422);
    await t.api('PUT', `site-settings/${encodeURIComponent('Invitations/ReminderSchedule')}`, { body: { value: '' } });
  });
});

describe('expiry', () => {
  it('sweeps an unredeemed invitation to expired once, with one notice to its owner', async () => {
    const c = await contact();
    const inv = await invitation({
      name: `Expiring ${Date.now()}`,
      invitedContactIds: [c.id],
      expiresAt: inFuture(60_000),
    });
    const now = new Date(Date.now() + 120_000);
    const [x, y] = await Promise.all([
      sweepExpiredInvitations(t.ctx, { now }),
      sweepExpiredInvitations(t.ctx, { now }),
    ]);
    expect(x + y).toBe(1);
    expect(await sweepExpiredInvitations(t.ctx, { now })).toBe(0);
    const notices = await t.ctx.db
      .selectFrom('emails')
      .select(['to_address', 'subject'])
      .where('regarding_id', '=', inv.id)
      .execute();
    expect(notices).toEqual([{ to_address: 'admin@example.com', subject: `Invitation expired: ${inv.name}` }]);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().status).toBe('expired');
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', inv.id).execute();
    expect(audit.filter((a) => a.action === 'expire')).toHaveLength(1);
  });
});

describe('decline', () => {
  it('declines from the portal; the owner is told; redeeming is then refused with invitation-declined', async () => {
    const c = await contactWithPassword('Lis-password-3');
    const inv = await invitation({ invitedContactIds: [c.id] });
    const p = visitor();
    await p.start();
    const noCsrf = await p.post('/portal/api/invitations/decline', { code: inv.code }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    const r = await p.post('/portal/api/invitations/decline', { code: inv.code });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ invitationId: inv.id, status: 'declined' });
    expect((await t.api('GET', `invitations/${inv.id}`)).json().status).toBe('declined');
    await p.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Lis-password-3' });
    const refused = await p.post('/portal/api/redeem', { code: inv.code });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('invitation-declined');
    expect((await p.post('/portal/api/invitations/decline', { code: inv.code })).json().code).toBe(
      'invitation-declined',
    );
    const notice = await t.ctx.db
      .selectFrom('emails')
      .select('to_address')
      .where('regarding_id', '=', inv.id)
      .execute();
    expect(notice).toEqual([{ to_address: 'admin@example.com' }]);
    expect((await t.api('POST', `invitations/${inv.id}/resend`, { body: {} })).statusCode).toBe(409);
  });

  it('the preview page offers "This is not for me" with a CSRF field, and its POST shows the confirmation', async () => {
    const inv = await invitation({ invitedContactIds: [(await contact()).id] });
    const p = visitor();
    const page = await p.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    expect(page.statusCode).toBe(200);
    const form = /<form method="post" action="\/portal\/redeem\/decline">[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
    expect(csrf).toBeTruthy();
    const done = await p.request('POST', '/portal/redeem/decline', { form: { _csrf: csrf!, code: inv.code } });
    expect(done.statusCode, done.body.slice(0, 500)).toBe(200);
    expect(done.body).toContain('data-status="declined"');
  });
});

describe('card', () => {
  it('admins get a PNG whose QR code decodes to the redemption link, and an SVG with the name; audited; staff 403', async () => {
    const inv = await invitation({ name: 'Conference & friends', type: 'group', expiresAt: inFuture(86_400_000) });
    const png = await t.app.inject({
      method: 'GET',
      url: `/api/v1/invitations/${inv.id}/card.png`,
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const image = PNG.sync.read(png.rawPayload);
    const qr = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(qr?.data).toBe(inv.redeemUrl);
    const svg = await t.api('GET', `invitations/${inv.id}/card.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('Conference &amp; friends');
    expect((await t.api('GET', `invitations/${inv.id}/card.png`, { token: t.staffToken })).statusCode).toBe(403);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', inv.id).execute();
    expect(audit.filter((a) => a.action === 'card')).toHaveLength(2);
  });

  it('names the expiry in the invitation’s language and the site’s time zone', async () => {
    const tz = `site-settings/${encodeURIComponent('Site/TimeZone')}`;
    expect((await t.api('PUT', tz, { body: { value: 'Europe/Copenhagen' } })).statusCode).toBe(200);
    try {
      const expiresAt = '2030-06-30T21:59:00.000Z';
      const da = await invitation({ name: 'Sommerfest', type: 'group', expiresAt, locale: 'da' });
      const en = await invitation({ name: 'Summer party', type: 'group', expiresAt, locale: 'en' });
      const open = await invitation({ name: 'Open house', type: 'group', locale: 'da' });
      const svg = async (id: string) => (await t.api('GET', `invitations/${id}/card.svg`)).body;
      expect(await svg(da.id)).toContain('Gyldig til 30. juni 2030 kl. 23.59 (Europe/Copenhagen)');
      expect(await svg(en.id)).toContain('Valid until 30 June 2030 at 23:59 (Europe/Copenhagen)');
      expect(await svg(open.id)).toContain('Ingen udløbsdato');
    } finally {
      await t.api('PUT', tz, { body: { value: 'UTC' } });
    }
  });
});

describe('the profile’s pending invitations', () => {
  it('lists open single invitations to the verified email, each redeemed with one POST', async () => {
    const c = await contactWithPassword('Lis-password-4');
    const inv = await invitation({ name: `Waiting ${Date.now()}`, invitedContactIds: [c.id] });
    const p = await signInThroughPage(visitor(), c, 'Lis-password-4');
    const page = await p.get('/portal/profile');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(inv.name);
    const action = `/portal/profile/invitations/${inv.id}/redeem`;
    expect(page.body).toContain(`action="${action}"`);
    const r = await p.request('POST', action, { form: { _csrf: csrfOf(page) } });
    expect(r.statusCode, r.body.slice(0, 500)).toBe(303);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().status).toBe('redeemed');
    expect((await p.get('/portal/profile')).body).not.toContain(inv.name);
  });
});
