// The portal's server-rendered pages under /portal, and the classic Power Pages link
// /register?invitation=CODE. Thin routes: read the form, check its CSRF token, call the same
// services as the JSON API, render. A refused request gets a page in the visitor's language with
// the API's HTTP status for the same problem code, and the code itself in data-code.
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Api } from '../http/types.ts';
import { sendProblem, toAppError } from '../http/errors.ts';
import { AppError } from '../shared/errors.ts';
import { emailSchema } from '../shared/schemas.ts';
import { PASSWORD_MAX_LENGTH, passwordProblem } from '../shared/passwords.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { assertCsrf, endSession, loadSession, startSession } from '../portal-auth/sessions.ts';
import { confirmEmail, requestPasswordReset, resetPassword, signIn, signUp } from '../portal-auth/local.service.ts';
import { portalProfile } from '../contacts/contacts.read.ts';
import { previewInvitation, redeemInvitation, type InvitationPreview } from '../redemption/redemption.service.ts';
import { openContentPage, visibleContentPages, type PageViewer } from '../content-pages/content-pages.service.ts';
import { assertInvitationsEnabled, clientOf } from './portal-api.routes.ts';
import type { Dict } from './i18n.ts';
import {
  bareContext,
  displayName,
  pageContext,
  pageStatus,
  redirectWithNotice,
  sendPage,
  withLang,
  type PageContext,
} from './page-context.ts';
import { emptyForm, type FormState } from './pages/layout.tsx';
import { ProblemPage } from './pages/problem.tsx';
import { HomePage } from './pages/home.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { CheckEmailPage, SignUpPage, type SignUpMode } from './pages/sign-up.tsx';
import { ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage } from './pages/email-links.tsx';
import { RedeemCodePage, RedeemPage, emptyRedeemForms, type RedeemForms } from './pages/redeem.tsx';
import { ProfilePage } from './pages/profile.tsx';
import { ContentPageView } from './pages/content-page.tsx';

const css = readFileSync(new URL('./assets/portal.css', import.meta.url), 'utf8');

type Form = Record<string, string>;

/** The submitted form as single trimmed strings (a repeated field counts once). Passwords are not trimmed. */
function formOf(request: FastifyRequest): Form {
  const body = request.body;
  const out: Form = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') out[k] = k === 'password' ? value : value.trim();
  }
  return out;
}

const queryOf = (request: FastifyRequest): Record<string, string> => {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (typeof v === 'string') out[k] = v.trim();
  return out;
};

