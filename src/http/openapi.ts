// The two OpenAPI 3.1 documents: the staff API (/api/v1/openapi.json) and the portal JSON API
// (/portal/api/openapi.json). Each is one @fastify/swagger in the scope that holds its routes, so
// it sees those routes and nothing else; the document transform (openapi-document.ts) adds what a
// route does not say itself: error responses, the Problem schema, security, names.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ErrorCode } from '../shared/errors.ts';
import { completeDocument, type DocumentKind, type RouteDoc } from './openapi-document.ts';
import './openapi-names.ts';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * Error codes this route answers beyond the ones every route of its document declares by
     * default (see docs/architecture.md "OpenAPI documents"): e.g. `['conflict']`.
     */
    errors?: readonly ErrorCode[];
  }
  interface FastifyContextConfig {
    /** A documentation route (the document itself, its browsable reference): no authentication. */
    documentation?: boolean;
  }
}

/** The success answer of a route that answers 204: `response: { 204: noContent }`. */
export const noContent = z.null().describe('No Content');

const infos: Record<DocumentKind, { title: string; description: string; server: string }> = {
  staff: {
    title: 'Portal Invitations staff API',
    server: '/api/v1',
    description:
      'The REST API of the back office: system users authenticate with `Authorization: Bearer pit_…` (an API token). ' +
      'Errors are `application/problem+json` (RFC 9457) with a stable `code` (the `Problem` schema). Lists answer ' +
      '`{ items, nextCursor }`, paged with `limit` (1..500, default 50) and the opaque `cursor`. Any unknown field in a ' +
      'body is a 422 naming it. Every address answers a method it does not know with 405 `method-not-allowed` and ' +
      'an `Allow` header (components.responses.MethodNotAllowed); an over-long address is 414 `uri-too-long` and ' +
      'over-large headers 431 `header-too-large`, on every operation.',
  },
  portal: {
    title: 'Portal Invitations portal JSON API',
    server: '/portal/api',
    description:
      "The portal's own actions as JSON, for portal front ends and mobile apps, on the same session cookie as the " +
      'portal pages (`portal_session`). A client without a session gets one, and its CSRF token, from `GET /me`; ' +
      'every state-changing call (sign-up and sign-in included) sends that token in `X-CSRF-Token`. Errors are ' +
      '`application/problem+json` (RFC 9457) with a stable `code` (the `Problem` schema).',
  },
};

/**
 * Registers the document of `kind` in `scope` (call it before the scope's routes and before any
 * authentication hook of the scope): the document at `<prefix>/openapi.json`, the browsable
 * reference at `<prefix>/docs`. Returns nothing; the routes registered in `scope` afterwards are
 * its operations.
 */
export async function useOpenApi(scope: FastifyInstance, kind: DocumentKind): Promise<void> {
  const routes = new Map<string, RouteDoc>();
  const zodTransform = createJsonSchemaTransform({});
  const zodComponents = createJsonSchemaTransformObject({});
  const info = infos[kind];
  await scope.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: info.title,
        version: '1',
        description: info.description,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: info.server, description: 'This server' }],
    },
    transform: (document) => {
      const schema = document.schema as { operationId?: string; errors?: readonly ErrorCode[] } | undefined;
      if (schema?.operationId) routes.set(schema.operationId, { errors: schema.errors ?? [] });
      return zodTransform(document);
    },
    transformObject: (document) =>
      completeDocument(kind, zodComponents(document) as unknown as Record<string, unknown>, routes) as never,
  });
  // The documentation routes live in a child scope made before any hook of `scope`, so that an
  // authentication hook added to `scope` later does not reach them (they are public).
  await scope.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), documentation: true };
    });
    docs.get('/openapi.json', { schema: { hide: true } }, async () => scope.swagger());
    // indexPrefix: the page links its assets by absolute path, which must include the scope's prefix.
    await docs.register(swaggerUi, { routePrefix: '/docs', indexPrefix: scope.prefix });
  });
}
