// /emails: the email activities (queued by workflows; staff may resend one whose delivery is unknown or failed).
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { idParams } from '../shared/schemas.ts';
import { emailActivitySchema, emailListQuery, emailListSchema } from './email.schema.ts';
import * as service from './email.service.ts';

export function emailRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Emails'];
  app.get(
    '/emails',
    {
      schema: {
        tags,
        operationId: 'listEmails',
        summary: 'List email activities',
        querystring: emailListQuery,
        response: { 200: emailListSchema },
      },
    },
    (req) => service.listEmails(ctx, req.query),
  );
  app.get(
    '/emails/:id',
    {
      schema: {
        tags,
        operationId: 'getEmail',
        summary: 'Get an email activity (secrets masked)',
        params: idParams,
        response: { 200: emailActivitySchema },
      },
    },
    (req) => service.getEmail(ctx, req.params.id),
  );
  app.post(
    '/emails/:id/resend',
    {
      schema: {
        tags,
        operationId: 'resendEmail',
        errors: ['conflict'],
        summary: 'Send an email whose delivery is unknown or failed again (same Message-ID; audited)',
        params: idParams,
        response: { 202: emailActivitySchema },
      },
    },
    async (req, reply) => reply.code(202).send(await service.resendEmail(ctx, req.actor, req.params.id)),
  );
}
