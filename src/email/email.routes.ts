// /emails: the email activities (read only; emails are queued by workflows).
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { idParams } from '../shared/schemas.ts';
import { emailActivitySchema, emailListQuery, emailListSchema } from './email.schema.ts';
import * as service from './email.service.ts';

export function emailRoutes(app: Api, ctx: AppContext): void {
  const tags = ['Emails'];
  app.get('/emails', { schema: { tags, querystring: emailListQuery, response: { 200: emailListSchema } } }, (req) =>
    service.listEmails(ctx, req.query),
  );
  app.get('/emails/:id', { schema: { tags, params: idParams, response: { 200: emailActivitySchema } } }, (req) =>
    service.getEmail(ctx, req.params.id),
  );
}
