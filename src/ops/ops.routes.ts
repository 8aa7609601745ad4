// /healthz (the process is up), /readyz (the database answers), /metrics (Prometheus text).
import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { emailCountsByStatus } from '../email/email.service.ts';
import type { AppContext } from '../context.ts';
import { ping } from '../db/connection.ts';

export function opsRoutes(app: FastifyInstance, ctx: AppContext, registry: Registry): void {
  // Read from the database at each scrape: every process (and the CLI worker) shows the same counts,
  // and an email whose delivery is `unknown` waits for staff, so it must be visible.
  new Gauge({
    name: 'portal_emails',
    help: 'Email activities by delivery status (unknown: the server may or may not have the message)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const status of ['pending', 'sending', 'sent', 'failed', 'unknown'] as const) this.set({ status }, 0);
      for (const { status, n } of await emailCountsByStatus(ctx)) this.set({ status }, n);
    },
  });
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ping(ctx.db);
      return { status: 'ready', database: ctx.dialect };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: ctx.dialect });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('Content-Type', registry.contentType).send(await registry.metrics()),
  );
}
