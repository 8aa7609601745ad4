// The back office's webhook endpoints: the view, create with the secret shown once, refusals at the
// fields with what was typed kept, staff refused, Rotate secret, Delete (confirmed), the delivery log
// with Redeliver to a real receiver on loopback, and the Danish words. Both databases.
import { afterAll, describe, expect, it } from 'vitest';
import { type FormFields, signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { waitUntil } from '../../../test/helpers/wait.ts';
import { createLocalStoreTransport } from '../../email/transport.ts';
import { jobHandlers } from '../../jobs/job-registry.ts';
import { runDueJobsOnce } from '../../jobs/worker.ts';
import { type HookReceiver, startHookReceiver } from '../../lifecycle-events/testing/hook-receiver.ts';

const t = useTestApp();
const make = factories(t);
const receivers: HookReceiver[] = [];
afterAll(async () => {
  for (const r of receivers) await r.close();
});

const shownSecret = (body: string) => /id="new-secret"[^>]*value="(whsec_[^"]+)"/.exec(body)?.[1];
const endpointIdOf = (body: string) => /data-secret-shown="([0-9a-f-]{36})"/.exec(body)?.[1] as string;

async function deliverUntil(until: () => boolean | Promise<boolean>, what: string) {
  const transport = createLocalStoreTransport(t.ctx.config.dataDir);
  const handlers = jobHandlers(t.ctx, transport, {}, { retryScheduleMs: [0, 0, 0], timeoutMs: 2000 });
  await waitUntil(
    async () => {
      await runDueJobsOnce(t.ctx, handlers, { pollMs: 10 });
      return await until();
    },
    15_000,
    what,
  );
}