/** Only a path on this portal may be a place to return to after sign-in. */
function safeNext(value: string | undefined): string | null {
  if (
    !value ||
    value.length > 1000 ||
    !value.startsWith('/portal') ||
    value.startsWith('/portal/api') ||
    /[\\\s]/.test(value)
  )
    return null;
  try {
    const url = new URL(value, 'http://portal.invalid');
    return url.origin === 'http://portal.invalid' ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

const redeemPath = (code: string) => `/portal/redeem?code=${encodeURIComponent(code)}`;

interface Rule {
  name: string;
  kind: 'required' | 'optional' | 'email' | 'password' | 'new-password';
  max?: number;
}

/** Checks a form against simple rules; the messages are in the visitor's language. */
function validate(t: Dict, values: Form, rules: Rule[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const r of rules) {
    const v = values[r.name] ?? '';
    const max = r.max ?? (r.kind === 'password' || r.kind === 'new-password' ? PASSWORD_MAX_LENGTH : 320);
    if (v.length > max) errors[r.name] = t.fieldTooLong;
    else if (r.kind !== 'optional' && v === '') errors[r.name] = t.fieldRequired;
    else if (r.kind === 'email' && !emailSchema.safeParse(v).success) errors[r.name] = t.fieldInvalidEmail;
    else if (r.kind === 'new-password' && passwordProblem(v)) errors[r.name] = t.passwordRule;
  }
  return errors;
}

const invalid = (errors: Record<string, string>) =>
  new AppError('validation-failed', Object.keys(errors).join(', '), {
    errors: Object.keys(errors).map((field) => ({ field, message: 'is not valid' })),
  });

/** A form state after a refusal: what was typed (never the password) and the problem, per field where it names one. */
function refused(t: Dict, values: Form, err: AppError, fieldErrors: Record<string, string> = {}): FormState {
  const { password: _password, _csrf, ...kept } = values;
  const errors = { ...fieldErrors };
  for (const e of err.errors ?? [])
    if (!errors[e.field]) errors[e.field] = e.field === 'password' ? t.passwordRule : e.message;
  return { values: kept, errors, problem: err };
}

const signUpRules: Rule[] = [
  { name: 'email', kind: 'email' },
  { name: 'password', kind: 'new-password' },
  { name: 'firstName', kind: 'optional', max: 100 },
  { name: 'lastName', kind: 'optional', max: 100 },
  { name: 'code', kind: 'optional', max: 200 },
];
const signInRules: Rule[] = [
  { name: 'login', kind: 'required' },
  { name: 'password', kind: 'password' },
];

const viewerOf = (pc: PageContext): PageViewer | null =>
  pc.profile
    ? {
        contactId: pc.profile.contact.id,
        roleIds: pc.profile.webRoles.map((r) => r.id),
        user: {
          firstName: pc.profile.contact.first_name,
          lastName: pc.profile.contact.last_name,
          fullName: displayName(pc.profile),
          email: pc.profile.contact.emailaddress1,
        },
      }
    : null;

export async function portalPagesRoutes(app: Api, ctx: AppContext): Promise<void> {
  const page = (req: FastifyRequest, reply: FastifyReply, options?: Parameters<typeof pageContext>[3]) =>
    pageContext(ctx, req, reply, options);

  /** Every state-changing form: the session's CSRF token in `_csrf`, or a 403 page and nothing done. */
  const checkCsrf = async (req: FastifyRequest, reply: FastifyReply) =>
    assertCsrf(await loadSession(ctx, req, reply), req);

  /** The sign-up switches, as the page shows them (the service enforces them either way). */
  async function signUpMode(): Promise<SignUpMode> {
    if (!(await settingFlag(ctx, 'Authentication/Registration/Enabled'))) return 'closed';
    if (!(await settingFlag(ctx, 'Authentication/Registration/LocalLoginEnabled'))) return 'local-off';
    if (!(await settingFlag(ctx, 'Authentication/Registration/OpenRegistrationEnabled'))) return 'invitation-only';
    return 'open';
  }

  /**
   * The redeem page for `code`, or the page saying why the code cannot be used. The language of an
   * invitation that has one comes after the visitor's explicit choice and the contact's own.
   */
  async function renderRedeem(
    req: FastifyRequest,
    reply: FastifyReply,
    code: string,
    status: number,
    forms?: RedeemForms,
    problem?: AppError,
  ): Promise<FastifyReply> {
    let preview: InvitationPreview;
    try {
      preview = await previewInvitation(ctx, code, clientOf(req));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const pc = await page(req, reply, { canonical: redeemPath(code) });
      if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
      const actions = [
        { href: pc.href('/portal/redeem'), label: pc.t.actions.redeem, primary: true },
        { href: pc.href('/portal/sign-in'), label: pc.t.actions.signIn },
      ];
      return sendPage(reply, pageStatus(err), ProblemPage({ pc, err, actions }));
    }
    const pc = await page(req, reply, { fallbackLocale: preview.locale, canonical: redeemPath(code) });
    const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
    return sendPage(
      reply,
      status,
      RedeemPage({ pc, code, preview, forms: forms ?? emptyRedeemForms(signUpOpen), problem: problem ?? null }),
    );
  }

  // The classic Power Pages links: /register?invitation=CODE (any returnurl ignored) is the redeem page.
  app.get('/register', async (req, reply) => {
    const code = queryOf(req).invitation ?? '';
    if (!code) return reply.code(302).header('Location', '/portal/sign-up').send();
    if (!(await settingFlag(ctx, 'Authentication/Registration/InvitationEnabled'))) {
      const pc = await page(req, reply);
      return sendPage(reply, 404, ProblemPage({ pc, err: new AppError('not-found') }));
    }
    return reply.code(302).header('Location', redeemPath(code)).send();
  });

  await app.register(
    async (pages) => {
      pages.setErrorHandler(async (error, req, reply) => {
        const err = toAppError(error);
        if (err.code === 'internal-error') req.log.error({ err: error }, 'unhandled error on a portal page');
        if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
        let pc: PageContext;
        try {
          pc = await page(req, reply);
        } catch {
          pc = bareContext(req);
        }
        return sendPage(reply, pageStatus(err), ProblemPage({ pc, err }));
      });
      pages.setNotFoundHandler(async (req, reply) => {
        // The JSON API shares the /portal prefix; its clients get problem documents.
        if (req.url.startsWith('/portal/api/') || req.url === '/portal/api')
          return sendProblem(
            reply,
            new AppError('not-found', `Nothing exists at ${req.method} ${req.url.split('?')[0]}.`),
          );
        const pc = await page(req, reply);
        return sendPage(reply, 404, ProblemPage({ pc, err: new AppError('not-found') }));
      });

      pages.get('/assets/portal.css', async (_req, reply) =>
        reply
          .header('Content-Type', 'text/css; charset=utf-8')
          .header('Cache-Control', 'public, max-age=3600')
          .send(css),
      );

      pages.get('/', async (req, reply) => {
        const pc = await page(req, reply);
        return sendPage(reply, 200, HomePage({ pc, pages: await visibleContentPages(ctx, viewerOf(pc)) }));
      });

      // Sign in / sign out.
      pages.get('/sign-in', async (req, reply) => {
        const pc = await page(req, reply);
        return sendPage(reply, 200, SignInPage({ pc, form: emptyForm(), next: safeNext(queryOf(req).next) }));
      });

      pages.post('/sign-in', async (req, reply) => {
        await checkCsrf(req, reply);
        const values = formOf(req);
        const next = safeNext(values.next);
        const errors = validate((await page(req, reply)).t, values, signInRules);
        try {
          if (Object.keys(errors).length > 0) throw invalid(errors);
          const contact = await signIn(ctx, {
            login: values.login ?? '',
            password: values.password ?? '',
            client: clientOf(req),
          });
          await startSession(ctx, ctx.db, req, reply, contact.id, { signInMethod: 'local', vouchedEmails: [] });
          return redirectWithNotice(req, reply, next ?? '/portal/profile', { key: 'signed-in' });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
          const pc = await page(req, reply, { canonical: '/portal/sign-in' });
          return sendPage(reply, pageStatus(err), SignInPage({ pc, form: refused(pc.t, values, err, errors), next }));
        }
      });

      pages.post('/sign-out', async (req, reply) => {
        await checkCsrf(req, reply);
        await endSession(ctx, req, reply);
        return redirectWithNotice(req, reply, '/portal', { key: 'signed-out' });
      });

      // Sign up. With a code, the sign-up form is part of the redeem page.
      pages.get('/sign-up', async (req, reply) => {
        const code = queryOf(req).code;
        if (code)
          return reply
            .code(303)
            .header('Location', withLang(redeemPath(code), (await page(req, reply)).explicitLang))
            .send();
        const pc = await page(req, reply);
        return sendPage(reply, 200, SignUpPage({ pc, form: emptyForm(), mode: await signUpMode() }));
      });

      pages.post('/sign-up', async (req, reply) => {
        await checkCsrf(req, reply);
        const values = formOf(req);
        const code = values.code ?? '';
        const pc0 = await page(req, reply);
        const errors = validate(pc0.t, values, signUpRules);
        try {
          if (code) await assertInvitationsEnabled(ctx);
          if (Object.keys(errors).length > 0) throw invalid(errors);
          const outcome = await signUp(ctx, {
            email: values.email ?? '',
            password: values.password ?? '',
            invitationCode: code || undefined,
            firstName: values.firstName || undefined,
            lastName: values.lastName || undefined,
            locale: pc0.locale,
            client: clientOf(req),
          });
          if (outcome.kind === 'signed-in') {
            await startSession(ctx, ctx.db, req, reply, outcome.contactId, {
              signInMethod: 'local',
              vouchedEmails: [],
            });
            return redirectWithNotice(req, reply, '/portal/profile', {
              key: outcome.redemption ? 'redeemed' : 'signed-up',
            });
          }
          return sendPage(reply, 200, CheckEmailPage({ pc: pc0, redeemed: outcome.redemption !== null }));
        } catch (err) {
          if (!(err instanceof AppError) || err.code === 'not-found') throw err;
          if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
          const form = refused(pc0.t, values, err, errors);
          if (code) {
            const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
            return renderRedeem(req, reply, code, pageStatus(err), { signUp: form, signIn: emptyForm(), signUpOpen });
          }
          const pc = await page(req, reply, { canonical: '/portal/sign-up' });
          const mode = await signUpMode();
          return sendPage(
            reply,
            pageStatus(err),
            SignUpPage({
              pc,
              form,
              mode: mode === 'open' && err.code === 'registration-closed' ? 'invitation-only' : mode,
            }),
          );
        }
      });

      // Email confirmation: the GET only shows a button; the POST uses the link, then signs in.
      pages.get('/confirm-email', async (req, reply) => {
        const token = queryOf(req).token ?? '';
        const pc = await page(req, reply);
        if (!token)
          return sendPage(reply, 404, ProblemPage({ pc, err: new AppError('not-found'), body: pc.t.confirm.missing }));
        return sendPage(reply, 200, ConfirmEmailPage({ pc, token }));
      });

      pages.post('/confirm-email', async (req, reply) => {
        await checkCsrf(req, reply);
        const token = formOf(req).token ?? '';
        if (!token) throw new AppError('not-found', 'This link is not valid any more.');
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

      // Password reset.
      pages.get('/forgot-password', async (req, reply) => {
        const pc = await page(req, reply);
        return sendPage(reply, 200, ForgotPasswordPage({ pc, form: emptyForm(), sent: false }));
      });

      pages.post('/forgot-password', async (req, reply) => {
        await checkCsrf(req, reply);
        const values = formOf(req);
        const pc = await page(req, reply, { canonical: '/portal/forgot-password' });
        const errors = validate(pc.t, values, [{ name: 'email', kind: 'email' }]);
        try {
          if (Object.keys(errors).length > 0) throw invalid(errors);
          await requestPasswordReset(ctx, values.email ?? '', pc.locale, clientOf(req));
          return sendPage(reply, 200, ForgotPasswordPage({ pc, form: emptyForm(), sent: true }));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
          return sendPage(
            reply,
            pageStatus(err),
            ForgotPasswordPage({ pc, form: refused(pc.t, values, err, errors), sent: false }),
          );
        }
      });

      pages.get('/reset-password', async (req, reply) => {
        const token = queryOf(req).token ?? '';
        const pc = await page(req, reply);
        if (!token)
          return sendPage(reply, 404, ProblemPage({ pc, err: new AppError('not-found'), body: pc.t.reset.missing }));
        return sendPage(reply, 200, ResetPasswordPage({ pc, form: emptyForm(), token }));
      });

      pages.post('/reset-password', async (req, reply) => {
        await checkCsrf(req, reply);
        const values = formOf(req);
        const token = values.token ?? '';
        if (!token) throw new AppError('not-found', 'This link is not valid any more.');
        const pc = await page(req, reply, { canonical: `/portal/reset-password?token=${encodeURIComponent(token)}` });
        const errors = validate(pc.t, values, [{ name: 'password', kind: 'new-password' }]);
        try {
          if (Object.keys(errors).length > 0) throw invalid(errors);
          await resetPassword(ctx, token, values.password ?? '');
        } catch (err) {
          if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
          return sendPage(
            reply,
            pageStatus(err),
            ResetPasswordPage({ pc, form: refused(pc.t, values, err, errors), token }),
          );
        }
        // resetPassword ended every session of the contact; this visitor continues signed out.
        await endSession(ctx, req, reply);
        return redirectWithNotice(req, reply, '/portal/sign-in', { key: 'password-reset' });
      });

      // Redeem.
      pages.get('/redeem', async (req, reply) => {
        await assertInvitationsEnabled(ctx);
        const code = queryOf(req).code ?? '';
        if (!code) return sendPage(reply, 200, RedeemCodePage({ pc: await page(req, reply) }));
        return renderRedeem(req, reply, code, 200);
      });

      pages.post('/redeem', async (req, reply) => {
        await checkCsrf(req, reply);
        await assertInvitationsEnabled(ctx);
        const code = formOf(req).code ?? '';
        const session = await loadSession(ctx, req, reply);
        if (!session.contactId) {
          const pc = await page(req, reply, { canonical: redeemPath(code) });
          const actions = [
            {
              href: pc.href(`/portal/sign-in?next=${encodeURIComponent(redeemPath(code))}`),
              label: pc.t.actions.signIn,
              primary: true,
            },
          ];
          return sendPage(reply, 401, ProblemPage({ pc, err: new AppError('unauthorized'), actions }));
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
          if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
          return renderRedeem(req, reply, code, pageStatus(err), undefined, err);
        }
        return redirectWithNotice(req, reply, '/portal/profile', { key: 'redeemed' });
      });

      // "I have an existing account": sign in, then redeem, in one POST.
      pages.post('/redeem/sign-in', async (req, reply) => {
        await checkCsrf(req, reply);
        await assertInvitationsEnabled(ctx);
        const values = formOf(req);
        const code = values.code ?? '';
        const pc0 = await page(req, reply);
        const errors = validate(pc0.t, values, signInRules);
        const signUpOpen = await settingFlag(ctx, 'Authentication/Registration/Enabled');
        let contactId: string;
        try {
          if (Object.keys(errors).length > 0) throw invalid(errors);
          const contact = await signIn(ctx, {
            login: values.login ?? '',
            password: values.password ?? '',
            client: clientOf(req),
          });
          contactId = contact.id;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
          return renderRedeem(req, reply, code, pageStatus(err), {
            signUp: emptyForm(),
            signIn: refused(pc0.t, values, err, errors),
            signUpOpen,
          });
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
          return renderRedeem(req, reply, code, pageStatus(err), undefined, err);
        }
        return redirectWithNotice(req, reply, '/portal/profile', { key: 'redeemed' });
      });

      pages.get('/profile', async (req, reply) => {
        const pc = await page(req, reply);
        if (!pc.profile)
          return reply
            .code(303)
            .header(
              'Location',
              withLang(`/portal/sign-in?next=${encodeURIComponent('/portal/profile')}`, pc.explicitLang),
            )
            .send();
        return sendPage(reply, 200, ProfilePage({ pc, profile: pc.profile }));
      });

      // Content pages. A page limited to web roles: a visitor gets 401 and a sign-in link (signing in
      // may open it); a signed-in contact without one of the roles gets 403.
      pages.get('/pages/*', async (req, reply) => {
        const slug = ((req.params as { '*'?: string })['*'] ?? '').replace(/\/+$/, '');
        const pc = await page(req, reply);
        try {
          return sendPage(reply, 200, ContentPageView({ pc, page: await openContentPage(ctx, slug, viewerOf(pc)) }));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          const path = `/portal/pages/${slug}`;
          if (err.code === 'unauthorized') {
            const actions = [
              {
                href: pc.href(`/portal/sign-in?next=${encodeURIComponent(path)}`),
                label: pc.t.actions.signIn,
                primary: true,
              },
              { href: pc.href('/portal'), label: pc.t.actions.home },
            ];
            return sendPage(
              reply,
              401,
              ProblemPage({ pc, err, actions, title: pc.t.contentPage.signInTitle, body: pc.t.contentPage.signInBody }),
            );
          }
          if (err.code === 'forbidden')
            return sendPage(
              reply,
              403,
              ProblemPage({ pc, err, title: pc.t.contentPage.forbiddenTitle, body: pc.t.contentPage.forbiddenBody }),
            );
          throw err;
        }
      });
    },
    { prefix: '/portal' },
  );
}
