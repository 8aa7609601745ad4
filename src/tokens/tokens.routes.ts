// /tokens: API tokens. Admins may manage anyone's; staff their own.
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import { createTokenSchema, createdTokenSchema, tokenListQuery, tokenListSchema } from './tokens.schema.ts';
import * as service from './tokens.service.ts';

export function tokensRoutes(app: Api, ctx: AppContext): void {
  const tags = ['API tokens'];
  app.get(
    '/tokens',
    {
      schema: {
        tags,
        operationId: 'listTokens',
        summary: 'List API tokens',
        errors: ['forbidden'],
        querystring: tokenListQuery,
        response: { 200: tokenListSchema },
      },
    },
    (req) => service.listTokens(ctx, req.actor, req.query),
  );
  app.post(
    '/tokens',
    {
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Create an API token (the answer alone carries it)',
        errors: ['forbidden'],
        body: createTokenSchema,
        response: { 201: createdTokenSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createToken(ctx, req.actor, req.body)),
  );
  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags,
        operationId: 'revokeToken',
        summary: 'Revoke an API token',
        errors: ['forbidden'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.revokeToken(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
