// /identity-providers: external sign-in providers (admins only).
import { noContent } from '../http/openapi.ts';
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { idParams } from '../shared/schemas.ts';
import {
  createIdentityProviderSchema,
  identityProviderListQuery,
  identityProviderListSchema,
  identityProviderSchema,
  updateIdentityProviderSchema,
} from './identity-providers.schema.ts';
import * as service from './identity-providers.service.ts';

export function identityProvidersRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Identity providers'];
  app.get(
    '/identity-providers',
    {
      schema: {
        tags,
        summary: 'List identity providers (admins)',
        operationId: 'listIdentityProviders',
        querystring: identityProviderListQuery,
        response: { 200: identityProviderListSchema },
      },
    },
    (req) => service.listIdentityProviders(ctx, req.actor, req.query),
  );
  app.post(
    '/identity-providers',
    {
      schema: {
        tags,
        summary: 'Add an OpenID Connect or SAML 2.0 provider (admins)',
        operationId: 'createIdentityProvider',
        body: createIdentityProviderSchema,
        response: { 201: identityProviderSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createIdentityProvider(ctx, req.actor, req.body)),
  );
  app.get(
    '/identity-providers/:id',
    {
      schema: {
        tags,
        summary: 'One identity provider (admins; the client secret is never returned)',
        operationId: 'getIdentityProvider',
        params: idParams,
        response: { 200: identityProviderSchema },
      },
    },
    (req) => service.getIdentityProvider(ctx, req.actor, req.params.id),
  );
  app.patch(
    '/identity-providers/:id',
    {
      schema: {
        tags,
        summary: 'Change an identity provider (admins; the type never changes)',
        operationId: 'updateIdentityProvider',
        params: idParams,
        body: updateIdentityProviderSchema,
        response: { 200: identityProviderSchema },
      },
    },
    (req) => service.updateIdentityProvider(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/identity-providers/:id',
    {
      schema: {
        tags,
        summary: 'Delete an unused identity provider (admins; 409 while logins or invitations use it)',
        operationId: 'deleteIdentityProvider',
        errors: ['conflict'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteIdentityProvider(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
