// /healthz (the process is up), /readyz (the database answers), /metrics (Prometheus text).
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AppContext } from '../context.ts';
import { ping } from '../db/connection.ts';

export function opsRoutes(app: FastifyInstance, ctx: AppContext, registry: Registry): void {
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
