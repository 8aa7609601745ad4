// What the external sign-in routes share, whatever the protocol (OIDC here, SAML in its own file):
// reading the start form into a pending sign-in, finishing a verified identity into a session and
// the page it leads to, and the failure page (400 `external-sign-in-failed`, reason logged, no session).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { type ExternalIdentity, finishExternalSignIn } from '../portal-auth/external-sign-in.service.ts';
import { createPendingSignIn, type PendingSignIn, type SignInIntent } from '../portal-auth/pending-sign-ins.ts';
import { loadSession, startSession } from '../portal-auth/sessions.ts';
import { AppError } from '../shared/errors.ts';
import { formValues } from '../web/forms.ts';
import { sendRefusal } from '../web/refusal.ts';
import { pageContext, redirectWithNotice } from './page-context.ts';
import { ProblemPage } from './pages/problem.tsx';
import { renderRedeem } from './redeem-view.ts';
import { clientOf, redeemPath, safeNext } from './route-helpers.ts';

const INTENTS: readonly SignInIntent[] = ['sign-in', 'sign-up', 'redeem', 'link'];

/**
 * The start form's POST (CSRF checked by the portal's hook) as a pending sign-in bound to this
 * browser's session: `intent`, `code` (redeem) and `next`. `link` needs a signed-in contact.
 */
export async function pendingFromStartForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  providerId: string,
): Promise<PendingSignIn> {
  const v = formValues(req.body);
  const intent = (INTENTS as readonly string[]).includes(v.intent ?? '') ? (v.intent as SignInIntent) : 'sign-in';
  const session = await loadSession(ctx, req, reply);
  if (intent === 'link' && !session.contactId) throw new AppError('unauthorized', 'Sign in first.');
  const code = intent === 'redeem' || intent === 'sign-up' ? v.code?.trim() || null : null;
  return createPendingSignIn(ctx, {
    providerId,
    sessionId: session.id,
    intent,
    contactId: session.contactId,
    invitationCode: code,
    returnPath: safeNext(v.next),
  });
}

/** Sends the failure page: 400 with the stable code (or the refusal's own), the reason logged without secrets. */
export async function sendExternalSignInFailure(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: AppError,
  logged: Record<string, unknown> = {},
): Promise<FastifyReply> {
  req.log.warn({ code: err.code, reason: err.reason, detail: err.detail, ...logged }, 'external sign-in refused');
  const pc = await pageContext(ctx, req, reply, { canonical: '/portal/sign-in' });
  const actions = [{ href: pc.href('/portal/sign-in'), label: pc.t.actions.signIn, primary: true }];
  return sendRefusal(reply, err, ProblemPage({ pc, err, actions }));
}

/**
 * After the protocol verified `identity` for `pending` (already used): finishes the sign-in
 * (finishExternalSignIn), starts the session, and redirects to the return path (or the profile)
 * with a notice. A pending invitation that could not be redeemed shows the redeem page with the
 * reason, signed in. A refusal shows the failure page; no session starts.
 */
export async function completeExternalSignIn(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  identity: ExternalIdentity,
  pending: PendingSignIn,
): Promise<FastifyReply> {
  const pc0 = await pageContext(ctx, req, reply);
  let outcome: Awaited<ReturnType<typeof finishExternalSignIn>>;
  try {
    outcome = await finishExternalSignIn(ctx, { identity, pending, client: clientOf(req), locale: pc0.locale });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return sendExternalSignInFailure(ctx, req, reply, err, { providerId: identity.providerId, stage: 'finish' });
  }
  await startSession(ctx, ctx.db, req, reply, outcome.contactId, outcome.session);
  req.log.info(
    { providerId: identity.providerId, contactId: outcome.contactId, created: outcome.created, linked: outcome.linked },
    'external sign-in',
  );
  if (outcome.redemptionProblem && pending.invitationCode)
    return renderRedeem(
      ctx,
      req,
      reply,
      pending.invitationCode,
      outcome.redemptionProblem,
      undefined,
      outcome.redemptionProblem,
    );
  const fallback = pending.intent === 'link' ? '/portal/profile' : '/portal/profile';
  const target =
    pending.returnPath ??
    (outcome.redemption || !pending.invitationCode ? fallback : redeemPath(pending.invitationCode));
  return redirectWithNotice(req, reply, target, { key: outcome.redemption ? 'redeemed' : 'signed-in' });
}
