// The back office's dashboard (to be built: the invitation funnel, latest failures).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { sendPage } from '../../web/render.ts';
import { staffPageContext } from '../page-context.ts';
import { Layout, PageHeader } from '../pages/layout.tsx';

export function dashboardRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(
      reply,
      200,
      Layout({ pc, title: pc.t.nav.dashboard, children: PageHeader({ title: pc.t.nav.dashboard }) }),
    );
  });
}
