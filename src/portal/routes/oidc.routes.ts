// OpenID Connect sign-in: POST …/start (a button's form, CSRF checked by the portal's hook) makes a
// pending sign-in and redirects to the provider; GET …/callback uses it once, checks the answer and
// finishes the sign-in. Failures are 400 `external-sign-in-failed` pages; nothing is created.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { providerForSignIn, providerUrls } from '../../identity-providers/identity-providers.service.ts';
import { oidcAuthorizationUrl, oidcIdentity } from '../../portal-auth/oidc.ts';
import { consumePendingSignIn } from '../../portal-auth/pending-sign-ins.ts';
import { loadSession } from '../../portal-auth/sessions.ts';
import { AppError } from '../../shared/errors.ts';
import { completeExternalSignIn, pendingFromStartForm, sendExternalSignInFailure } from '../external-sign-in-view.ts';
import { queryOf } from '../route-helpers.ts';

export function oidcRoutes(pages: Api, ctx: AppContext): void {
  const oidcProvider = async (id: string) => {
    const p = await providerForSignIn(ctx, id, 'oidc');
    if (p.type !== 'oidc') throw new Error('unreachable');
    return p;
  };

  pages.post('/auth/oidc/:id/start', async (req, reply) => {
    const { id } = req.params as { id: string };
    try {
      const provider = await oidcProvider(id);
      const pending = await pendingFromStartForm(ctx, req, reply, provider.id);
      const url = await oidcAuthorizationUrl(
        provider,
        pending,
        providerUrls(ctx.config.publicUrl, provider.id).callbackUrl,
      );
      return reply.code(303).header('Location', url.href).send();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return sendExternalSignInFailure(ctx, req, reply, err, { providerId: id, stage: 'start' });
    }
  });

  pages.get('/auth/oidc/:id/callback', async (req, reply) => {
    const { id } = req.params as { id: string };
    try {
      const provider = await oidcProvider(id);
      const session = await loadSession(ctx, req, reply);
      const pending = await consumePendingSignIn(ctx, {
        state: queryOf(req).state ?? '',
        sessionId: session.id,
        providerId: provider.id,
      });
      const { callbackUrl } = providerUrls(ctx.config.publicUrl, provider.id);
      const current = new URL(callbackUrl);
      current.search = new URL(req.url, 'http://x').search;
      const identity = await oidcIdentity(provider, pending, current, callbackUrl);
      return completeExternalSignIn(ctx, req, reply, identity, pending);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return sendExternalSignInFailure(ctx, req, reply, err, { providerId: id, stage: 'callback' });
    }
  });
}
