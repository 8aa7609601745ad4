// The front page (with the content pages the viewer may open) and the content pages themselves. A
// page limited to web roles: a visitor gets 401 and a sign-in link (signing in may open it); a
// signed-in contact without one of the roles gets 403.
import type { AppContext } from '../../context.ts';
import { openContentPage, visibleContentPages } from '../../content-pages/content-pages.service.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext } from '../page-context.ts';
import { ContentPageView } from '../pages/content-page.tsx';
import { HomePage } from '../pages/home.tsx';
import { ProblemPage } from '../pages/problem.tsx';
import { viewerOf } from '../route-helpers.ts';

export function portalContentPageRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply);
    return sendPage(reply, 200, HomePage({ pc, pages: await visibleContentPages(ctx, viewerOf(pc)) }));
  });

  pages.get('/pages/*', async (req, reply) => {
    const slug = ((req.params as { '*'?: string })['*'] ?? '').replace(/\/+$/, '');
    const pc = await pageContext(ctx, req, reply);
    try {
      return sendPage(reply, 200, ContentPageView({ pc, page: await openContentPage(ctx, slug, viewerOf(pc)) }));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const path = `/portal/pages/${slug}`;
      if (err.code === 'unauthorized') {
        const actions = [
          {
            href: pc.href(`/portal/sign-in?next=${encodeURIComponent(path)}`),
            label: pc.t.actions.signIn,
            primary: true,
          },
          { href: pc.href('/portal'), label: pc.t.actions.home },
        ];
        const { signInTitle: title, signInBody: body } = pc.t.contentPage;
        return sendRefusal(reply, err, ProblemPage({ pc, err, actions, title, body }));
      }
      if (err.code === 'forbidden') {
        const { forbiddenTitle: title, forbiddenBody: body } = pc.t.contentPage;
        return sendRefusal(reply, err, ProblemPage({ pc, err, title, body }));
      }
      throw err;
    }
  });
}
