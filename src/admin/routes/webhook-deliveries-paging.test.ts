// The endpoint form's delivery log pages like the views (50 a page, Next page / First page, the
// API's cursors) and filters by status (the API's ?status= too); a bad cursor or status is a
// readable answer, not a 500. Deliveries to a real receiver on loopback. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { expectHtml } from '../../../test/helpers/portal.ts';
import { waitUntil } from '../../../test/helpers/wait.ts';
import { createLocalStoreTransport } from '../../email/transport.ts';
import { jobHandlers } from '../../jobs/job-registry.ts';
import { runDueJobsOnce } from '../../jobs/worker.ts';
import { type HookReceiver, startHookReceiver } from '../../lifecycle-events/testing/hook-receiver.ts';

const t = useTestApp();
const make = factories(t);
const COUNT = 53;
let receiver: HookReceiver;
let id = '';

const rowsOf = (body: string) => [...body.matchAll(/data-delivery-id="([0-9a-f-]{36})"/g)].map((m) => m[1]);
const nextHref = (body: string) => /<a href="([^"]+)" rel="next">/.exec(body)?.[1]?.replaceAll('&amp;', '&');

beforeAll(async () => {
  await make.setting('Webhooks/AllowPrivateNetworks', 'true');
  // The first delivery is refused for good (400), every other one succeeds.
  receiver = await startHookReceiver((n) => (n === 1 ? 400 : 204));
  const made = await t.api('POST', 'webhook-endpoints', { body: { url: receiver.url, events: ['contact.created'] } });
  receiver.secret = made.json().secret;
  id = made.json().id;
  for (let i = 0; i < COUNT; i++) await make.contact();
  const handlers = jobHandlers(t.ctx, createLocalStoreTransport(t.ctx.config.dataDir), {}, { timeoutMs: 2000 });
  await waitUntil(
    async () => {
      await runDueJobsOnce(t.ctx, handlers, { pollMs: 10 });
      return receiver.received.length >= COUNT;
    },
    30_000,
    'every delivery attempted',
  );
});
afterAll(async () => receiver?.close());

describe('the delivery log of an endpoint', () => {
  it('pages 50 at a time, newest first, with Next page and First page, as the API does', async () => {
    const admin = await signedInAdmin(t.app);
    const first = await admin.get(`/admin/webhook-endpoints/${id}`);
    expectHtml(first, 200);
    const one = rowsOf(first.body);
    expect(one).toHaveLength(50);
    const api = (await t.api('GET', `webhook-deliveries?endpointId=${id}&limit=50`)).json();
    expect(one).toEqual(api.items.map((d: { id: string }) => d.id));
    const next = nextHref(first.body) as string;
    expect(next).toMatch(new RegExp(`^/admin/webhook-endpoints/${id}\\?cursor=[^#]+#deliveries$`));
    const second = await admin.get(next.replace(/#.*/, ''));
    expectHtml(second, 200);
    const two = rowsOf(second.body);
    expect(two).toHaveLength(COUNT - 50);
    expect(two.some((d) => one.includes(d))).toBe(false);
    expect(nextHref(second.body)).toBeUndefined();
    expect(second.body).toContain(`href="/admin/webhook-endpoints/${id}#deliveries"`);
    expect(second.body).toContain('First page');
  });

  it('filters by status, on the page and on the API', async () => {
    const admin = await signedInAdmin(t.app);
    const failed = await admin.get(`/admin/webhook-endpoints/${id}?status=failed`);
    expectHtml(failed, 200);
    expect(rowsOf(failed.body)).toHaveLength(1);
    expect(failed.body).toMatch(/<option value="failed" selected/);
    expect(failed.body).not.toContain('data-status="succeeded"');
    const api = (await t.api('GET', `webhook-deliveries?endpointId=${id}&status=failed`)).json();
    expect(api.items.map((d: { id: string }) => d.id)).toEqual(rowsOf(failed.body));
    expect(api.items[0]).toMatchObject({ status: 'failed', lastStatusCode: 400 });

    const ok = await admin.get(`/admin/webhook-endpoints/${id}?status=succeeded`);
    expect(rowsOf(ok.body)).toHaveLength(50);
    const rest = await admin.get((nextHref(ok.body) as string).replace(/#.*/, ''));
    expect(rowsOf(rest.body)).toHaveLength(COUNT - 1 - 50);
    expect(rest.body).not.toContain('data-status="failed"');

    const none = await admin.get(`/admin/webhook-endpoints/${id}?status=pending`);
    expectHtml(none, 200);
    expect(rowsOf(none.body)).toHaveLength(0);
    expect(none.body).toContain('No deliveries match the filter.');
    const da = await admin.get(`/admin/webhook-endpoints/${id}?status=pending&lang=da`);
    expect(da.body).toContain('Ingen leveringer passer til filteret.');
  });

  it('answers a readable page to a bad cursor or status, and the API a 422 naming the field', async () => {
    const admin = await signedInAdmin(t.app);
    const unknownStatus = await admin.get(`/admin/webhook-endpoints/${id}?status=nope`);
    expectHtml(unknownStatus, 200);
    expect(rowsOf(unknownStatus.body)).toHaveLength(50);
    const badCursor = await admin.get(`/admin/webhook-endpoints/${id}?cursor=nonsense`);
    expectHtml(badCursor, 422);
    const api = await t.api('GET', `webhook-deliveries?endpointId=${id}&status=nope`);
    expect(api.statusCode).toBe(422);
    expect(api.json().errors[0].field).toBe('status');
  });
});
