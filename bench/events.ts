// Lifecycle events: 10,000 events delivered by the real job worker with its default options (one
// delivery job each, run in batches: claim up to DELIVERY_BATCH jobs, read their deliveries, decrypt
// the secret, sign per Standard Webhooks, POST SEND_CONCURRENCY at a time through the keep-alive
// pool, log every attempt and complete every job in one transaction) to a counting HTTP server on
// loopback. The baseline, in the same run and to the same server: 10,000 plain signed POSTs
// (standardwebhooks + undici, SEND_CONCURRENCY at a time), which read and write nothing: no
// database, no log, no retry. Also the cost of recordLifecycleEvent when no endpoint exists (the
// redemption's hot path pays it).
// `BENCH_EVENTS_N` changes the count; `npm run bench -- events` runs it alone.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Pool } from 'undici';
import { systemActor } from '../src/context.ts';
import { writeTransaction } from '../src/db/group-commit.ts';
import { createLocalStoreTransport } from '../src/email/transport.ts';
import { jobHandlers } from '../src/jobs/job-registry.ts';
import { createWorker } from '../src/jobs/worker.ts';
import { recordLifecycleEvent } from '../src/lifecycle-events/lifecycle-events.ts';
import { SEND_CONCURRENCY } from '../src/lifecycle-events/webhook-delivery.ts';
import { createWebhookEndpoint } from '../src/lifecycle-events/webhook-endpoints.service.ts';
import { newId } from '../src/shared/ids.ts';
import { putSiteSetting } from '../src/site-settings/site-settings.service.ts';
import { benchDialects, fmt, heading, openBenchDatabase } from './lib.ts';

const N = Number(process.env.BENCH_EVENTS_N ?? 10_000);
const CONCURRENCY = SEND_CONCURRENCY;

async function countingHttpServer() {
  const state = { url: '', count: 0, close: async () => {} };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.count++;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

async function baseline(url: string, secret: string): Promise<number> {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: CONCURRENCY });
  const wh = new Webhook(secret);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        const id = newId();
        const body = JSON.stringify({ type: 'contact.created', timestamp: new Date().toISOString(), data: { i } });
        const now = new Date();
        const r = await pool.request({
          path: u.pathname,
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': wh.sign(id, now, body),
          },
        });
        await r.body.dump();
      }
    }),
  );
  const ms = performance.now() - started;
  await pool.close();
  return ms;
}

export async function runEventsBench(): Promise<void> {
  for (const dialect of benchDialects()) {
    heading(`Lifecycle events (${dialect}): ${fmt(N)} events delivered to a loopback endpoint`);
    const b = await openBenchDatabase(dialect);
    const server = await countingHttpServer();
    try {
      // The hot path's cost with no endpoint: N calls, each in a write transaction of its own,
      // against N of the same transactions without the call.
      const tx = async (withEvent: boolean) => {
        const started = performance.now();
        const batch = 200;
        for (let i = 0; i < N; i += batch)
          await Promise.all(
            Array.from({ length: Math.min(batch, N - i) }, () =>
              writeTransaction(b.ctx.db, b.ctx.dialect, async (t) => {
                if (withEvent) await recordLifecycleEvent(t, 'contact.created', { contactId: newId() });
                else await t.selectFrom('site_settings').select('name').limit(0).execute();
              }),
            ),
          );
        return performance.now() - started;
      };
      await tx(false); // warm-up: the first round pays for compiling and the pool
      const bare = Math.min(await tx(false), await tx(false));
      const withCall = Math.min(await tx(true), await tx(true));
      console.log(
        `recordLifecycleEvent, no endpoint: ${fmt(((withCall - bare) * 1000) / N, 1)} µs per call more than a transaction with one empty query (${fmt(withCall)} ms vs ${fmt(bare)} ms for ${fmt(N)})`,
      );

      await putSiteSetting(b.ctx, systemActor, 'Webhooks/AllowPrivateNetworks', 'true');
      const endpoint = await createWebhookEndpoint(b.ctx, systemActor, {
        url: server.url,
        events: ['*'],
        enabled: true,
      });
      for (let i = 0; i < N; i += 500)
        await writeTransaction(b.ctx.db, b.ctx.dialect, async (t) => {
          for (let j = i; j < Math.min(N, i + 500); j++)
            await recordLifecycleEvent(t, 'contact.created', { contactId: newId(), n: j });
        });
      const worker = createWorker(
        b.ctx,
        jobHandlers(b.ctx, createLocalStoreTransport('/tmp'), {}, { retryScheduleMs: [0] }),
        { logger: { error: (o, m) => console.error(m, o), warn: () => {}, info: () => {} } },
      );
      const started = performance.now();
      worker.start();
      const pending = async () =>
        Number(
          (
            await b.ctx.db
              .selectFrom('webhook_deliveries')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('status', '=', 'pending')
              .executeTakeFirst()
          )?.n ?? 0,
        );
      let lastReport = performance.now();
      while (server.count < N) {
        await new Promise((r) => setTimeout(r, 20));
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          const left = await pending();
          console.log(`  … ${fmt(server.count)} received, ${fmt(left)} pending`);
          if (left === 0) break;
        }
      }
      const ms = performance.now() - started;
      await worker.stop();
      const failed = await b.ctx.db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '!=', 'succeeded')
        .executeTakeFirst();
      const before = server.count;
      const plain = await baseline(server.url, endpoint.secret);
      console.log(
        `delivered: ${fmt(before)} in ${fmt(ms)} ms = ${fmt((N * 1000) / ms)} events/s (${failed?.n ?? 0} not succeeded)`,
      );
      console.log(
        `baseline, plain signed POSTs (standardwebhooks + undici, ${CONCURRENCY} at a time, no database): ${fmt((N * 1000) / plain)} POSTs/s`,
      );
      console.log(`ratio: the delivery runs at ${fmt((plain / ms) * 100)} % of the baseline's rate`);
    } finally {
      await server.close();
      await b.close();
    }
  }
}
