// /portal/api: the portal's own actions as JSON, on the same session cookie as the pages. Every
// state-changing call needs the session's CSRF token in X-CSRF-Token: the portal's preHandler
// (portal.plugin.ts) checks it before any handler here runs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { endSession, loadSession, startSession } from '../../portal-auth/sessions.ts';
import { portalProfile } from '../../contacts/contacts.read.ts';
import { signIn, signUp } from '../../portal-auth/local.service.ts';
import { previewInvitation, redeemInvitation } from '../../redemption/redemption.service.ts';
import { requestLocale } from '../../web/locale.ts';
import { portalSiteLocale } from '../page-context.ts';
import { assertInvitationsEnabled, clientOf } from '../route-helpers.ts';
import {
  meReply,
  previewQuery,
  previewReply,
  redeemBody,
  redeemReply,
  sessionReply,
  signInBody,
  signUpBody,
} from '../portal-api.schema.ts';

export function portalApiRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Portal'];
  const session = (req: FastifyRequest, reply: FastifyReply) => loadSession(ctx, req, reply);

  app.get(
    '/me',
    {
      schema: {
        tags,
        operationId: 'getMe',
        summary: 'Who is signed in, and the session’s CSRF token',
        response: { 200: meReply },
      },
    },
    async (req, reply) => {
      const s = await session(req, reply);
      if (!s.contactId) return { contactId: null, csrfToken: s.csrfToken };
      const profile = await portalProfile(ctx, s.contactId);
      if (!profile) return { contactId: null, csrfToken: (await endSession(ctx, req, reply)).csrfToken };
      return {
        contactId: s.contactId,
        email: profile.contact.emailaddress1,
        accountId: profile.account?.id ?? null,
        webRoles: profile.webRoles,
        csrfToken: s.csrfToken,
      };
    },
  );

  app.post(
    '/sign-up',
    {
      schema: {
        tags,
        operationId: 'signUp',
        summary: 'Sign up (with an invitation code: also redeem)',
        errors: [
          'forbidden',
          'conflict',
          'registration-closed',
          'rate-limited',
          'invitation-not-found',
          'invitation-expired',
          'invitation-inactive',
          'invitation-redeemed',
          'max-redemptions-reached',
          'binding-mismatch',
        ],
        body: signUpBody,
        response: { 200: sessionReply, 202: sessionReply },
      },
    },
    async (req, reply) => {
      if (req.body.invitationCode) await assertInvitationsEnabled(ctx);
      const outcome = await signUp(ctx, {
        email: req.body.email,
        password: req.body.password,
        invitationCode: req.body.invitationCode,
        firstName: req.body.firstName,
        lastName: req.body.lastName,
        locale: req.body.locale ?? requestLocale(req, null, await portalSiteLocale(ctx)),
        client: clientOf(req),
      });
      if (outcome.kind === 'signed-in') {
        const s = await startSession(ctx, ctx.db, req, reply, outcome.contactId, {
          signInMethod: 'local',
          vouchedEmails: [],
        });
        return reply.code(200).send({
          contactId: outcome.contactId,
          csrfToken: s.csrfToken,
          confirmationRequired: false,
          redemption: outcome.redemption,
        });
      }
      const s = await session(req, reply);
      return reply.code(202).send({
        contactId: outcome.contactId,
        csrfToken: s.csrfToken,
        confirmationRequired: true,
        redemption: outcome.redemption,
      });
    },
  );

  app.post(
    '/sign-in',
    {
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in with email or username and password',
        errors: ['unauthorized', 'forbidden', 'rate-limited'],
        body: signInBody,
        response: { 200: sessionReply },
      },
    },
    async (req, reply) => {
      const contact = await signIn(ctx, {
        login: (req.body.username || req.body.email) ?? '',
        password: req.body.password,
        client: clientOf(req),
      });
      const s = await startSession(ctx, ctx.db, req, reply, contact.id, { signInMethod: 'local', vouchedEmails: [] });
      return { contactId: contact.id, csrfToken: s.csrfToken };
    },
  );

  app.post(
    '/sign-out',
    {
      schema: {
        tags,
        operationId: 'signOut',
        summary: 'Sign out (a fresh anonymous session)',
        response: { 200: sessionReply },
      },
    },
    async (req, reply) => {
      const s = await endSession(ctx, req, reply);
      return { contactId: null, csrfToken: s.csrfToken };
    },
  );

  app.get(
    '/invitations/preview',
    {
      schema: {
        tags,
        operationId: 'previewInvitation',
        summary: 'What the redeem page shows for a code; changes nothing',
        errors: [
          'forbidden',
          'rate-limited',
          'invitation-not-found',
          'invitation-expired',
          'invitation-inactive',
          'invitation-redeemed',
          'max-redemptions-reached',
        ],
        querystring: previewQuery,
        response: { 200: previewReply },
      },
    },
    async (req) => {
      await assertInvitationsEnabled(ctx);
      return previewInvitation(ctx, req.query.code, clientOf(req));
    },
  );

  app.post(
    '/redeem',
    {
      schema: {
        tags,
        operationId: 'redeemInvitation',
        summary: 'Redeem a code as the signed-in contact',
        errors: [
          'unauthorized',
          'forbidden',
          'rate-limited',
          'conflict',
          'invitation-not-found',
          'invitation-expired',
          'invitation-inactive',
          'invitation-redeemed',
          'max-redemptions-reached',
          'already-redeemed-by-contact',
          'binding-mismatch',
        ],
        body: redeemBody,
        response: { 200: redeemReply },
      },
    },
    async (req, reply) => {
      const s = await session(req, reply);
      await assertInvitationsEnabled(ctx);
      if (!s.contactId) throw new AppError('unauthorized', 'Sign in or sign up first, then redeem the code.');
      return redeemInvitation(ctx, {
        code: req.body.code,
        contactId: s.contactId,
        client: clientOf(req),
        signInMethod: s.data.signInMethod || 'local',
        vouchedEmails: s.data.vouchedEmails,
      });
    },
  );
}
