// Redeeming an invitation: the redeem page (type a code, or see the invitation), "Redeem" for a
// signed-in contact, "I have an existing account" (sign in and redeem in one POST), and the classic
// Power Pages links (/register?invitation=CODE, /Account/Login/RedeemInvitation?InvitationCode=CODE,
// /Account/Login/Register?invitationCode=CODE), which lead to the redeem page; their returnurl is
// followed after redemption only when it is a path on this portal.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { loadSession, startSession } from '../../portal-auth/sessions.ts';
import { signIn } from '../../portal-auth/local.service.ts';
import { redeemInvitation } from '../../redemption/redemption.service.ts';
import { AppError } from '../../shared/errors.ts';
import { settingFlag } from '../../site-settings/site-settings.service.ts';
import { emptyForm, formValues, parseForm, validData } from '../../web/forms.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext, redirectWithNotice } from '../page-context.ts';
import { ProblemPage } from '../pages/problem.tsx';
import { RedeemCodePage } from '../pages/redeem.tsx';
import { signInForm } from '../portal-forms.schema.ts';
import { inviteeOfCode, renderRedeem } from '../redeem-view.ts';
import { signedInAsOther } from '../pages/other-address.tsx';
import {
  assertInvitationsEnabled,
  clientOf,
  queryOf,
  redeemPath,
  safeNext,
  signInRefusedForm,
} from '../route-helpers.ts';
import { withLang } from '../../web/locale.ts';
import { asLocale } from '../../shared/locale.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A query value by any letter case of its name (Power Pages writes `returnurl` and `returnUrl`). */
const queryValue = (query: Record<string, string>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(query)) if (k.toLowerCase() === wanted) return v;
  return undefined;
};

/** The Power Pages links, outside the /portal prefix. */
export function powerPagesLinkRoutes(app: Api, ctx: AppContext): void {
  const classic = (codeParam: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const query = queryOf(req);
    const code = queryValue(query, codeParam) ?? '';
    const lang = asLocale(queryValue(query, 'lang'));
    if (!code) return reply.code(302).header('Location', withLang('/portal/sign-up', lang)).send();
    if (!(await settingFlag(ctx, 'Authentication/Registration/InvitationEnabled'))) {
      const pc = await pageContext(ctx, req, reply);
      const err = new AppError('not-found');
      return sendRefusal(reply, err, ProblemPage({ pc, err }));
    }
    const next = safeNext(queryValue(query, 'returnurl'));
    const target = `${redeemPath(code)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
    return reply.code(302).header('Location', withLang(target, lang)).send();
  };
  app.get('/register', classic('invitation'));
  app.get('/Account/Login/RedeemInvitation', classic('InvitationCode'));
  app.get('/Account/Login/Register', classic('invitationCode'));
}

export function redeemRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/redeem', async (req, reply) => {
    await assertInvitationsEnabled(ctx);
    const code = queryOf(req).code ?? '';
    if (!code) return sendPage(reply, 200, RedeemCodePage({ pc: await pageContext(ctx, req, reply) }));
    return renderRedeem(ctx, req, reply, code, null);
  });

  pages.post('/redeem', async (req, reply) => {
    await assertInvitationsEnabled(ctx);
    const code = formValues(req.body).code ?? '';
    const session = await loadSession(ctx, req, reply);
    if (!session.contactId) {
      const invitee = await inviteeOfCode(ctx, req, code);
      const pc = await pageContext(ctx, req, reply, { canonical: redeemPath(code), redemption: invitee });
      const actions = [
        {
          href: pc.href(`/portal/sign-in?next=${encodeURIComponent(redeemPath(code))}`),
          label: pc.t.actions.signIn,
          primary: true,
        },
      ];
      const err = new AppError('unauthorized');
      const page = ProblemPage({ pc, err, actions, title: pc.t.signInFirst.title, body: pc.t.signInFirst.body });
      return sendRefusal(reply, err, page);
    }
    // Signed in as someone else than the invitee: nothing is redeemed without the explicit confirmation.
    const invitee = await inviteeOfCode(ctx, req, code);
    if (invitee && formValues(req.body).confirmOther !== 'yes') {
      const pc = await pageContext(ctx, req, reply, { redemption: invitee });
      if (signedInAsOther(pc, invitee)) {
        const err = new AppError('validation-failed', 'confirmOther', {
          errors: [{ field: 'confirmOther', message: 'is required' }],
        });
        return renderRedeem(ctx, req, reply, code, err, undefined, err);
      }
    }
    try {
      await redeemInvitation(ctx, {
        code,
        contactId: session.contactId,
        client: clientOf(req),
        signInMethod: session.data.signInMethod || 'local',
        vouchedEmails: session.data.vouchedEmails,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return renderRedeem(ctx, req, reply, code, err, undefined, err);
    }
    return redirectWithNotice(req, reply, safeNext(formValues(req.body).next) ?? '/portal/profile', {
      key: 'redeemed',
    });
  });

  // "I have an existing account": sign in, then redeem, in one POST.
  pages.post('/redeem/sign-in', async (req, reply) => {
    await assertInvitationsEnabled(ctx);
    const code = formValues(req.body).code ?? '';
    const pc0 = await pageContext(ctx, req, reply, { redemption: await inviteeOfCode(ctx, req, code) });
    const form = parseForm(signInForm, req.body, pc0.t);
    const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
    let contactId: string;
    try {
      const { login, password } = validData(form);
      contactId = (await signIn(ctx, { login, password, client: clientOf(req) })).id;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const signInRefused = signInRefusedForm(pc0.t, form, err);
      return renderRedeem(ctx, req, reply, code, err, { signUp: emptyForm(), signIn: signInRefused, signUpOpen });
    }
    const session = await startSession(ctx, ctx.db, req, reply, contactId, {
      signInMethod: 'local',
      vouchedEmails: [],
    });
    try {
      await redeemInvitation(ctx, {
        code,
        contactId,
        client: clientOf(req),
        signInMethod: 'local',
        vouchedEmails: session.data.vouchedEmails,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Signed in now: the page shows the problem next to the plain "Redeem" button.
      return renderRedeem(ctx, req, reply, code, err, undefined, err);
    }
    return redirectWithNotice(req, reply, safeNext(formValues(req.body).next) ?? '/portal/profile', {
      key: 'redeemed',
    });
  });
}
