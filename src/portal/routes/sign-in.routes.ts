// Signing in and out with email or username and password. The CSRF check is the portal's
// preHandler (portal.plugin.ts), as for every POST.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { startSession, endSession } from '../../portal-auth/sessions.ts';
import { signIn } from '../../portal-auth/local.service.ts';
import { resendConfirmation } from '../../portal-auth/resend-confirmation.ts';
import { AppError } from '../../shared/errors.ts';
import { emptyForm, formValues, parseForm, validData } from '../../web/forms.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext, redirectWithNotice } from '../page-context.ts';
import { SignInPage } from '../pages/sign-in.tsx';
import { signInForm } from '../portal-forms.schema.ts';
import { clientOf, queryOf, safeNext, signInRefusedForm } from '../route-helpers.ts';

export function signInRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/sign-in', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply);
    return sendPage(reply, 200, SignInPage({ pc, form: emptyForm(), next: safeNext(queryOf(req).next) }));
  });

  pages.post('/sign-in', async (req, reply) => {
    const form = parseForm(signInForm, req.body, (await pageContext(ctx, req, reply)).t);
    const next = safeNext(form.values.next);
    try {
      const { login, password } = validData(form);
      const contact = await signIn(ctx, { login, password, client: clientOf(req) });
      await startSession(ctx, ctx.db, req, reply, contact.id, { signInMethod: 'local', vouchedEmails: [] });
      return redirectWithNotice(req, reply, next ?? '/portal/profile', { key: 'signed-in' });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const pc = await pageContext(ctx, req, reply, { canonical: '/portal/sign-in' });
      return sendRefusal(reply, err, SignInPage({ pc, form: signInRefusedForm(pc.t, form, err), next }));
    }
  });

  // "Send the link again": the same answer whether or not the account exists (rate-limited as sign-in).
  pages.post('/confirm-email/resend', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply, { canonical: '/portal/sign-in' });
    const login = formValues(req.body).login ?? '';
    try {
      await resendConfirmation(ctx, login, pc.locale, clientOf(req));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return sendRefusal(
        reply,
        err,
        SignInPage({ pc, form: { values: { login }, errors: {}, problem: err }, next: null }),
      );
    }
    return sendPage(reply, 200, SignInPage({ pc, form: emptyForm({ login }), next: null, resent: true }));
  });

  // `next` (a path on this portal): "Sign out and continue" returns to the invitation it came from.
  pages.post('/sign-out', async (req, reply) => {
    await endSession(ctx, req, reply);
    return redirectWithNotice(req, reply, safeNext(formValues(req.body).next) ?? '/portal', { key: 'signed-out' });
  });
}
