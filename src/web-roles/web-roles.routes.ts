// /web-roles
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import {
  createWebRoleSchema,
  updateWebRoleSchema,
  webRoleListQuery,
  webRoleListSchema,
  webRoleSchema,
} from './web-roles.schema.ts';
import * as service from './web-roles.service.ts';

export function webRolesRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Web roles'];
  app.get(
    '/web-roles',
    {
      schema: {
        tags,
        operationId: 'listWebRoles',
        summary: 'List web roles',
        querystring: webRoleListQuery,
        response: { 200: webRoleListSchema },
      },
    },
    (req) => service.listWebRoles(ctx, req.query),
  );
  app.post(
    '/web-roles',
    {
      schema: {
        tags,
        operationId: 'createWebRole',
        summary: 'Create a web role',
        errors: ['conflict'],
        body: createWebRoleSchema,
        response: { 201: webRoleSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createWebRole(ctx, req.actor, req.body)),
  );
  app.get(
    '/web-roles/:id',
    {
      schema: {
        tags,
        operationId: 'getWebRole',
        summary: 'Get a web role',
        params: idParams,
        response: { 200: webRoleSchema },
      },
    },
    (req) => service.getWebRole(ctx, req.params.id),
  );
  app.patch(
    '/web-roles/:id',
    {
      schema: {
        tags,
        operationId: 'updateWebRole',
        summary: 'Update a web role',
        errors: ['conflict'],
        params: idParams,
        body: updateWebRoleSchema,
        response: { 200: webRoleSchema },
      },
    },
    (req) => service.updateWebRole(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/web-roles/:id',
    {
      schema: {
        tags,
        operationId: 'deleteWebRole',
        summary: 'Delete a web role no one holds',
        errors: ['conflict'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteWebRole(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
