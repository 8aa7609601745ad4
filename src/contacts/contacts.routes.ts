// /contacts, including "Change Password".
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import {
  contactListQuery,
  contactListSchema,
  contactSchema,
  createContactSchema,
  setPasswordSchema,
  updateContactSchema,
} from './contacts.schema.ts';
import * as service from './contacts.service.ts';

export function contactsRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Contacts'];
  app.get(
    '/contacts',
    {
      schema: {
        tags,
        operationId: 'listContacts',
        summary: 'List contacts',
        querystring: contactListQuery,
        response: { 200: contactListSchema },
      },
    },
    (req) => service.listContacts(ctx, req.query),
  );
  app.post(
    '/contacts',
    {
      schema: {
        tags,
        operationId: 'createContact',
        summary: 'Create a contact',
        errors: ['conflict'],
        body: createContactSchema,
        response: { 201: contactSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createContact(ctx, req.actor, req.body)),
  );
  app.get(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'getContact',
        summary: 'Get a contact',
        params: idParams,
        response: { 200: contactSchema },
      },
    },
    (req) => service.getContact(ctx, req.params.id),
  );
  app.patch(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'updateContact',
        summary: 'Update a contact',
        errors: ['conflict'],
        params: idParams,
        body: updateContactSchema,
        response: { 200: contactSchema },
      },
    },
    (req) => service.updateContact(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'deleteContact',
        summary: 'Delete a contact no invitation names',
        errors: ['conflict'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteContact(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/contacts/:id/password',
    {
      schema: {
        tags,
        operationId: 'setContactPassword',
        summary: 'Set a contact’s portal password (Change Password)',
        params: idParams,
        body: setPasswordSchema,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.setContactPassword(ctx, req.actor, req.params.id, req.body.password);
      return reply.code(204).send(null);
    },
  );
}