describe('webhook endpoints pages', () => {
  it('creates an endpoint, shows its secret once, lists it, and rotates the secret', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const admin = await signedInAdmin(t.app);
    const form = await admin.get('/admin/webhook-endpoints/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="invitation.redeemed"');
    const res = await admin.post('/admin/webhook-endpoints/new', {
      url: 'http://127.0.0.1:9/hook',
      events: ['invitation.created', 'contact.created'],
      enabled: ['false', 'true'],
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    const secret = shownSecret(res.body) as string;
    expect(secret).toMatch(/^whsec_/);
    expect(res.body).toContain('it will not be shown again');
    expect(res.headers['cache-control']).toBe('no-store');
    const id = endpointIdOf(res.body);
    const api = (await t.api('GET', `webhook-endpoints/${id}`)).json();
    expect(api).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['invitation.created', 'contact.created'] });
    expect(api.enabled).toBe(true);

    const view = await admin.get('/admin/webhook-endpoints');
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain(`data-endpoint-id="${id}"`);
    expect(view.body).toContain('invitation.created, contact.created');
    expect(view.body).not.toContain(secret);
    const page = await admin.get(`/admin/webhook-endpoints/${id}`);
    expect(page.body).not.toContain(secret);
    expect(page.body).toMatch(/value="contact.created" checked/);

    const ask = await admin.get(`/admin/webhook-endpoints/${id}/rotate-secret`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('stops working at once');
    expect(ask.body).not.toContain('whsec_');
    const rotated = await admin.post(`/admin/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const second = shownSecret(rotated.body) as string;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(secret);
  });

  it('edits an endpoint; bad input is the form again (422) with the errors at the fields and values kept', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'false');
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/webhook-endpoints/new');
    // Private networks are refused by default: the service's 422 at url.
    const bad = await admin.post('/admin/webhook-endpoints/new', {
      url: 'http://127.0.0.1:9/kept',
      events: ['email.sent'],
      enabled: 'false',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-url-error"');
    expect(bad.body).toContain('Webhooks/AllowPrivateNetworks');
    expect(bad.body).toContain('value="http://127.0.0.1:9/kept"');
    expect(bad.body).toMatch(/value="email.sent" checked/);
    expect(shownSecret(bad.body)).toBeUndefined();
    // The schema's refusals: "*" with another event, an ftp URL, no events.
    const cases: [FormFields, string][] = [
      [{ url: 'https://example.com/h', events: ['*', 'email.sent'] }, 'events'],
      [{ url: 'ftp://example.com/h', events: ['*'] }, 'url'],
      [{ url: 'https://example.com/h' }, 'events'],
    ];
    for (const [fields, field] of cases) {
      const r = await admin.post('/admin/webhook-endpoints/new', fields);
      expect(r.statusCode, JSON.stringify(fields)).toBe(422);
      expect(r.body).toContain(`id="f-${field}-error"`);
    }
    const before = (await t.api('GET', 'webhook-endpoints')).json().items as { url: string }[];
    expect(before.map((e) => e.url)).not.toContain('http://127.0.0.1:9/kept');
    expect(before.map((e) => e.url)).not.toContain('ftp://example.com/h');

    const created = await admin.post('/admin/webhook-endpoints/new', {
      url: 'https://example.com/h',
      events: ['*'],
      enabled: 'true',
    });
    const id = endpointIdOf(created.body);
    const edited = await admin.post(`/admin/webhook-endpoints/${id}`, {
      url: 'https://example.com/other',
      events: ['email.failed'],
      enabled: 'false',
    });
    expect(edited.statusCode).toBe(303);
    expect((await t.api('GET', `webhook-endpoints/${id}`)).json()).toMatchObject({
      url: 'https://example.com/other',
      events: ['email.failed'],
      enabled: false,
    });
    const badEdit = await admin.post(`/admin/webhook-endpoints/${id}`, { url: 'nope', events: ['email.failed'] });
    expect(badEdit.statusCode).toBe(422);
    expect(badEdit.body).toContain('value="nope"');
    expect((await t.api('GET', `webhook-endpoints/${id}`)).json().url).toBe('https://example.com/other');
  });

  it('refuses staff, and deletes through the confirm page', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const made = await t.api('POST', 'webhook-endpoints', { body: { url: 'http://127.0.0.1:9/x', events: ['*'] } });
    const id = made.json().id as string;
    const staff = await signedInStaff(t.app);
    expect((await staff.get('/admin/webhook-endpoints')).statusCode).toBe(403);
    expect((await staff.get('/admin/webhook-endpoints/new')).statusCode).toBe(403);
    expect((await staff.get(`/admin/webhook-endpoints/${id}`)).statusCode).toBe(403);
    expect((await staff.post(`/admin/webhook-endpoints/${id}/delete`)).statusCode).toBe(403);
    expect((await staff.post(`/admin/webhook-endpoints/${id}/rotate-secret`)).statusCode).toBe(403);
    expect((await staff.get('/admin/contacts')).body).not.toContain('href="/admin/webhook-endpoints"');

    const admin = await signedInAdmin(t.app);
    expect((await admin.get('/admin/contacts')).body).toContain('href="/admin/webhook-endpoints"');
    const confirm = await admin.get(`/admin/webhook-endpoints/${id}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('http://127.0.0.1:9/x');
    expect(confirm.body).toContain(`action="/admin/webhook-endpoints/${id}/delete"`);
    const deleted = await admin.post(`/admin/webhook-endpoints/${id}/delete`);
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/admin/webhook-endpoints');
    expect((await t.api('GET', `webhook-endpoints/${id}`)).statusCode).toBe(404);
    expect((await admin.get(`/admin/webhook-endpoints/${id}`)).statusCode).toBe(404);
  });

  it('shows the delivery log with each attempt, and Redeliver sends the event again', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const receiver = await startHookReceiver((n) => (n === 1 ? 500 : 204));
    receivers.push(receiver);
    const made = await t.api('POST', 'webhook-endpoints', { body: { url: receiver.url, events: ['contact.created'] } });
    receiver.secret = made.json().secret;
    const id = made.json().id as string;
    await make.contact();
    await deliverUntil(() => receiver.received.length >= 2, 'the retried delivery');
    const admin = await signedInAdmin(t.app);
    const page = await admin.get(`/admin/webhook-endpoints/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('contact.created');
    expect(page.body).toContain('data-status="succeeded"');
    expect(page.body).toMatch(/: 500, \d+ ms/);
    expect(page.body).toMatch(/: 204, \d+ ms/);
    const deliveryId = /data-delivery-id="([0-9a-f-]{36})"/.exec(page.body)?.[1] as string;

    // Without the CSRF token nothing is queued.
    expect(
      (await admin.post(`/admin/webhook-deliveries/${deliveryId}/redeliver`, {}, { csrf: false })).statusCode,
    ).toBe(403);
    const again = await admin.post(`/admin/webhook-deliveries/${deliveryId}/redeliver`);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/admin/webhook-endpoints/${id}`);
    const after = await admin.get(`/admin/webhook-endpoints/${id}`);
    expect(after.body).toContain('data-notice="redelivered"');
    await deliverUntil(() => receiver.received.length >= 3, 'the redelivery');
    expect(receiver.received[2]?.id).toBe(receiver.received[0]?.id);
    expect(receiver.received[2]?.verified).toBe(true);
  });

  it('speaks Danish with ?lang=da', async () => {
    const admin = await signedInAdmin(t.app);
    const view = await admin.get('/admin/webhook-endpoints?lang=da');
    expect(view.body).toContain('Alle webhook-endepunkter');
    const form = await admin.get('/admin/webhook-endpoints/new');
    expect(form.body).toContain('Hændelser');
    expect(form.body).toContain('Alle hændelser');
    const bad = await admin.post('/admin/webhook-endpoints/new', { url: 'ftp://x', events: ['*'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Ret venligst felterne');
  });
});
