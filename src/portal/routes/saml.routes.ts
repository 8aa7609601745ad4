// SAML 2.0 sign-in through the portal (docs/external-sign-in.md, "SAML"). POST …/start (a button's
// form, CSRF checked by the portal's hook) makes the pending sign-in and redirects to the IdP with
// the AuthnRequest; the IdP posts the response cross-site to POST …/acs, which the SameSite=Lax
// session cookie does not reach: the ACS (exempt from the CSRF token, protected by the signed answer
// to our pending request) verifies it and 303s to the same-site GET …/continue, which has the cookie,
// uses the pending sign-in of this browser once and finishes the sign-in. GET …/metadata is the SP's.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { providerForSignIn } from '../../identity-providers/identity-providers.service.ts';
import {
  acceptSamlResponse,
  samlMetadata,
  samlRequestId,
  samlRequestUrl,
  samlSettingsOf,
  takeSamlIdentity,
} from '../../identity-providers/saml/saml.service.ts';
import {
  PENDING_TTL_MS,
  consumePendingSignIn,
  pendingSignInAwaitingAnswer,
} from '../../portal-auth/pending-sign-ins.ts';
import { loadSession } from '../../portal-auth/sessions.ts';
import { AppError } from '../../shared/errors.ts';
import { formValues } from '../../web/forms.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { completeExternalSignIn, pendingFromStartForm, sendExternalSignInFailure } from '../external-sign-in-view.ts';
import { bareContext } from '../page-context.ts';
import { ProblemPage } from '../pages/problem.tsx';
import { queryOf } from '../route-helpers.ts';

/** The ACS: the one portal route without the CSRF token (portal.plugin.ts lists it, and says why). */
export const SAML_ACS_ROUTE = '/portal/auth/saml/:id/acs';

export function samlRoutes(pages: Api, ctx: AppContext): void {
  const samlProvider = async (id: string) => {
    const p = await providerForSignIn(ctx, id, 'saml');
    if (p.type !== 'saml') throw new Error('unreachable');
    return samlSettingsOf(p);
  };
  const refused = (req: FastifyRequest, reply: FastifyReply, err: unknown, providerId: string, stage: string) => {
    if (!(err instanceof AppError)) throw err;
    return sendExternalSignInFailure(ctx, req, reply, err, { providerId, stage, protocol: 'saml' });
  };

  pages.post<{ Params: { id: string } }>('/auth/saml/:id/start', async (req, reply) => {
    try {
      const provider = await samlProvider(req.params.id);
      const pending = await pendingFromStartForm(ctx, req, reply, provider.id);
      // The pending sign-in's random state is the RelayState; the AuthnRequest ID is made from it.
      const url = await samlRequestUrl(ctx, provider, samlRequestId(pending.state), pending.state);
      return reply.code(303).header('Location', url).send();
    } catch (err) {
      return refused(req, reply, err, req.params.id, 'start');
    }
  });

  // The ACS's refusal page reads no session: the cross-site POST brought no cookie, and a fresh one
  // set now would replace the browser's session cookie (the same-site steps use it).
  const acsRefused = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    if (!(err instanceof AppError)) throw err;
    const providerId = (req.params as { id: string }).id;
    const logged = {
      code: err.code,
      reason: err.reason,
      detail: err.detail,
      providerId,
      stage: 'acs',
      protocol: 'saml',
    };
    req.log.warn(logged, 'external sign-in refused');
    const pc = bareContext(req);
    const actions = [{ href: pc.href('/portal/sign-in'), label: pc.t.actions.signIn, primary: true }];
    return sendRefusal(reply, err, ProblemPage({ pc, err, actions }));
  };

  pages.post<{ Params: { id: string } }>('/auth/saml/:id/acs', async (req, reply) => {
    const v = formValues(req.body);
    const state = v.RelayState ?? '';
    try {
      const provider = await samlProvider(req.params.id);
      // No session cookie here: the pending request is found by its state alone, and only answered.
      const pending = await pendingSignInAwaitingAnswer(ctx, { state, providerId: provider.id });
      await acceptSamlResponse(ctx, provider, v.SAMLResponse ?? '', {
        id: samlRequestId(state),
        issuedAt: pending.createdAt,
        lifetimeMs: PENDING_TTL_MS,
      });
      // Same-site from here on: the browser brings its session cookie to the continuation.
      const next = `/portal/auth/saml/${encodeURIComponent(provider.id)}/continue?state=${encodeURIComponent(state)}`;
      return reply.code(303).header('Location', next).send();
    } catch (err) {
      return acsRefused(req, reply, err);
    }
  });

  pages.get<{ Params: { id: string } }>('/auth/saml/:id/continue', async (req, reply) => {
    try {
      const provider = await samlProvider(req.params.id);
      const state = queryOf(req).state ?? '';
      const session = await loadSession(ctx, req, reply);
      const pending = await consumePendingSignIn(ctx, { state, sessionId: session.id, providerId: provider.id });
      const identity = await takeSamlIdentity(ctx, provider.id, samlRequestId(state));
      return completeExternalSignIn(ctx, req, reply, identity, pending);
    } catch (err) {
      return refused(req, reply, err, req.params.id, 'continue');
    }
  });

  pages.get<{ Params: { id: string } }>('/auth/saml/:id/metadata', async (req, reply) => {
    const xml = await samlMetadata(ctx, req.params.id);
    return reply
      .code(200)
      .header('Content-Type', 'application/samlmetadata+xml; charset=utf-8')
      .header('Content-Disposition', 'inline; filename="sp-metadata.xml"')
      .send(xml);
  });
}
