// The invitation form's lifecycle commands in the back office: Resend keeping the code, with a new
// code (the old one refused at once, the new one redeems), with a new expiry; a real SMTP server on
// loopback receives each message. Readable refusals (an expiry in the past, a bad date, a redeemed
// invitation), CSRF enforced, a chosen code for admins only; the card downloads (SVG and PNG, admins
// only, audited) and the Reminders list. Both databases.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { dataCode, expectHtml, visitors } from '../../../test/helpers/portal.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../../email/testing/smtp-test-server.ts';
import { createSmtpTransport, type MailTransport } from '../../email/transport.ts';
import { jobHandlers } from '../../jobs/job-registry.ts';
import { runDueJobsOnce } from '../../jobs/worker.ts';

// jsqr is CommonJS: its default import is the function itself.
const jsQR = jsqr as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const t = useTestApp();
const visitor = visitors(t, '10.61');
const PASSWORD = 'Lifecycle-password-1';
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

const { contactWithPassword, invitation } = factories(t, {
  contact: { firstName: 'Rita', lastName: 'Resend' },
  invitation: { name: 'Back office lifecycle', type: 'single' },
});
const runJobs = () =>
  runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport), {
    pollMs: 20,
    leaseMs: 2_000,
    backoff: { baseMs: 20, maxMs: 100 },
  });
const receivedBy = (address: string) => smtp.received.filter((m) => m.to.includes(address));
const codeIn = (text: string | undefined) =>
  new URL(/(http:\/\/localhost:3000\/portal\/redeem\?code=\S+)/.exec(text ?? '')?.[1] as string).searchParams.get(
    'code',
  ) as string;
const preview = (code: string) => visitor().get(`/portal/api/invitations/preview?code=${encodeURIComponent(code)}`);
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
/** A datetime-local value (no zone, read as UTC by the form). */
const local = (d: Date) => d.toISOString().slice(0, 16);

describe('Resend on the invitation form', () => {
  it('keeps the code, then sends a new one: the old code is refused at once and the new one redeems', async () => {
    const c = await contactWithPassword(PASSWORD);
    const inv = await invitation({ invitedContactIds: [c.id] });
    const admin = await signedInAdmin(t.app);
    const formPage = await admin.get(`/admin/invitations/${inv.id}`);
    expect(formPage.body).toContain(`href="/admin/invitations/${inv.id}/resend"`);
    const page = await admin.get(`/admin/invitations/${inv.id}/resend`);
    expectHtml(page, 200);
    expect(page.body).toContain('name="rotateCode"');
    expect(page.body).toContain('<label for="f-expiresAt">');

    const kept = await admin.post(`/admin/invitations/${inv.id}/resend`, {});
    expect(kept.statusCode, kept.body.slice(0, 800)).toBe(303);
    expect(kept.headers.location).toBe(`/admin/invitations/${inv.id}`);
    await runJobs();
    const first = receivedBy(c.emailaddress1);
    expect(first).toHaveLength(1);
    expect(codeIn(first[0]?.text)).toBe(inv.code);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().status).toBe('sent');

    const rotated = await admin.post(`/admin/invitations/${inv.id}/resend`, { rotateCode: 'true' });
    expect(rotated.statusCode).toBe(303);
    expect((await preview(inv.code)).json().code).toBe('invitation-not-found');
    await runJobs();
    const both = receivedBy(c.emailaddress1);
    expect(both).toHaveLength(2);
    const fresh = codeIn(both[1]?.text);
    expect(fresh).not.toBe(inv.code);

    const p = visitor();
    await p.start();
    expect((await p.post('/portal/api/sign-in', { email: c.emailaddress1, password: PASSWORD })).statusCode).toBe(200);
    expect((await p.post('/portal/api/redeem', { code: inv.code })).json().code).toBe('invitation-not-found');
    expect((await p.post('/portal/api/redeem', { code: fresh })).statusCode).toBe(200);

    // Redeemed: the command is gone from the form, and a resend is a readable refusal with the API's status.
    expect((await admin.get(`/admin/invitations/${inv.id}`)).body).not.toContain(
      `/admin/invitations/${inv.id}/resend"`,
    );
    const refused = await admin.post(`/admin/invitations/${inv.id}/resend`, {});
    expectHtml(refused, 409);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', inv.id).execute();
    expect(audit.filter((a) => a.action === 'resend')).toHaveLength(2);
  });

  it('extends the expiry, and refuses one in the past or a bad date with the Resend page again (422)', async () => {
    const c = await contactWithPassword(PASSWORD);
    const inv = await invitation({ invitedContactIds: [c.id], expiresAt: inDays(1).toISOString() });
    const admin = await signedInAdmin(t.app);
    for (const [expiresAt, lang] of [
      [local(inDays(-2)), 'en'],
      ['31-12-2030 noon', 'da'],
    ] as const) {
      const bad = await admin.request('POST', `/admin/invitations/${inv.id}/resend?lang=${lang}`, {
        form: { expiresAt },
      });
      // The Resend page again, the problem at its field and in the summary, what was typed kept.
      expectHtml(bad, 422);
      expect(bad.body).toContain('id="error-summary"');
      expect(bad.body).toMatch(/id="f-expiresAt"[^>]*aria-invalid="true"/);
      expect(bad.body).toContain('id="f-expiresAt-error"');
      expect(bad.body).toContain(`value="${expiresAt}"`);
    }
    expect((await t.api('GET', `invitations/${inv.id}`)).json().expiresAt).toBe(inv.expiresAt);
    expect(receivedBy(c.emailaddress1)).toHaveLength(0);

    const later = inDays(10);
    const ok = await admin.post(`/admin/invitations/${inv.id}/resend`, { expiresAt: local(later) });
    expect(ok.statusCode, ok.body.slice(0, 800)).toBe(303);
    await runJobs();
    const got = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(got.expiresAt).toBe(`${local(later)}:00.000Z`);
    expect(got.status).toBe('sent');
    expect(receivedBy(c.emailaddress1)).toHaveLength(1);
  });

  it('needs the CSRF token, and only admins may choose the new code', async () => {
    const c = await contactWithPassword(PASSWORD);
    const inv = await invitation({ invitedContactIds: [c.id] });
    const admin = await signedInAdmin(t.app);
    await admin.get(`/admin/invitations/${inv.id}/resend`);
    const forged = await admin.post(`/admin/invitations/${inv.id}/resend`, { rotateCode: 'true' }, { csrf: false });
    expectHtml(forged, 403);
    expect(dataCode(forged)).toContain('csrf-invalid');
    expect((await preview(inv.code)).statusCode).toBe(200);

    const staff = await signedInStaff(t.app);
    const staffPage = await staff.get(`/admin/invitations/${inv.id}/resend`);
    expect(staffPage.body).not.toContain('name="code"');
    const chosen = `StaffChosen${Date.now()}`;
    expectHtml(await staff.post(`/admin/invitations/${inv.id}/resend`, { code: chosen }), 403);
    expect((await preview(inv.code)).statusCode).toBe(200);

    const mine = `PosterCode${Date.now()}`;
    expect((await admin.post(`/admin/invitations/${inv.id}/resend`, { code: mine })).statusCode).toBe(303);
    expect((await preview(inv.code)).statusCode).toBe(404);
    expect((await preview(mine)).statusCode).toBe(200);
    await runJobs();
    expect(codeIn(receivedBy(c.emailaddress1)[0]?.text).toUpperCase()).toBe(mine.toUpperCase());
  });
});

