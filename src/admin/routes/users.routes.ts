// The back office's system users (admins only): the All Users view, + New, the user form, Unlock (a
// back-office lockout) and Delete (confirmed). Every change goes through users.service, as the API's.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { createUserSchema, type User, updateUserSchema } from '../../users/users.schema.ts';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  requireAdmin,
  unlockUser,
  updateUser,
  userSignInStates,
} from '../../users/users.service.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, refuse, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { UserForm, UsersView } from '../pages/users/users.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize } from './route-helpers.ts';

const userValues = (u: User) => ({ fullName: u.fullName, email: u.email, role: u.role });

/** The form as the API's input; an empty password is no password (on edit: unchanged). */
function userInput(pc: StaffPageContext, form: SubmittedForm, editing: boolean) {
  const password = form.values.password ? form.values.password : undefined;
  const input = {
    email: form.text('email'),
    fullName: form.text('fullName'),
    role: form.text('role'),
    ...(password !== undefined ? { password } : {}),
  };
  const result = editing
    ? checked(pc.t, updateUserSchema.required({ email: true, fullName: true, role: true }), input, pc.locale === 'en')
    : checked(pc.t, createUserSchema, input, pc.locale === 'en');
  if (!result.data) refuse(result.errors);
  return result.data;
}

/** Shows the form again after a refusal: what was typed, each problem at its field (409s included). */
async function refusedUserForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  user: User | null,
) {
  if (!(err instanceof AppError) || (err.code !== 'validation-failed' && err.code !== 'conflict')) throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: user ? `/admin/users/${user.id}` : '/admin/users/new',
  });
  const form = new SubmittedForm(req.body);
  const errors = errorsOf(pc.t, err, pc.locale === 'en');
  if (errors.password) errors.password = pc.t.passwordRule;
  let problem: AppError | null = null;
  if (err.code === 'conflict') {
    const text = err.reason ? pc.t.reasons[err.reason] : (err.detail ?? '');
    if (err.reason === 'user-email-taken') errors.email = text;
    else if (err.reason === 'last-admin') errors.role = text;
    else problem = err;
  }
  const state = user ? (await userSignInStates(ctx, pc.actor, [user.id])).get(user.id) : undefined;
  const status = err.code === 'conflict' ? 409 : 422;
  return sendPage(reply, status, UserForm({ pc, user, state, form: { values: form.kept(), errors, problem } }));
}

export function userRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/users', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req, ['email']);
    const page = await listUsers(ctx, pc.actor, { limit: pageSize, cursor: query.cursor, email: query.filters.email });
    const states = await userSignInStates(
      ctx,
      pc.actor,
      page.items.map((u) => u.id),
    );
    return sendPage(reply, 200, UsersView({ pc, query, items: page.items, nextCursor: page.nextCursor, states }));
  });

  admin.get('/users/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    requireAdmin(pc.actor);
    return sendPage(reply, 200, UserForm({ pc, user: null, form: { values: { role: 'staff' }, errors: {} } }));
  });

  admin.post('/users/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    requireAdmin(pc.actor);
    try {
      const input = userInput(pc, new SubmittedForm(req.body), false);
      const user = await createUser(ctx, pc.actor, createUserSchema.parse(input));
      return redirectWithNotice(reply, `/admin/users/${user.id}`, 'created');
    } catch (err) {
      return refusedUserForm(ctx, req, reply, err, null);
    }
  });

  admin.get('/users/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const user = await getUser(ctx, pc.actor, idParam(req));
    const state = (await userSignInStates(ctx, pc.actor, [user.id])).get(user.id);
    return sendPage(reply, 200, UserForm({ pc, user, state, form: { values: userValues(user), errors: {} } }));
  });

  admin.post('/users/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const user = await getUser(ctx, pc.actor, idParam(req));
    try {
      const input = userInput(pc, new SubmittedForm(req.body), true);
      await updateUser(ctx, pc.actor, user.id, updateUserSchema.parse(input));
      return redirectWithNotice(reply, `/admin/users/${user.id}`, 'saved');
    } catch (err) {
      return refusedUserForm(ctx, req, reply, err, user);
    }
  });

  admin.post('/users/:id/unlock', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const id = idParam(req);
    await unlockUser(ctx, pc.actor, id);
    return redirectWithNotice(reply, `/admin/users/${id}`, 'unlocked');
  });

  admin.get('/users/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const user = await getUser(ctx, pc.actor, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.users.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: user.fullName ? `${user.fullName} <${user.email}>` : user.email,
        action: `/admin/users/${user.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/users/${user.id}`,
      }),
    );
  });

  admin.post('/users/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteUser(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/users', 'deleted');
  });
}
