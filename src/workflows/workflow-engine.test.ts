// The engine with the real outside world: a redemption that runs a workflow, webhooks received by a
// real HTTP server on loopback that verifies the Standard Webhooks signature with the
// `standardwebhooks` package, retries with back-off, giving up with the reason, resuming after the
// last succeeded step, and private addresses refused. Both databases.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { PortalClient } from '../../test/helpers/portal.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { newId } from '../shared/ids.ts';
import { createWorker, runDueJobsOnce } from '../jobs/worker.ts';
import { createSmtpTransport, type MailTransport } from '../email/transport.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../email/testing/smtp-test-server.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { isNonPublicAddress } from './webhooks.ts';

interface Delivery {
  id: string;
  body: {
    type: string;
    timestamp: string;
    // biome-ignore lint/suspicious/noExplicitAny: a webhook body is whatever JSON the run sent
    data: Record<string, any>;
  };
  verified: boolean;
}

interface HookServer {
  url: string;
  deliveries: Delivery[];
  /** Requests that arrived (answered or not). */
  arrivals: number;
  /** The answer to the n-th request (1-based): a status, or 'hang' to never answer. */
  answer: (n: number) => number | 'hang';
  secret: string;
  close(): Promise<void>;
}

const servers: HookServer[] = [];

async function startHookServer(secret: string, answer: HookServer['answer'] = () => 204): Promise<HookServer> {
  const hanging = new Set<ServerResponse>();
  const state: HookServer = { url: '', deliveries: [], arrivals: 0, answer, secret, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++state.arrivals;
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply = state.answer(n);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      let verified = false;
      try {
        new Webhook(state.secret).verify(raw, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      if (reply >= 200 && reply < 300)
        state.deliveries.push({ id: String(req.headers['webhook-id']), body: JSON.parse(raw), verified });
      res.statusCode = verified ? reply : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(state);
  return state;
}

const t = useTestApp();
let smtp: TestSmtpServer;
let transport: MailTransport;
const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const handlers = () => jobHandlers(t.ctx, transport, { webhookTimeoutMs: 150 });
const runJobs = () => runDueJobsOnce(t.ctx, handlers(), fast);
const setPrivateNetworks = (value: string) =>
  t.api('PUT', `site-settings/${encodeURIComponent('Webhooks/AllowPrivateNetworks')}`, { body: { value } });

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  transport = createSmtpTransport(smtp.url);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await transport.close();
  await smtp.close();
});

const make = factories(t, { contact: { firstName: 'Rick', lastName: 'Redeemer' } });
const { contact } = make;

/** A workflow with `steps(secret)`, activated; the secret is the one shown on create. */
async function activated(
  steps: (hook: (answer?: HookServer['answer']) => Promise<HookServer>) => Promise<unknown[]>,
  primaryEntity = 'contact',
) {
  const created = (await t.api('POST', 'workflows', { body: { name: `Hooks ${newId()}`, primaryEntity } })).json();
  const hook = (answer?: HookServer['answer']) => startHookServer(created.webhookSecret, answer);
  const r = await t.api('PATCH', `workflows/${created.id}`, { body: { steps: await steps(hook) } });
  expect(r.statusCode, r.body).toBe(200);
  expect((await t.api('POST', `workflows/${created.id}/activate`)).statusCode).toBe(200);
  return created;
}

async function runOne(workflowId: string, targetId: string): Promise<string> {
  const r = await t.api('POST', `workflows/${workflowId}/run`, { body: { targetIds: [targetId] } });
  expect(r.statusCode, r.body).toBe(202);
  return r.json().items[0].id;
}

const getRun = async (id: string) => (await t.api('GET', `workflow-runs/${id}`)).json();

/** Runs the real worker until the run is finished. */
async function untilFinished(runId: string, timeoutMs = 20_000) {
  const worker = createWorker(t.ctx, handlers(), fast);
  worker.start();
  try {
    await waitUntil(
      async () => ['succeeded', 'failed'].includes((await getRun(runId)).status),
      timeoutMs,
      `run ${runId} to finish`,
    );
  } finally {
    await worker.stop();
  }
  return getRun(runId);
}

describe('private addresses', () => {
  it('knows loopback, private and link-local addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
      '100.64.0.1',
    ])
      expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1'])
      expect(isNonPublicAddress(a), a).toBe(false);
  });

  it('refuses a webhook to a loopback address while Webhooks/AllowPrivateNetworks is "false", at once and with the reason', async () => {
    expect((await setPrivateNetworks('false')).statusCode).toBe(200);
    let server!: HookServer;
    const wf = await activated(async (hook) => {
      server = await hook();
      return [{ type: 'webhook', url: server.url, event: 'contact.checked' }];
    });
    const c = await contact();
    const runId = await runOne(wf.id, c.id);
    await runJobs();
    const run = await getRun(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/Refused: 127\.0\.0\.1 .*loopback or private address.*Webhooks\/AllowPrivateNetworks/);
    expect(server.arrivals).toBe(0);
    // The name localhost is refused as well.
    const byName = await activated(async () => [
      { type: 'webhook', url: server.url.replace('127.0.0.1', 'localhost'), event: 'x' },
    ]);
    const runId2 = await runOne(byName.id, c.id);
    await runJobs();
    expect((await getRun(runId2)).error).toMatch(/Refused/);
    expect(server.arrivals).toBe(0);
  });
});

