// Sign-up without a code (open registration). With a code, the sign-up form is part of the redeem
// page, so a refused sign-up with a code answers with that page.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { startSession } from '../../portal-auth/sessions.ts';
import { signUp } from '../../portal-auth/local.service.ts';
import { AppError } from '../../shared/errors.ts';
import { settingFlag } from '../../site-settings/site-settings.service.ts';
import { emptyForm, formValues, parseForm, refusedForm, validData } from '../../web/forms.ts';
import { withLang } from '../../web/locale.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext, redirectWithNotice } from '../page-context.ts';
import { CheckEmailPage, SignUpPage } from '../pages/sign-up.tsx';
import { signUpForm } from '../portal-forms.schema.ts';
import { inviteeOfCode, renderRedeem } from '../redeem-view.ts';
import { assertInvitationsEnabled, clientOf, queryOf, redeemPath, safeNext, signUpMode } from '../route-helpers.ts';

export function signUpRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/sign-up', async (req, reply) => {
    const code = queryOf(req).code;
    if (code)
      return reply
        .code(303)
        .header('Location', withLang(redeemPath(code), (await pageContext(ctx, req, reply)).explicitLang))
        .send();
    const pc = await pageContext(ctx, req, reply);
    return sendPage(reply, 200, SignUpPage({ pc, form: emptyForm(), mode: await signUpMode(ctx) }));
  });

  pages.post('/sign-up', async (req, reply) => {
    const code = formValues(req.body).code ?? '';
    // With a code, the invitee's language: the new account's language and the page's.
    const pc0 = await pageContext(ctx, req, reply, { redemption: code ? await inviteeOfCode(ctx, req, code) : null });
    const form = parseForm(signUpForm, req.body, pc0.t);
    try {
      if (code) await assertInvitationsEnabled(ctx);
      const input = validData(form);
      const outcome = await signUp(ctx, {
        email: input.email,
        password: input.password,
        invitationCode: input.code,
        firstName: input.firstName,
        lastName: input.lastName,
        locale: pc0.locale,
        client: clientOf(req),
      });
      if (outcome.kind === 'signed-in') {
        await startSession(ctx, ctx.db, req, reply, outcome.contactId, { signInMethod: 'local', vouchedEmails: [] });
        return redirectWithNotice(req, reply, (outcome.redemption && safeNext(form.values.next)) || '/portal/profile', {
          key: outcome.redemption ? 'redeemed' : 'signed-up',
        });
      }
      return sendPage(reply, 200, CheckEmailPage({ pc: pc0, redeemed: outcome.redemption !== null }));
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'not-found') throw err;
      const refused = refusedForm(pc0.t, form, err);
      if (code) {
        const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
        return renderRedeem(ctx, req, reply, code, err, { signUp: refused, signIn: emptyForm(), signUpOpen });
      }
      const pc = await pageContext(ctx, req, reply, { canonical: '/portal/sign-up' });
      const mode = await signUpMode(ctx);
      return sendRefusal(
        reply,
        err,
        SignUpPage({
          pc,
          form: refused,
          mode: mode === 'open' && err.code === 'registration-closed' ? 'invitation-only' : mode,
        }),
      );
    }
  });
}
