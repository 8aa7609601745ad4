// Signing system users in and out of the back office, and the first-start page that creates the first
// administrator (only to a browser on this machine, only while no user exists).
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { createFirstAdmin, hasNoUsers } from '../../bootstrap.ts';
import { AppError } from '../../shared/errors.ts';
import { emailSchema } from '../../shared/schemas.ts';
import { signInStaff } from '../../staff-auth/staff-sign-in.service.ts';
import { endStaffSession, startStaffSession } from '../../staff-auth/staff-sessions.ts';
import { findUserById } from '../../users/users.repo.ts';
import { sendRefusal } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { safeReturnPath } from '../../web/return-path.ts';
import { SubmittedForm } from '../forms.ts';
import { adminPageContext, redirectWithNotice } from '../page-context.ts';
import { SetUpPage, SignInPage } from '../pages/sign-in.tsx';

const safeNext = (value: string | undefined) =>
  safeReturnPath(value, {
    under: '/admin',
    refused: ['/admin/sign-out', '/admin/sign-in', '/admin/assets', '/admin/set-up'],
  });

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A browser on this machine: the socket's peer is a loopback address and no proxy forwarded the
 * request (behind a local reverse proxy every visitor would look local).
 */
export function isLocalClient(request: FastifyRequest): boolean {
  const peer = request.raw.socket.remoteAddress ?? '';
  const forwarded = request.headers['x-forwarded-for'] ?? request.headers.forwarded;
  return LOOPBACK.has(peer) && !forwarded;
}

export function signInRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/sign-in', async (req, reply) => {
    if (await hasNoUsers(ctx)) return reply.code(303).header('Location', '/admin/set-up').send();
    const pc = await adminPageContext(ctx, req, reply);
    if (pc.user) return reply.code(303).header('Location', '/admin').send();
    const next = safeNext((req.query as { next?: string }).next) ?? undefined;
    return sendPage(reply, 200, SignInPage({ pc, form: { next } }));
  });

  admin.post('/sign-in', async (req, reply) => {
    const form = new SubmittedForm(req.body);
    const next = safeNext(form.text('next')) ?? undefined;
    try {
      const email = form.text('email');
      const password = form.values.password ?? '';
      if (!email || !password || !emailSchema.safeParse(email).success)
        throw new AppError('validation-failed', 'email, password', {
          errors: [
            ...(!email || !emailSchema.safeParse(email).success ? [{ field: 'email', message: 'is not valid' }] : []),
            ...(!password ? [{ field: 'password', message: 'is required' }] : []),
          ],
        });
      const user = await signInStaff(ctx, { email, password, clientIp: req.ip });
      await startStaffSession(ctx, req, reply, user);
      return redirectWithNotice(reply, next ?? '/admin');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const pc = await adminPageContext(ctx, req, reply, { canonical: '/admin/sign-in' });
      const errors: Record<string, string> = {};
      for (const e of err.errors ?? [])
        errors[e.field] = e.field === 'email' && form.text('email') ? pc.t.fieldInvalidEmail : pc.t.fieldRequired;
      return sendRefusal(
        reply,
        err,
        SignInPage({ pc, form: { email: form.text('email'), next, problem: err, errors } }),
      );
    }
  });

  admin.post('/sign-out', async (req, reply) => {
    await endStaffSession(ctx, req, reply);
    return redirectWithNotice(reply, '/admin/sign-in', 'signedOut');
  });

  admin.get('/set-up', async (req, reply) => {
    if (!(await hasNoUsers(ctx))) return reply.code(303).header('Location', '/admin/sign-in').send();
    const pc = await adminPageContext(ctx, req, reply);
    const local = isLocalClient(req);
    return sendPage(reply, local ? 200 : 403, SetUpPage({ pc, form: {}, local }));
  });

  admin.post('/set-up', async (req, reply) => {
    if (!isLocalClient(req))
      throw new AppError('forbidden', 'The first administrator can be created only from this machine.');
    const form = new SubmittedForm(req.body);
    const values = form.kept();
    const pc = await adminPageContext(ctx, req, reply, { canonical: '/admin/set-up' });
    const errors: Record<string, string> = {};
    const email = form.text('email');
    const fullName = form.text('fullName');
    const password = form.values.password ?? '';
    if (!fullName) errors.fullName = pc.t.fieldRequired;
    else if (fullName.length > 200) errors.fullName = pc.t.fieldTooLong;
    if (!email) errors.email = pc.t.fieldRequired;
    else if (!emailSchema.safeParse(email).success) errors.email = pc.t.fieldInvalidEmail;
    if (!password) errors.password = pc.t.fieldRequired;
    try {
      if (Object.keys(errors).length)
        throw new AppError('validation-failed', Object.keys(errors).join(', '), {
          errors: Object.keys(errors).map((field) => ({ field, message: 'is not valid' })),
        });
      const outcome = await createFirstAdmin(ctx, { email: email!, fullName: fullName!, password }, 'set-up page');
      if (outcome.result === 'users-exist') return reply.code(303).header('Location', '/admin/sign-in').send();
      const user = await findUserById(ctx.db, outcome.userId);
      if (user) await startStaffSession(ctx, req, reply, user);
      return redirectWithNotice(reply, '/admin', 'created');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'validation-failed' && err.errors?.some((e) => e.field === 'password') && !errors.password)
        errors.password = pc.t.passwordRule;
      return sendRefusal(reply, err, SetUpPage({ pc, form: { values, errors, problem: err }, local: true }));
    }
  });
}
