// /accounts
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import {
  accountListQuery,
  accountListSchema,
  accountSchema,
  createAccountSchema,
  updateAccountSchema,
} from './accounts.schema.ts';
import * as service from './accounts.service.ts';

export function accountsRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Accounts'];
  app.get(
    '/accounts',
    {
      schema: {
        tags,
        operationId: 'listAccounts',
        summary: 'List accounts',
        querystring: accountListQuery,
        response: { 200: accountListSchema },
      },
    },
    (req) => service.listAccounts(ctx, req.query),
  );
  app.post(
    '/accounts',
    {
      schema: {
        tags,
        operationId: 'createAccount',
        summary: 'Create an account',
        body: createAccountSchema,
        response: { 201: accountSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createAccount(ctx, req.actor, req.body)),
  );
  app.get(
    '/accounts/:id',
    {
      schema: {
        tags,
        operationId: 'getAccount',
        summary: 'Get an account',
        params: idParams,
        response: { 200: accountSchema },
      },
    },
    (req) => service.getAccount(ctx, req.params.id),
  );
  app.patch(
    '/accounts/:id',
    {
      schema: {
        tags,
        operationId: 'updateAccount',
        summary: 'Update an account',
        errors: ['conflict'],
        params: idParams,
        body: updateAccountSchema,
        response: { 200: accountSchema },
      },
    },
    (req) => service.updateAccount(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/accounts/:id',
    {
      schema: {
        tags,
        operationId: 'deleteAccount',
        summary: 'Delete an account no one uses',
        errors: ['conflict'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteAccount(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
