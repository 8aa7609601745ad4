// The redeem page for a code, or the page saying why the code cannot be used (with the step that
// helps: whom to ask, sign in, check the code): shown by the redeem routes and by a refused sign-up
// with a code (its form lives on the redeem page). Its language follows the invitee (invitee.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { previewInvitation, type InvitationPreview } from '../redemption/redemption.service.ts';
import { AppError } from '../shared/errors.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { sendPage } from '../web/render.ts';
import { sendRefusal, setRetryAfter } from '../web/refusal.ts';
import { formValues } from '../web/forms.ts';
import { inviteeOf, type Invitee } from './invitee.ts';
import { pageContext } from './page-context.ts';
import { ProblemPage } from './pages/problem.tsx';
import { RedeemPage, emptyRedeemForms, type RedeemForms } from './pages/redeem.tsx';
import { RefusalHelp, refusalActions } from './pages/refusal-help.tsx';
import { clientOf, queryOf, redeemPath, safeNext } from './route-helpers.ts';

/** The refusals of a code that exists: the page can name who invited and whom to ask. */
const ofAnExistingCode = new Set([
  'invitation-expired',
  'invitation-inactive',
  'invitation-redeemed',
  'max-redemptions-reached',
  'already-redeemed-by-contact',
  'binding-mismatch',
]);

/** The invitee of a code whose lookup has been counted already (a refused form, a shown preview). */
export const inviteeOfCode = (ctx: AppContext, req: FastifyRequest, code: string) =>
  inviteeOf(ctx, code, clientOf(req));

/** The whole page saying why `code` cannot be used, with the step that helps. */
export async function renderCodeRefusal(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  code: string,
  err: AppError,
): Promise<FastifyReply> {
  const invitee = ofAnExistingCode.has(err.code) ? await inviteeOfCode(ctx, req, code) : null;
  const pc = await pageContext(ctx, req, reply, { canonical: redeemPath(code), redemption: invitee });
  const help = RefusalHelp({ pc, err, invitee, code, contactEmail: invitee?.contactEmail ?? null });
  return sendRefusal(reply, err, ProblemPage({ pc, err, actions: refusalActions(pc, err), children: help }));
}

/**
 * The redeem page for `code`, with the status of `refusal` when one is shown (in a form, or next
 * to "Redeem" as `problem`).
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
    return renderCodeRefusal(ctx, req, reply, code, err);
  }
  const invitee: Invitee | null = await inviteeOfCode(ctx, req, code);
  const pc = await pageContext(ctx, req, reply, { redemption: invitee, canonical: redeemPath(code) });
  const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
  const page = RedeemPage({
    pc,
    code,
    preview,
    invitee,
    forms: forms ?? emptyRedeemForms(signUpOpen, invitee),
    problem: problem ?? null,
    next: safeNext(queryOf(req).next ?? formValues(req.body).next),
  });
  return refusal ? sendRefusal(reply, refusal, page) : sendPage(reply, 200, page);
}