describe('card downloads and reminders on the form', () => {
  it('offers the SVG and PNG cards to admins only, as attachments, audited', async () => {
    const inv = await invitation({ type: 'group', name: 'Sommerfest på Ærø' });
    const admin = await signedInAdmin(t.app);
    const form = await admin.get(`/admin/invitations/${inv.id}`);
    expect(form.body).toContain(`href="/admin/invitations/${inv.id}/card.svg"`);
    expect(form.body).toContain(`href="/admin/invitations/${inv.id}/card.png"`);
    const svg = await admin.get(`/admin/invitations/${inv.id}/card.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-disposition']).toContain('attachment');
    expect(svg.body).toContain('Sommerfest på Ærø');
    const png = await admin.get(`/admin/invitations/${inv.id}/card.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toContain('invitation-card.png');
    const image = PNG.sync.read(png.rawPayload);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(inv.redeemUrl);

    const staff = await signedInStaff(t.app);
    const staffForm = await staff.get(`/admin/invitations/${inv.id}`);
    expect(staffForm.body).not.toContain('/card.png"');
    expectHtml(await staff.get(`/admin/invitations/${inv.id}/card.png`), 403);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('record_id', '=', inv.id)
      .where('action', '=', 'card')
      .execute();
    expect(audit.map((a) => JSON.parse(String(a.details)).format).sort()).toEqual(['png', 'svg']);
  });

  it('lists the planned reminders with their due times, not yet sent', async () => {
    const c = await contactWithPassword(PASSWORD);
    const expiresAt = inDays(7).toISOString();
    const inv = await invitation({ invitedContactIds: [c.id], expiresAt, reminderSchedule: 'P3D,P1D' });
    const admin = await signedInAdmin(t.app);
    const before = await admin.get(`/admin/invitations/${inv.id}`);
    expect(before.body).toContain('data-section="reminders"');
    expect(before.body).toContain('No reminders planned.');
    expect((await admin.post(`/admin/invitations/${inv.id}/resend`, {})).statusCode).toBe(303);
    await runJobs();
    const api = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(api.reminders).toHaveLength(2);
    const page = await admin.get(`/admin/invitations/${inv.id}?lang=da`);
    const section = page.body.slice(page.body.indexOf('data-section="reminders"'));
    expect(section).toContain('Påmindelser');
    expect(section.match(/Ikke sendt/g)).toHaveLength(2);
    expect(section).not.toContain('Ingen påmindelser planlagt.');
  });
});
