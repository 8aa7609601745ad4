// The back office's web roles: the Active Web Roles view (search, paging), + New, the web role form
// and Delete (confirmed; a role in use is refused with the reason, 409). Every change goes through
// the web roles service, exactly as the API's does. The form also sets the right to invite
// colleagues from the portal and the roles its holders may grant (a look-up set).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import type { WebRole } from '../../web-roles/web-roles.schema.ts';
import { createWebRoleSchema, updateWebRoleSchema } from '../../web-roles/web-roles.schema.ts';
import {
  createWebRole,
  deleteWebRole,
  getWebRole,
  listWebRoles,
  updateWebRole,
} from '../../web-roles/web-roles.service.ts';
import { AppError } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, type FieldErrors, refuse, resolveLookups, SubmittedForm } from '../forms.ts';
import { labelOf, type LookupOption } from '../lookups.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { WebRoleForm, WebRolesView } from '../pages/web-roles/web-roles.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize, sortOf } from './route-helpers.ts';

const roleValues = (r: WebRole) => ({
  name: r.name,
  description: r.description ?? '',
  authenticatedUsersRole: r.authenticatedUsersRole ? 'true' : 'false',
  canInvite: r.canInvite ? 'true' : 'false',
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The chosen grantable roles as the form shows them (their names). */
const grantableLabels = async (ctx: AppContext, ids: string[]): Promise<LookupOption[]> =>
  (await Promise.all(ids.filter((id) => UUID.test(id)).map((id) => labelOf(ctx, 'web-roles', id)))).filter(
    (o): o is LookupOption => Boolean(o),
  );

/** Reads the form as the API's input; a problem on any field is thrown as validation-failed. */
async function webRoleInput(ctx: AppContext, pc: StaffPageContext, form: SubmittedForm) {
  const lookups = await resolveLookups(ctx, pc.t, form, [
    { name: 'grantableWebRoleIds', kind: 'web-roles', many: true },
  ]);
  const input = {
    name: form.text('name') ?? '',
    description: form.textOrNull('description'),
    authenticatedUsersRole: form.flag('authenticatedUsersRole'),
    canInvite: form.flag('canInvite'),
    grantableWebRoleIds: lookups.sets.grantableWebRoleIds ?? [],
  };
  const result = checked(pc.t, createWebRoleSchema, input, pc.locale === 'en');
  const errors: FieldErrors = { ...(result.errors ?? {}), ...lookups.errors };
  if (Object.keys(errors).length || !result.data) refuse(errors);
  return result.data;
}

async function refusedWebRoleForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  role: WebRole | null,
) {
  // The web roles service's only conflict on create and update is a name another role has.
  const taken = err instanceof AppError && err.code === 'conflict';
  if (!(err instanceof AppError) || (err.code !== 'validation-failed' && !taken)) throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: role ? `/admin/web-roles/${role.id}` : '/admin/web-roles/new',
  });
  const form = new SubmittedForm(req.body);
  const values = {
    ...form.kept(),
    authenticatedUsersRole: form.flag('authenticatedUsersRole') ? 'true' : 'false',
    canInvite: form.flag('canInvite') ? 'true' : 'false',
  };
  const errors = taken ? { name: pc.t.webRoles.nameTaken } : errorsOf(pc.t, err, pc.locale === 'en');
  const grantable = await grantableLabels(ctx, form.list('grantableWebRoleIds'));
  return sendPage(reply, taken ? 409 : 422, WebRoleForm({ pc, role, form: { values, errors, grantable } }));
}

export function webRoleRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/web-roles', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req);
    const sort = sortOf(query, ['name'] as const);
    const page = await listWebRoles(ctx, { limit: pageSize, cursor: query.cursor, q: query.q?.slice(0, 100), sort });
    return sendPage(reply, 200, WebRolesView({ pc, query, items: page.items, nextCursor: page.nextCursor }));
  });

  admin.get('/web-roles/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(reply, 200, WebRoleForm({ pc, role: null, form: { values: {}, errors: {}, grantable: [] } }));
  });

  admin.post('/web-roles/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    try {
      const role = await createWebRole(ctx, pc.actor, await webRoleInput(ctx, pc, new SubmittedForm(req.body)));
      return redirectWithNotice(reply, `/admin/web-roles/${role.id}`, 'created');
    } catch (err) {
      return refusedWebRoleForm(ctx, req, reply, err, null);
    }
  });

  admin.get('/web-roles/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const role = await getWebRole(ctx, idParam(req));
    const grantable = await grantableLabels(ctx, role.grantableWebRoleIds);
    return sendPage(reply, 200, WebRoleForm({ pc, role, form: { values: roleValues(role), errors: {}, grantable } }));
  });

  admin.post('/web-roles/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const role = await getWebRole(ctx, idParam(req));
    try {
      const input = await webRoleInput(ctx, pc, new SubmittedForm(req.body));
      await updateWebRole(ctx, pc.actor, role.id, updateWebRoleSchema.parse(input));
      return redirectWithNotice(reply, `/admin/web-roles/${role.id}`, 'saved');
    } catch (err) {
      return refusedWebRoleForm(ctx, req, reply, err, role);
    }
  });

  admin.get('/web-roles/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const role = await getWebRole(ctx, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.webRoles.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: role.name,
        action: `/admin/web-roles/${role.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/web-roles/${role.id}`,
      }),
    );
  });

  admin.post('/web-roles/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteWebRole(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/web-roles', 'deleted');
  });
}
