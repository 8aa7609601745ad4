// The portal: its JSON API under /portal/api, its pages under /portal and the classic Power Pages
// link /register. One CSRF preHandler covers every POST of all three, so a new route is protected
// without anyone remembering to. Pages answer errors with a page in the visitor's language (the
// API's status for the same code, the code in data-code); the JSON API with problem documents.
import { unmatched } from '../http/framework-errors.ts';
import { useOpenApi } from '../http/openapi.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { sendProblem, toAppError } from '../http/errors.ts';
import type { Api } from '../http/types.ts';
import { loadSession } from '../portal-auth/sessions.ts';
import { AppError } from '../shared/errors.ts';
import { assetRoutes } from '../web/assets.ts';
import { csrf } from '../web/csrf.ts';
import { sendRefusal } from '../web/refusal.ts';
import { bareContext, pageContext, type PageContext } from './page-context.ts';
import { ProblemPage } from './pages/problem.tsx';
import { portalApiRoutes } from './routes/api.routes.ts';
import { portalContentPageRoutes } from './routes/content-pages.routes.ts';
import { emailLinkRoutes } from './routes/email-links.routes.ts';
import { profileRoutes } from './routes/profile.routes.ts';
import { powerPagesLinkRoutes, redeemRoutes } from './routes/redeem.routes.ts';
import { signInRoutes } from './routes/sign-in.routes.ts';
import { signUpRoutes } from './routes/sign-up.routes.ts';

export async function portalPlugin(
  portal: Api,
  ctx: AppContext,
  allowedMethods: (path: string) => string[] = () => [],
): Promise<void> {
  // No exemptions: every unsafe route of the portal takes the session's token.
  portal.addHook(
    'preHandler',
    csrf({ expectedToken: async (req, reply) => (await loadSession(ctx, req, reply)).csrfToken }),
  );

  await portal.register(
    async (api) => {
      // Its own OpenAPI document (/portal/api/openapi.json, /portal/api/docs): these routes alone.
      await useOpenApi(api, 'portal');
      portalApiRoutes(api.withTypeProvider<ZodTypeProvider>(), ctx);
    },
    { prefix: '/portal/api' },
  );

  powerPagesLinkRoutes(portal, ctx);

  await portal.register(
    async (scope) => {
      const pages = scope.withTypeProvider<ZodTypeProvider>();
      pages.setErrorHandler(async (error, req, reply) => {
        const err = toAppError(error);
        if (err.code === 'internal-error') req.log.error({ err: error }, 'unhandled error on a portal page');
        let pc: PageContext;
        try {
          pc = await pageContext(ctx, req, reply);
        } catch {
          pc = bareContext(req);
        }
        return sendRefusal(reply, err, ProblemPage({ pc, err }));
      });
      pages.setNotFoundHandler(async (req, reply) => {
        // The JSON API shares the /portal prefix; its clients get problem documents.
        // A wrong method on a page that exists is 405 with Allow, as on the API.
        const err = unmatched(allowedMethods, req, reply);
        if (req.url.startsWith('/portal/api/') || req.url === '/portal/api') return sendProblem(reply, err);
        const pc = await pageContext(ctx, req, reply);
        const shown = err.code === 'not-found' ? new AppError('not-found') : err;
        return sendRefusal(reply, shown, ProblemPage({ pc, err: shown }));
      });

      assetRoutes(pages, { '/assets/portal.css': new URL('./assets/portal.css', import.meta.url) });
      portalContentPageRoutes(pages, ctx);
      signInRoutes(pages, ctx);
      signUpRoutes(pages, ctx);
      emailLinkRoutes(pages, ctx);
      redeemRoutes(pages, ctx);
      profileRoutes(pages, ctx);
    },
    { prefix: '/portal' },
  );
}
