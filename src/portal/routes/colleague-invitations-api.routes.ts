// /portal/api/invitations: partners' own invitations as JSON (SPEC "Portal JSON API"): list mine,
// invite a colleague, resend or deactivate one of mine. The session cookie says who; the portal's
// preHandler checks X-CSRF-Token on every POST before these run. Rules: src/partner-invitations.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { loadSession } from '../../portal-auth/sessions.ts';
import { AppError } from '../../shared/errors.ts';
import { idParams } from '../../shared/schemas.ts';
import {
  colleagueInvitationListQuery,
  colleagueInvitationListSchema,
  colleagueInvitationSchema,
  inviteColleagueBody,
} from '../../partner-invitations/partner-invitations.schema.ts';
import {
  deactivateMyInvitation,
  inviteColleague,
  listMyInvitations,
  resendMyInvitation,
} from '../../partner-invitations/partner-invitations.service.ts';

export function colleagueInvitationsApiRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Portal: colleague invitations'];
  const signedIn = async (req: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const s = await loadSession(ctx, req, reply);
    if (!s.contactId) throw new AppError('unauthorized', 'Sign in first.');
    return s.contactId;
  };

  app.get(
    '/invitations',
    {
      schema: {
        tags,
        summary: 'The invitations I made, newest first',
        operationId: 'listMyInvitations',
        querystring: colleagueInvitationListQuery,
        response: { 200: colleagueInvitationListSchema },
      },
    },
    async (req, reply) => listMyInvitations(ctx, await signedIn(req, reply), req.query),
  );

  app.post(
    '/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a colleague into my account (sent at once)',
        operationId: 'inviteColleague',
        body: inviteColleagueBody,
        response: { 201: colleagueInvitationSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await inviteColleague(ctx, await signedIn(req, reply), req.body)),
  );

  app.post(
    '/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send one of my open invitations again',
        operationId: 'resendMyInvitation',
        params: idParams,
        response: { 202: colleagueInvitationSchema },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await resendMyInvitation(ctx, await signedIn(req, reply), req.params.id)),
  );

  app.post(
    '/invitations/:id/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate one of my open invitations',
        operationId: 'deactivateMyInvitation',
        params: idParams,
        response: { 200: colleagueInvitationSchema },
      },
    },
    async (req, reply) => deactivateMyInvitation(ctx, await signedIn(req, reply), req.params.id),
  );
}
