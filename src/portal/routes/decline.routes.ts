// Declining an invitation: the preview page's form (POST /portal/redeem/decline, then a
// confirmation page) and the JSON call (POST /portal/api/invitations/decline { code }). Both go
// through the same service; the portal's preHandler has checked the CSRF token first.
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { declineInvitation } from '../../invitations/lifecycle.service.ts';
import { loadSession } from '../../portal-auth/sessions.ts';
import { AppError } from '../../shared/errors.ts';
import { formValues } from '../../web/forms.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext } from '../page-context.ts';
import { DeclinedPage } from '../pages/decline.tsx';
import { renderRedeem } from '../redeem-view.ts';
import { assertInvitationsEnabled, clientOf } from '../route-helpers.ts';

export const declineBody = z.strictObject({ code: z.string().max(200) });
export const declineReply = z.object({ invitationId: z.string(), status: z.literal('declined') });

export function declineApiRoutes(app: Api, ctx: AppContext): void {
  app.post(
    '/invitations/decline',
    {
      schema: {
        tags: ['Portal'],
        summary: 'The invitee declines a single invitation by its code (status declined; the owner is told)',
        operationId: 'declineInvitation',
        errors: [
          'rate-limited',
          'conflict',
          'invitation-not-found',
          'invitation-expired',
          'invitation-inactive',
          'invitation-redeemed',
          'invitation-declined',
          'max-redemptions-reached',
        ],
        body: declineBody,
        response: { 200: declineReply },
      },
    },
    async (req, reply) => {
      await assertInvitationsEnabled(ctx);
      const s = await loadSession(ctx, req, reply);
      return declineInvitation(ctx, req.body.code, clientOf(req), s.contactId);
    },
  );
}

export function declinePageRoutes(pages: Api, ctx: AppContext): void {
  pages.post('/redeem/decline', async (req, reply) => {
    await assertInvitationsEnabled(ctx);
    const code = formValues(req.body).code ?? '';
    const s = await loadSession(ctx, req, reply);
    try {
      await declineInvitation(ctx, code, clientOf(req), s.contactId);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return renderRedeem(ctx, req, reply, code, err, undefined, err);
    }
    return sendPage(reply, 200, DeclinedPage({ pc: await pageContext(ctx, req, reply) }));
  });
}
