// /users: system users (admins only).
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import { createUserSchema, updateUserSchema, userListQuery, userListSchema, userSchema } from './users.schema.ts';
import * as service from './users.service.ts';

export function usersRoutes(app: Api, ctx: AppContext): void {
  const tags = ['System users'];
  app.get(
    '/users',
    {
      schema: {
        tags,
        operationId: 'listUsers',
        summary: 'List system users',
        errors: ['forbidden'],
        querystring: userListQuery,
        response: { 200: userListSchema },
      },
    },
    (req) => service.listUsers(ctx, req.actor, req.query),
  );
  app.post(
    '/users',
    {
      schema: {
        tags,
        operationId: 'createUser',
        summary: 'Create a system user',
        errors: ['forbidden', 'conflict'],
        body: createUserSchema,
        response: { 201: userSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createUser(ctx, req.actor, req.body)),
  );
  app.get(
    '/users/:id',
    {
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'Get a system user',
        errors: ['forbidden'],
        params: idParams,
        response: { 200: userSchema },
      },
    },
    (req) => service.getUser(ctx, req.actor, req.params.id),
  );
  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        operationId: 'updateUser',
        summary: 'Update a system user',
        errors: ['forbidden', 'conflict'],
        params: idParams,
        body: updateUserSchema,
        response: { 200: userSchema },
      },
    },
    (req) => service.updateUser(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/users/:id',
    {
      schema: {
        tags,
        operationId: 'deleteUser',
        summary: 'Delete a system user',
        errors: ['forbidden', 'conflict'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteUser(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
