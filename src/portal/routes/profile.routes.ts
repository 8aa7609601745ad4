// The signed-in contact's profile: their account and web roles. A visitor is sent to sign in first.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { withLang } from '../../web/locale.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext } from '../page-context.ts';
import { ProfilePage } from '../pages/profile.tsx';
import { listExternalLogins } from '../../portal-auth/external-logins.service.ts';

export function profileRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/profile', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply);
    if (!pc.profile)
      return reply
        .code(303)
        .header('Location', withLang(`/portal/sign-in?next=${encodeURIComponent('/portal/profile')}`, pc.explicitLang))
        .send();
    const externalLogins = await listExternalLogins(ctx, pc.profile.contact.id);
    return sendPage(reply, 200, ProfilePage({ pc, profile: pc.profile, externalLogins }));
  });
}
