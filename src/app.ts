// Builds the Fastify app from its parts. main.ts starts it; tests build it too.
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import helmet from 'helmet';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import type { DatabaseHandle } from './db/connection.ts';
import { createSecrets } from './shared/crypto.ts';
import { errorHandler, sendProblem } from './http/errors.ts';
import { clientErrorHandler, frameworkErrorHandler, unmatched, useMethodIndex } from './http/framework-errors.ts';
import { useBearerAuth } from './http/auth.ts';
import { useOpenApi } from './http/openapi.ts';
import { refuseControlCharacters } from './http/control-characters.ts';
import type { Api } from './http/types.ts';
import { loggerOptions } from './ops/logging.ts';
import { useMetrics } from './ops/metrics.ts';
import { opsRoutes } from './ops/ops.routes.ts';
import { usersRoutes } from './users/users.routes.ts';
import { tokensRoutes } from './tokens/tokens.routes.ts';
import { accountsRoutes } from './accounts/accounts.routes.ts';
import { contactsRoutes } from './contacts/contacts.routes.ts';
import { webRolesRoutes } from './web-roles/web-roles.routes.ts';
import { siteSettingsRoutes } from './site-settings/site-settings.routes.ts';
import { emailRoutes } from './email/email.routes.ts';
import { invitationsRoutes } from './invitations/invitations.routes.ts';
import { contentPagesRoutes } from './content-pages/content-pages.routes.ts';
import { portalPlugin } from './portal/portal.plugin.ts';
import { adminPlugin } from './admin/admin.plugin.ts';
import { workflowsRoutes } from './workflows/workflows.routes.ts';
import { importExportRoutes } from './import-export/import-export.routes.ts';

export interface BuildOptions {
  config: Config;
  database: DatabaseHandle;
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logStream?: NodeJS.WritableStream;
  /** Sees every route as it is registered (the OpenAPI completeness test collects them). */
  onRoute?: (route: RouteOptions) => void;
}

export interface BuiltApp {
  app: FastifyInstance;
  ctx: AppContext;
}

export const API_PREFIX = '/api/v1';

export async function buildApp(options: BuildOptions): Promise<BuiltApp> {
  const { config, database } = options;
  const ctx: AppContext = {
    config,
    db: database.db,
    dialect: database.dialect,
    secrets: createSecrets(config.secretKey),
  };

  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const allowedMethods = useMethodIndex(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, unmatched(allowedMethods, request, reply)));

  // Security headers. helmet's middleware is built once here: @fastify/helmet built a new one (and
  // parsed the policy again) on every request, which showed in the redemption benchmark.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Not forced: an operator may serve plain http on a private network.
        upgradeInsecureRequests: null,
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
  refuseControlCharacters(app);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimit });

  const registry = useMetrics(app);
  opsRoutes(app, ctx, registry);

  await app.register(
    async (api) => {
      const typed = api as unknown as Api;
      // The document (/api/v1/openapi.json, /api/v1/docs) first: it sees the routes below, and the
      // bearer hook after it does not cover the documentation routes.
      await useOpenApi(api, 'staff');
      useBearerAuth(api, ctx);
      usersRoutes(typed, ctx);
      tokensRoutes(typed, ctx);
      accountsRoutes(typed, ctx);
      contactsRoutes(typed, ctx);
      webRolesRoutes(typed, ctx);
      siteSettingsRoutes(typed, ctx);
      emailRoutes(typed, ctx);
      invitationsRoutes(typed, ctx);
      contentPagesRoutes(typed, ctx);
      workflowsRoutes(typed, ctx);
      importExportRoutes(typed, ctx);
    },
    { prefix: API_PREFIX },
  );

  // The portal: /portal/api, /portal/* and the classic /register link, in one scope of their own.
  await app.register(async (portal) => portalPlugin(portal.withTypeProvider<ZodTypeProvider>(), ctx, allowedMethods));

  // The back office: /admin, its own session and CSRF scope.
  await app.register(async (admin) => adminPlugin(admin.withTypeProvider<ZodTypeProvider>(), ctx, allowedMethods));

  return { app, ctx };
}
