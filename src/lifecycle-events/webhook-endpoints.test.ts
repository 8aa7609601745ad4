// Webhook endpoints with the real outside world: deliveries to a real HTTP server on loopback,
// verified with `standardwebhooks`; a 500 retried with the same webhook-id; subscriptions; nothing
// delivered for a change that rolled back; the API's rules. Both databases.
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { createLocalStoreTransport } from '../email/transport.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { recordLifecycleEvent } from './lifecycle-events.ts';
import { startHookReceiver, type HookReceiver } from './testing/hook-receiver.ts';

const t = useTestApp();
const make = factories(t);
const receivers: HookReceiver[] = [];
afterAll(async () => {
  for (const r of receivers) await r.close();
});

/** Runs due jobs with a retry schedule of no waiting, until `until` holds. */
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

async function endpoint(events: string[], answer?: (n: number) => number) {
  const receiver = await startHookReceiver(answer);
  receivers.push(receiver);
  const r = await t.api('POST', 'webhook-endpoints', { body: { url: receiver.url, events } });
  expect(r.statusCode, r.body).toBe(201);
  receiver.secret = r.json().secret;
  return { receiver, endpoint: r.json() };
}

describe('webhook endpoints', () => {
  it('refuses a loopback URL while Webhooks/AllowPrivateNetworks is "false", with a 422 naming url', async () => {
    const r = await t.api('POST', 'webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('url');
    expect(r.json().errors[0].message).toMatch(/Webhooks\/AllowPrivateNetworks/);
  });

  it('checks the body: events by name or ["*"] alone, unknown fields, the URL scheme', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    for (const body of [
      { url: 'http://127.0.0.1/x', events: ['invitation.nope'] },
      { url: 'http://127.0.0.1/x', events: ['*', 'email.sent'] },
      { url: 'http://127.0.0.1/x', events: [] },
      { url: 'ftp://127.0.0.1/x', events: ['*'] },
      { url: 'http://127.0.0.1/x', events: ['*'], secret: 'whsec_mine' },
    ]) {
      const r = await t.api('POST', 'webhook-endpoints', { body });
      expect(r.statusCode, JSON.stringify(body)).toBe(422);
      expect(r.json().code).toBe('validation-failed');
    }
  });

  it('shows the secret on create and on rotate only; staff are refused; changes are audited', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const created = await t.api('POST', 'webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hook', events: ['invitation.created'] },
    });
    expect(created.statusCode).toBe(201);
    const e = created.json();
    expect(e.secret).toMatch(/^whsec_/);
    expect(e).toMatchObject({ events: ['invitation.created'], enabled: true });
    const got = (await t.api('GET', `webhook-endpoints/${e.id}`)).json();
    expect(got.secret).toBeUndefined();
    const listed = (await t.api('GET', 'webhook-endpoints')).json();
    expect(listed.items.find((i: { id: string }) => i.id === e.id).secret).toBeUndefined();
    const patched = await t.api('PATCH', `webhook-endpoints/${e.id}`, { body: { enabled: false } });
    expect(patched.json()).toMatchObject({ enabled: false });
    expect(patched.json().secret).toBeUndefined();
    const rotated = (await t.api('POST', `webhook-endpoints/${e.id}/rotate-secret`)).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(e.secret);
    // Stored encrypted: the secret is nowhere in the row.
    const row = await t.ctx.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirst();
    expect(row?.secret_sealed).not.toContain(rotated.secret.slice(6));
    expect((await t.api('GET', 'webhook-endpoints', { token: t.staffToken })).statusCode).toBe(403);
    const actions = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('record_id', '=', e.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['create', 'update', 'rotate-secret']);
    expect((await t.api('DELETE', `webhook-endpoints/${e.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', `webhook-endpoints/${e.id}`)).statusCode).toBe(404);
  });

  it('delivers signed events, retries a 500 with the same webhook-id, logs each attempt, and redelivers', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const { receiver, endpoint: e } = await endpoint(['contact.created'], (n) => (n === 1 ? 500 : 200));
    const c = await make.contact();
    await deliverUntil(() => receiver.received.filter((r) => r.verified).length >= 2, 'the retried delivery');
    const [first, second] = receiver.received;
    expect(first?.verified && second?.verified).toBe(true);
    expect(second?.id).toBe(first?.id);
    expect(second?.body).toMatchObject({ type: 'contact.created', data: { contactId: c.id, contact: { id: c.id } } });
    const log = (await t.api('GET', `webhook-deliveries?endpointId=${e.id}`)).json();
    expect(log.items).toHaveLength(1);
    const d = log.items[0];
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 2, eventId: first?.id, eventType: 'contact.created' });
    expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    expect(d.attempts[0].error).toMatch(/500/);
    expect(typeof d.attempts[1].latencyMs).toBe('number');
    expect(log.nextCursor).toBeNull();

    const again = await t.api('POST', `webhook-deliveries/${d.id}/redeliver`);
    expect(again.statusCode).toBe(202);
    await deliverUntil(() => receiver.received.length >= 3, 'the redelivery');
    expect(receiver.received[2]?.id).toBe(first?.id);
    expect(receiver.received[2]?.verified).toBe(true);
    // Never a secret in a payload.
    expect(JSON.stringify(receiver.received)).not.toContain('whsec_');
  });

  it('delivers only the events an endpoint subscribed to, and nothing for a change that rolled back', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const { receiver } = await endpoint(['invitation.created']);
    const c = await make.contact();
    const inv = await make.invitation({ type: 'single', invitedContactIds: [c.id] });
    await expect(
      t.ctx.db.transaction().execute(async (tx) => {
        await recordLifecycleEvent(tx, 'invitation.created', { invitationId: c.id });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await deliverUntil(() => receiver.received.length >= 1, 'the invitation.created delivery');
    // Everything due has run: nothing else arrives.
    await runDueJobsOnce(t.ctx, jobHandlers(t.ctx, createLocalStoreTransport(t.ctx.config.dataDir)), {});
    expect(receiver.received.map((r) => r.body.type)).toEqual(['invitation.created']);
    expect(receiver.received[0]?.body.data.invitationId).toBe(inv.id);
  });

  it('refuses a delivery to loopback at send time once the setting is "false" again, with the reason', async () => {
    await make.setting('Webhooks/AllowPrivateNetworks', 'true');
    const { receiver, endpoint: e } = await endpoint(['contact.created']);
    await make.setting('Webhooks/AllowPrivateNetworks', 'false');
    await make.contact();
    let d: { status: string; attempts: Array<{ error: string }> } | undefined;
    await deliverUntil(async () => {
      d = (await t.api('GET', `webhook-deliveries?endpointId=${e.id}`)).json().items[0];
      return d?.status === 'failed';
    }, 'the refused delivery');
    expect(receiver.received).toHaveLength(0);
    // Refused for good at the first attempt: no retry of a refusal.
    expect(d?.attempts).toHaveLength(1);
    expect(d?.attempts[0]?.error).toMatch(/Refused: 127\.0\.0\.1/);
  });
});

describe('OpenAPI', () => {
  it('documents every event type as an OpenAPI 3.1 webhook with its payload schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.webhooks)).toContain('invitation.redeemed');
    expect(Object.keys(doc.webhooks)).toHaveLength(13);
    const schema = doc.webhooks['invitation.redeemed'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.data.required).toEqual(
      expect.arrayContaining(['invitationId', 'contactId', 'redemptionId']),
    );
    expect(doc.paths['/webhook-endpoints'].post.operationId).toBe('createWebhookEndpoint');
  });
});
