// /content-pages: portal pages kept by staff (served at /portal/pages/{slug}).
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import {
  contentPageListQuery,
  contentPageListSchema,
  contentPageSchema,
  createContentPageSchema,
  updateContentPageSchema,
} from './content-pages.schema.ts';
import * as service from './content-pages.service.ts';

export function contentPagesRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Content pages'];
  app.get(
    '/content-pages',
    {
      schema: {
        tags,
        operationId: 'listContentPages',
        summary: 'List portal content pages',
        querystring: contentPageListQuery,
        response: { 200: contentPageListSchema },
      },
    },
    (req) => service.listContentPages(ctx, req.query),
  );
  app.post(
    '/content-pages',
    {
      schema: {
        tags,
        operationId: 'createContentPage',
        summary: 'Create a portal content page',
        errors: ['conflict'],
        body: createContentPageSchema,
        response: { 201: contentPageSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createContentPage(ctx, req.actor, req.body)),
  );
  app.get(
    '/content-pages/:id',
    {
      schema: {
        tags,
        operationId: 'getContentPage',
        summary: 'Get a portal content page',
        params: idParams,
        response: { 200: contentPageSchema },
      },
    },
    (req) => service.getContentPage(ctx, req.params.id),
  );
  app.patch(
    '/content-pages/:id',
    {
      schema: {
        tags,
        operationId: 'updateContentPage',
        summary: 'Update a portal content page',
        errors: ['conflict'],
        params: idParams,
        body: updateContentPageSchema,
        response: { 200: contentPageSchema },
      },
    },
    (req) => service.updateContentPage(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/content-pages/:id',
    {
      schema: {
        tags,
        operationId: 'deleteContentPage',
        summary: 'Delete a portal content page',
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteContentPage(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