describe('webhooks and runs', () => {
  beforeAll(async () => {
    // The test servers listen on 127.0.0.1.
    expect((await setPrivateNetworks('true')).statusCode).toBe(200);
  });

  it('a redemption runs the workflow: contact field updated, web role added, signed webhook received', async () => {
    const role = await make.webRole({ name: `Partners ${newId()}` });
    let server!: HookServer;
    const wf = await activated(async (hook) => {
      server = await hook();
      return [
        { type: 'update-contact', fields: { locale: 'da', emailaddress2: 'work@example.com' } },
        { type: 'add-web-role', webRoleId: role.id },
        { type: 'webhook', url: server.url, event: 'contact.redeemed' },
      ];
    });
    const c = await make.contactWithPassword('Portal-password-1');
    const inv = await make.invitation({
      name: 'Join',
      type: 'single',
      invitedContactIds: [c.id],
      redeemWorkflowId: wf.id,
    });

    // Redeem through the portal JSON API as the invited contact, signed in.
    const client = new PortalClient(t.app, '10.9.0.1');
    await client.start();
    expect(
      (await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Portal-password-1' })).statusCode,
    ).toBe(200);
    const redeemed = await client.post('/portal/api/redeem', { code: inv.code });
    expect(redeemed.statusCode, redeemed.body).toBe(200);

    const runs = (await t.api('GET', `workflow-runs?workflowId=${wf.id}&targetId=${c.id}`)).json().items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'queued', trigger: 'redemption' });
    await runJobs();
    const run = await getRun(runs[0].id);
    expect(run.status, run.error).toBe('succeeded');
    expect(run.steps.map((s: { type: string; status: string }) => `${s.type}:${s.status}`)).toEqual([
      'update-contact:succeeded',
      'add-web-role:succeeded',
      'webhook:succeeded',
    ]);

    const after = (await t.api('GET', `contacts/${c.id}`)).json();
    expect(after).toMatchObject({ locale: 'da', emailaddress2: 'work@example.com' });
    expect(after.webRoleIds).toContain(role.id);
    expect(server.deliveries).toHaveLength(1);
    const d = server.deliveries[0]!;
    expect(d.verified).toBe(true);
    expect(d.id).toBe(`msg_${run.id}_steps.2`);
    expect(d.body.type).toBe('contact.redeemed');
    expect(d.body.data.contact).toMatchObject({ id: c.id, locale: 'da', emailaddress2: 'work@example.com' });
    expect(d.body.data.contact.webRoleIds).toContain(role.id);
    expect(d.body.data.workflow).toMatchObject({ id: wf.id });
    expect(d.body.data.run).toEqual({ id: run.id, trigger: 'redemption' });
    expect(run.steps[2].detail).toMatchObject({ status: 204, event: 'contact.redeemed', webhookId: d.id });

    // A rotated secret signs the next call; the old one no longer verifies.
    const rotated = (await t.api('POST', `workflows/${wf.id}/rotate-secret`)).json().webhookSecret;
    const runId = await runOne(wf.id, c.id);
    await runJobs();
    expect((await getRun(runId)).status).toBe('failed');
    server.secret = rotated;
    const runId2 = await runOne(wf.id, c.id);
    await runJobs();
    expect((await getRun(runId2)).status).toBe('succeeded');
    expect(server.deliveries.at(-1)!.verified).toBe(true);
  });

  it('a deactivated workflow does not run on redemption, and the redemption still succeeds', async () => {
    const wf = await activated(async () => [{ type: 'update-contact', fields: { lastName: 'Changed' } }]);
    await t.api('POST', `workflows/${wf.id}/deactivate`);
    const c = await contact();
    const inv = await make.invitation({
      name: 'Join',
      type: 'single',
      invitedContactIds: [c.id],
      redeemWorkflowId: wf.id,
    });
    const client = new PortalClient(t.app, '10.9.0.2');
    await client.start();
    const signUp = await client.post('/portal/api/sign-up', {
      email: c.emailaddress1,
      password: 'Portal-password-1',
      invitationCode: inv.code,
    });
    expect(signUp.statusCode, signUp.body).toBe(200);
    expect((await t.api('GET', `invitations/${inv.id}`)).json()).toMatchObject({
      status: 'redeemed',
      redeemedContactIds: [c.id],
    });
    await runJobs();
    expect((await t.api('GET', `workflow-runs?workflowId=${wf.id}`)).json().items).toEqual([]);
    expect((await t.api('GET', `contacts/${c.id}`)).json().lastName).toBe('Redeemer');
  });

  it('a webhook answering 500 then 200 is delivered once and the run succeeds', async () => {
    let server!: HookServer;
    const wf = await activated(async (hook) => {
      server = await hook((n) => (n === 1 ? 500 : 200));
      return [{ type: 'webhook', url: server.url, event: 'contact.synced' }];
    });
    const c = await contact();
    const run = await untilFinished(await runOne(wf.id, c.id));
    expect(run.status).toBe('succeeded');
    expect(run.error).toBeNull();
    expect(server.arrivals).toBe(2);
    expect(server.deliveries).toHaveLength(1);
    expect(server.deliveries[0]!.verified).toBe(true);
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0]).toMatchObject({ type: 'webhook', status: 'succeeded', detail: { status: 200 } });
    const job = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('payload', '=', JSON.stringify({ runId: run.id }))
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'succeeded', attempts: 2 });
  });

  it('a webhook that never answers fails the run after the retries, with the reason', async () => {
    let server!: HookServer;
    const wf = await activated(async (hook) => {
      server = await hook(() => 'hang');
      return [{ type: 'webhook', url: server.url, event: 'contact.lost' }];
    });
    const c = await contact();
    const runId = await runOne(wf.id, c.id);
    // Short of attempts: 3 instead of the default 10.
    await t.ctx.db
      .updateTable('jobs')
      .set({ max_attempts: 3 })
      .where('payload', '=', JSON.stringify({ runId }))
      .execute();
    const run = await untilFinished(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toBe('steps.0 (webhook): The webhook did not answer within 150 ms. (gave up after 3 attempts)');
    expect(server.arrivals).toBe(3);
    expect(run.steps).toEqual([
      expect.objectContaining({
        index: 0,
        type: 'webhook',
        status: 'failed',
        error: 'The webhook did not answer within 150 ms. (gave up after 3 attempts)',
      }),
    ]);
  });

  it('a 4xx answer fails the run at once', async () => {
    let server!: HookServer;
    const wf = await activated(async (hook) => {
      server = await hook(() => 410);
      return [{ type: 'webhook', url: server.url, event: 'contact.gone' }];
    });
    const c = await contact();
    const runId = await runOne(wf.id, c.id);
    await runJobs();
    const run = await getRun(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/answered 410/);
    expect(server.arrivals).toBe(1);
  });

  it('a run retried after a failure in step 3 does not repeat steps 1 and 2', async () => {
    const created = (
      await t.api('POST', 'workflows', { body: { name: `Resume ${newId()}`, primaryEntity: 'contact' } })
    ).json();
    const tpl = (
      await t.api('POST', 'email-templates', {
        body: {
          workflowId: created.id,
          name: 'Welcome',
          locale: 'en',
          subject: 'Welcome {{ contact.firstName }}',
          html: '<p>Welcome {{ contact.firstName }}</p>',
          text: 'Welcome {{ contact.firstName }}',
        },
      })
    ).json();
    const first: HookServer = await startHookServer(created.webhookSecret);
    const third: HookServer = await startHookServer(created.webhookSecret, (n) => (n <= 2 ? 503 : 200));
    const steps = [
      { type: 'send-email', templateId: tpl.id },
      { type: 'webhook', url: first.url, event: 'step.two' },
      { type: 'webhook', url: third.url, event: 'step.three' },
    ];
    expect((await t.api('PATCH', `workflows/${created.id}`, { body: { steps } })).statusCode).toBe(200);
    await t.api('POST', `workflows/${created.id}/activate`);
    const c = await contact({ firstName: 'Once' });
    const run = await untilFinished(await runOne(created.id, c.id));
    expect(run.status, run.error).toBe('succeeded');
    expect(third.arrivals).toBe(3);
    expect(first.arrivals).toBe(1);
    await waitUntil(() => smtp.received.some((m) => m.to.includes(c.emailaddress1)), 10_000, 'the welcome email');
    expect(smtp.received.filter((m) => m.to.includes(c.emailaddress1))).toHaveLength(1);
    expect(smtp.received.find((m) => m.to.includes(c.emailaddress1))!.subject).toBe('Welcome Once');
    expect(
      run.steps.map((s: { index: number; path: string; status: string }) => `${s.index}:${s.path}:${s.status}`),
    ).toEqual(['0:steps.0:succeeded', '1:steps.1:succeeded', '2:steps.2:succeeded']);
    const job = await t.ctx.db
      .selectFrom('jobs')
      .select(['attempts'])
      .where('payload', '=', JSON.stringify({ runId: run.id }))
      .executeTakeFirstOrThrow();
    expect(job.attempts).toBe(3);
  });
});
