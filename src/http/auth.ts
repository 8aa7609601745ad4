// Bearer-token authentication for the API: sets request.actor for every call in its scope.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, AppContext } from '../context.ts';
import { authenticateToken } from '../tokens/tokens.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export function useBearerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request) => {
    // The OpenAPI document and its reference are public (http/openapi.ts marks their routes).
    if (request.routeOptions.config.documentation) return;
    request.actor = await authenticateToken(ctx, bearerToken(request));
  });
}
