// The signed-in contact's profile: their account and web roles. A visitor is sent to sign in first.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { withLang } from '../../web/locale.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext } from '../page-context.ts';
import { ProfilePage } from '../pages/profile.tsx';
import { listExternalLogins } from '../../portal-auth/external-logins.service.ts';
import { pendingInvitationsOf, redeemPendingInvitation } from '../../invitations/pending.service.ts';
import { loadSession } from '../../portal-auth/sessions.ts';
import { AppError } from '../../shared/errors.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { ProblemPage } from '../pages/problem.tsx';
import { clientOf } from '../route-helpers.ts';
import { redirectWithNotice } from '../page-context.ts';
import { idParams } from '../../shared/schemas.ts';

export function profileRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/profile', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply);
    if (!pc.profile)
      return reply
        .code(303)
        .header('Location', withLang(`/portal/sign-in?next=${encodeURIComponent('/portal/profile')}`, pc.explicitLang))
        .send();
    const session = await loadSession(ctx, req, reply);
    const pending = await pendingInvitationsOf(ctx, pc.profile.contact.id, session.data.vouchedEmails);
    const externalLogins = await listExternalLogins(ctx, pc.profile.contact.id);
    return sendPage(reply, 200, ProfilePage({ pc, profile: pc.profile, externalLogins, pending }));
  });

  // One-click Redeem of an invitation the profile lists.
  pages.post('/profile/invitations/:id/redeem', { schema: { params: idParams } }, async (req, reply) => {
    const session = await loadSession(ctx, req, reply);
    if (!session.contactId)
      return reply.code(303).header('Location', '/portal/sign-in?next=%2Fportal%2Fprofile').send();
    try {
      await redeemPendingInvitation(ctx, {
        invitationId: req.params.id,
        contactId: session.contactId,
        vouchedEmails: session.data.vouchedEmails,
        client: clientOf(req),
        signInMethod: session.data.signInMethod || 'local',
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const pc = await pageContext(ctx, req, reply);
      return sendRefusal(reply, err, ProblemPage({ pc, err }));
    }
    return redirectWithNotice(req, reply, '/portal/profile', { key: 'redeemed' });
  });
}
