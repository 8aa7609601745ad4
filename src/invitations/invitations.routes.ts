// /invitations, /invitations/bulk, /contacts/{id}/invitations ("Create Invitation"), status commands.
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { noContent } from '../http/openapi.ts';
import { idParams } from '../shared/schemas.ts';
import { pageQuerySchema } from '../shared/pagination.ts';
import {
  bulkCreateSchema,
  bulkResendSchema,
  createForContactSchema,
  resendInvitationSchema,
  resendResultSchema,
  bulkCreatedSchema,
  createInvitationSchema,
  createdInvitationSchema,
  invitationLinkSchema,
  invitationListQuery,
  invitationListSchema,
  invitationSchema,
  redemptionListSchema,
  updateInvitationSchema,
} from './invitations.schema.ts';
import * as service from './invitations.service.ts';
import * as lifecycle from './lifecycle.service.ts';
import { invitationCardPng, invitationCardSvg } from './card.ts';
import { z } from 'zod';

export function invitationsRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Invitations'];
  app.get(
    '/invitations',
    {
      schema: {
        tags,
        operationId: 'listInvitations',
        summary: 'List invitations',
        querystring: invitationListQuery,
        response: { 200: invitationListSchema },
      },
    },
    (req) => service.listInvitations(ctx, req.query),
  );
  app.post(
    '/invitations',
    {
      schema: {
        tags,
        operationId: 'createInvitation',
        summary: 'Create an invitation (the answer alone carries its code)',
        errors: ['forbidden', 'conflict'],
        body: createInvitationSchema,
        response: { 201: createdInvitationSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createInvitation(ctx, req.actor, req.body)),
  );
  app.post(
    '/invitations/bulk',
    {
      schema: {
        tags,
        operationId: 'bulkCreateInvitations',
        summary: 'Create one single invitation per contact',
        body: bulkCreateSchema,
        response: { 201: bulkCreatedSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await service.bulkCreateInvitations(ctx, req.actor, req.body)),
  );
  app.post(
    '/contacts/:id/invitations',
    {
      schema: {
        tags,
        operationId: 'createInvitationForContact',
        summary: 'Create Invitation for one contact',
        params: idParams,
        body: createForContactSchema.optional(),
        response: { 201: createdInvitationSchema },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await service.createInvitationForContact(ctx, req.actor, req.params.id, req.body ?? {})),
  );
  app.get(
    '/invitations/:id',
    {
      schema: {
        tags,
        operationId: 'getInvitation',
        summary: 'Get an invitation',
        params: idParams,
        response: { 200: invitationSchema },
      },
    },
    (req) => service.getInvitation(ctx, req.params.id),
  );
  app.patch(
    '/invitations/:id',
    {
      schema: {
        tags,
        operationId: 'updateInvitation',
        summary: 'Update an invitation',
        errors: ['conflict'],
        params: idParams,
        body: updateInvitationSchema,
        response: { 200: invitationSchema },
      },
    },
    (req) => service.updateInvitation(ctx, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/invitations/:id',
    {
      schema: {
        tags,
        operationId: 'deleteInvitation',
        summary: 'Delete an invitation',
        errors: ['conflict'],
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteInvitation(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/invitations/:id/deactivate',
    {
      schema: {
        tags,
        operationId: 'deactivateInvitation',
        summary: 'Deactivate an invitation (status inactive)',
        errors: ['conflict'],
        params: idParams,
        response: { 200: invitationSchema },
      },
    },
    (req) => service.deactivateInvitation(ctx, req.actor, req.params.id),
  );
  app.post(
    '/invitations/:id/activate',
    {
      schema: {
        tags,
        operationId: 'activateInvitation',
        summary: 'Reactivate an inactive invitation',
        errors: ['conflict'],
        params: idParams,
        response: { 200: invitationSchema },
      },
    },
    (req) => service.activateInvitation(ctx, req.actor, req.params.id),
  );
  app.post(
    '/invitations/:id/link',
    {
      schema: {
        tags,
        operationId: 'revealInvitationLink',
        errors: ['forbidden', 'conflict'],
        summary: 'Admins: the code and redemption URL again (audited)',
        params: idParams,
        response: { 200: invitationLinkSchema },
      },
    },
    (req) => service.revealInvitationLink(ctx, req.actor, req.params.id),
  );
  app.post(
    '/invitations/resend',
    {
      schema: {
        tags,
        summary: 'Send Invitation again on many invitations (by ids or status), optionally rotating their codes',
        operationId: 'resendInvitations',
        body: bulkResendSchema,
        response: { 202: resendResultSchema },
      },
    },
    async (req, reply) => reply.code(202).send(await lifecycle.bulkResendInvitations(ctx, req.actor, req.body)),
  );
  app.post(
    '/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send Invitation again, keeping or rotating the code (the old one stops working at once)',
        operationId: 'resendInvitation',
        params: idParams,
        body: resendInvitationSchema.default({}),
        response: { 202: resendResultSchema },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await lifecycle.resendInvitation(ctx, req.actor, req.params.id, req.body ?? {})),
  );
  app.get(
    '/invitations/:id/card.svg',
    {
      schema: {
        tags,
        summary: 'Admins: a printable card with a QR code of the redemption link, as SVG (audited)',
        operationId: 'getInvitationCardSvg',
        errors: ['forbidden', 'conflict'],
        params: idParams,
        response: { 200: { description: 'The card', content: { 'image/svg+xml': { schema: z.string() } } } },
      },
    },
    async (req, reply) =>
      reply
        .header('content-type', 'image/svg+xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(await invitationCardSvg(ctx, req.actor, req.params.id)),
  );
  app.get(
    '/invitations/:id/card.png',
    {
      schema: {
        tags,
        summary:
          'Admins: the printable card as PNG, 100 × 150 mm at 300 dpi, with a QR code of the redemption link (audited)',
        operationId: 'getInvitationCardPng',
        errors: ['forbidden', 'conflict'],
        params: idParams,
        response: {
          200: {
            description: 'The card: portal name, invitation name, expiry, QR code',
            content: { 'image/png': { schema: z.unknown().describe('The PNG bytes') } },
          },
        },
      },
    },
    async (req, reply) =>
      reply
        .header('content-type', 'image/png')
        .header('cache-control', 'no-store')
        .send(await invitationCardPng(ctx, req.actor, req.params.id)),
  );
  app.get(
    '/invitations/:id/redemptions',
    {
      schema: {
        tags,
        operationId: 'listInvitationRedemptions',
        summary: 'List the redemptions of an invitation',
        params: idParams,
        querystring: pageQuerySchema,
        response: { 200: redemptionListSchema },
      },
    },
    (req) => service.listRedemptions(ctx, req.params.id, req.query),
  );
}
