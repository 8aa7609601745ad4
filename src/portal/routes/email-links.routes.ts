// The pages behind emailed links: email confirmation (the GET only shows a button; the POST uses
// the link, then signs in) and the password reset (ask for a link, then choose a new password).
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { endSession, startSession } from '../../portal-auth/sessions.ts';
import { portalProfile } from '../../contacts/contacts.read.ts';
import { confirmEmail, requestPasswordReset, resetPassword } from '../../portal-auth/local.service.ts';
import { AppError } from '../../shared/errors.ts';
import { emptyForm, formValues, parseForm, refusedForm, validData } from '../../web/forms.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { pageContext, redirectWithNotice } from '../page-context.ts';
import { ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage } from '../pages/email-links.tsx';
import { ProblemPage } from '../pages/problem.tsx';
import { forgotPasswordForm, resetPasswordForm } from '../portal-forms.schema.ts';
import { clientOf, queryOf } from '../route-helpers.ts';
import { linkLocales } from '../invitee.ts';

const linkInvalid = () => new AppError('not-found', 'This link is not valid any more.', { reason: 'link-invalid' });

export function emailLinkRoutes(pages: Api, ctx: AppContext): void {
  // The pages behind a link speak the language of the email it came in: its invitation's, its contact's.
  pages.get('/confirm-email', async (req, reply) => {
    const token = queryOf(req).token ?? '';
    const pc = await pageContext(ctx, req, reply, { redemption: await linkLocales(ctx, token, 'confirm-email') });
    if (!token) {
      const err = new AppError('not-found');
      return sendRefusal(reply, err, ProblemPage({ pc, err, body: pc.t.confirm.missing }));
    }
    return sendPage(reply, 200, ConfirmEmailPage({ pc, token }));
  });

  pages.post('/confirm-email', async (req, reply) => {
    const token = formValues(req.body).token ?? '';
    if (!token) throw linkInvalid();
    const outcome = await confirmEmail(ctx, token, clientOf(req));
    const profile = await portalProfile(ctx, outcome.contactId);
    const notice = outcome.redemptionProblem
      ? { problem: outcome.redemptionProblem.code }
      : { key: outcome.redemption ? ('confirmed-redeemed' as const) : ('confirmed' as const) };
    // A contact whose sign-in staff disabled is confirmed, but not signed in.
    if (profile?.contact.login_enabled !== 1) return redirectWithNotice(req, reply, '/portal/sign-in', notice);
    await startSession(ctx, ctx.db, req, reply, outcome.contactId, { signInMethod: 'local', vouchedEmails: [] });
    return redirectWithNotice(req, reply, '/portal/profile', notice);
  });

  pages.get('/forgot-password', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply);
    return sendPage(reply, 200, ForgotPasswordPage({ pc, form: emptyForm(), sent: false }));
  });

  pages.post('/forgot-password', async (req, reply) => {
    const pc = await pageContext(ctx, req, reply, { canonical: '/portal/forgot-password' });
    const form = parseForm(forgotPasswordForm, req.body, pc.t);
    try {
      const { email } = validData(form);
      await requestPasswordReset(ctx, email, pc.locale, clientOf(req));
      return sendPage(reply, 200, ForgotPasswordPage({ pc, form: emptyForm(), sent: true }));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return sendRefusal(reply, err, ForgotPasswordPage({ pc, form: refusedForm(pc.t, form, err), sent: false }));
    }
  });

  pages.get('/reset-password', async (req, reply) => {
    const token = queryOf(req).token ?? '';
    const pc = await pageContext(ctx, req, reply, { redemption: await linkLocales(ctx, token, 'reset-password') });
    if (!token) {
      const err = new AppError('not-found');
      return sendRefusal(reply, err, ProblemPage({ pc, err, body: pc.t.reset.missing }));
    }
    return sendPage(reply, 200, ResetPasswordPage({ pc, form: emptyForm(), token }));
  });

  pages.post('/reset-password', async (req, reply) => {
    const token = formValues(req.body).token ?? '';
    if (!token) throw linkInvalid();
    const pc = await pageContext(ctx, req, reply, {
      canonical: `/portal/reset-password?token=${encodeURIComponent(token)}`,
      redemption: await linkLocales(ctx, token, 'reset-password'),
    });
    const form = parseForm(resetPasswordForm, req.body, pc.t);
    try {
      await resetPassword(ctx, token, validData(form).password);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
      return sendRefusal(reply, err, ResetPasswordPage({ pc, form: refusedForm(pc.t, form, err), token }));
    }
    // resetPassword ended every session of the contact; this visitor continues signed out.
    await endSession(ctx, req, reply);
    return redirectWithNotice(req, reply, '/portal/sign-in', { key: 'password-reset' });
  });
}
