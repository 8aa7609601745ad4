// The back office at /admin: server-rendered pages for system users, on the same services as the API.
// One scope with its own session (staff-auth), one guard (signed in, else the sign-in page; no users
// yet, else the set-up page), one CSRF preHandler for every POST, and error pages in the user's
// language with the API's status for the same code.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { toAppError } from '../http/errors.ts';
import { unmatched } from '../http/framework-errors.ts';
import type { Api } from '../http/types.ts';
import { AppError } from '../shared/errors.ts';
import { loadStaffSession } from '../staff-auth/staff-sessions.ts';
import { hasNoUsers } from '../bootstrap.ts';
import { assetRoutes } from '../web/assets.ts';
import { csrf } from '../web/csrf.ts';
import { sendRefusal } from '../web/refusal.ts';
import { adminPageContext, bareAdminContext, type AdminPageContext } from './page-context.ts';
import { AdminProblemPage } from './pages/problem.tsx';
import { accountRoutes } from './routes/accounts.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { contactAuthenticationRoutes } from './routes/contact-authentication.routes.ts';
import { contactRoutes } from './routes/contacts.routes.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { emailRoutes } from './routes/emails.routes.ts';
import { invitationCommandRoutes } from './routes/invitation-commands.routes.ts';
import { invitationLifecycleRoutes } from './routes/invitation-lifecycle.routes.ts';
import { invitationRoutes } from './routes/invitations.routes.ts';
import { lookupRoutes } from './routes/lookups.routes.ts';
import { redemptionRoutes } from './routes/redemptions.routes.ts';
import { runWorkflowRoutes } from './routes/run-workflow.routes.ts';
import { settingsRoutes } from './routes/settings.routes.ts';
import { signInRoutes } from './routes/sign-in.routes.ts';
import { tokenRoutes } from './routes/tokens.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { identityProviderRoutes } from './routes/identity-providers.routes.ts';
import { webRoleRoutes } from './routes/web-roles.routes.ts';
import { workflowRoutes } from './routes/workflows.routes.ts';
import { workflowRunRoutes } from './routes/workflow-runs.routes.ts';
import { emailTemplateRoutes } from './routes/email-templates.routes.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.routes.ts';
import { importExportRoutes } from './routes/import-export.routes.ts';

/** Pages a visitor who is not signed in may open. */
const PUBLIC = new Set(['/admin/sign-in', '/admin/set-up']);
const isPublic = (url: string | undefined) => !url || PUBLIC.has(url) || url.startsWith('/admin/assets/');

const require = createRequire(import.meta.url);
const htmxFile = pathToFileURL(require.resolve('htmx.org/dist/htmx.min.js'));

async function guard(ctx: AppContext, req: FastifyRequest, reply: FastifyReply) {
  if (req.is404 || isPublic(req.routeOptions.url)) return;
  const session = await loadStaffSession(ctx, req, reply);
  if (session.user) return;
  if (req.method !== 'GET') throw new AppError('unauthorized', 'Your back-office session has ended; sign in again.');
  if (await hasNoUsers(ctx)) return reply.code(303).header('Location', '/admin/set-up').send();
  const next = req.url === '/admin' ? '' : `?next=${encodeURIComponent(req.url)}`;
  return reply.code(303).header('Location', `/admin/sign-in${next}`).send();
}

export async function adminPlugin(
  scope: Api,
  ctx: AppContext,
  allowedMethods: (path: string) => string[],
): Promise<void> {
  await scope.register(
    async (instance) => {
      const admin = instance.withTypeProvider<ZodTypeProvider>();
      admin.addHook('preHandler', async (req, reply) => guard(ctx, req, reply));
      admin.addHook(
        'preHandler',
        csrf({ expectedToken: async (req, reply) => (await loadStaffSession(ctx, req, reply)).csrfToken }),
      );
      admin.setErrorHandler(async (error, req, reply) => {
        const err = toAppError(error);
        if (err.code === 'internal-error') req.log.error({ err: error }, 'unhandled error on a back-office page');
        let pc: AdminPageContext;
        try {
          pc = await adminPageContext(ctx, req, reply);
        } catch {
          pc = bareAdminContext(req);
        }
        return sendRefusal(reply, err, AdminProblemPage({ pc, err }));
      });
      admin.setNotFoundHandler(async (req, reply) => {
        const err = unmatched(allowedMethods, req, reply);
        const pc = await adminPageContext(ctx, req, reply);
        const shown = err.code === 'not-found' ? new AppError('not-found') : err;
        return sendRefusal(reply, shown, AdminProblemPage({ pc, err: shown }));
      });

      assetRoutes(admin, {
        '/assets/admin.css': new URL('./assets/admin.css', import.meta.url),
        '/assets/admin.js': new URL('./assets/admin.js', import.meta.url),
        '/assets/htmx.min.js': htmxFile,
      });
      signInRoutes(admin, ctx);
      lookupRoutes(admin, ctx);
      dashboardRoutes(admin, ctx);
      contactRoutes(admin, ctx);
      contactAuthenticationRoutes(admin, ctx);
      accountRoutes(admin, ctx);
      webRoleRoutes(admin, ctx);
      invitationRoutes(admin, ctx);
      invitationCommandRoutes(admin, ctx);
      invitationLifecycleRoutes(admin, ctx);
      runWorkflowRoutes(admin, ctx);
      redemptionRoutes(admin, ctx);
      workflowRoutes(admin, ctx);
      workflowRunRoutes(admin, ctx);
      emailTemplateRoutes(admin, ctx);
      emailRoutes(admin, ctx);
      auditRoutes(admin, ctx);
      settingsRoutes(admin, ctx);
      userRoutes(admin, ctx);
      tokenRoutes(admin, ctx);
      identityProviderRoutes(admin, ctx);
      webhookEndpointRoutes(admin, ctx);
      importExportRoutes(admin, ctx);
    },
    { prefix: '/admin' },
  );
}
