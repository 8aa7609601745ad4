// The redeem page for a code, or the page saying why the code cannot be used: shown by the redeem
// routes and by a refused sign-up with a code (its form lives on the redeem page).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { previewInvitation, type InvitationPreview } from '../redemption/redemption.service.ts';
import { AppError } from '../shared/errors.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { sendPage } from '../web/render.ts';
import { sendRefusal, setRetryAfter } from '../web/refusal.ts';
import { pageContext } from './page-context.ts';
import { ProblemPage } from './pages/problem.tsx';
import { RedeemPage, emptyRedeemForms, type RedeemForms } from './pages/redeem.tsx';
import { clientOf, queryOf, redeemPath, safeNext } from './route-helpers.ts';
import { formValues } from '../web/forms.ts';

/**
 * The redeem page for `code`, with the status of `refusal` when one is shown (in a form, or next
 * to "Redeem" as `problem`). The language of an invitation that has one comes after the visitor's
 * explicit choice and the contact's own.
 */
export async function renderRedeem(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  code: string,
  refusal: AppError | null,
  forms?: RedeemForms,
  problem?: AppError,
): Promise<FastifyReply> {
  if (refusal) setRetryAfter(reply, refusal);
  let preview: InvitationPreview;
  try {
    preview = await previewInvitation(ctx, code, clientOf(req));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const pc = await pageContext(ctx, req, reply, { canonical: redeemPath(code) });
    const actions = [
      { href: pc.href('/portal/redeem'), label: pc.t.actions.redeem, primary: true },
      { href: pc.href('/portal/sign-in'), label: pc.t.actions.signIn },
    ];
    return sendRefusal(reply, err, ProblemPage({ pc, err, actions }));
  }
  const pc = await pageContext(ctx, req, reply, { fallbackLocale: preview.locale, canonical: redeemPath(code) });
  const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
  const page = RedeemPage({
    pc,
    code,
    preview,
    forms: forms ?? emptyRedeemForms(signUpOpen),
    problem: problem ?? null,
    next: safeNext(queryOf(req).next ?? formValues(req.body).next),
  });
  return refusal ? sendRefusal(reply, refusal, page) : sendPage(reply, 200, page);
}
