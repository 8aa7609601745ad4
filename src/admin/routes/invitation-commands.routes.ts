// The invitations' commands: Deactivate (confirmed) and Activate, on one invitation or on the
// selected rows of a view; Copy link (admins only: the service's revealInvitationLink, audited);
// Delete (a new invitation only, confirmed). All through the invitations service.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import {
  activateInvitation,
  deactivateInvitation,
  deleteInvitation,
  getInvitation,
  revealInvitationLink,
} from '../../invitations/invitations.service.ts';
import { AppError, validationFailed } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { SubmittedForm } from '../forms.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { DeactivateManyPage, InvitationSecretPage } from '../pages/invitations/invitation-pages.tsx';
import { idParam } from './route-helpers.ts';

/** At most this many rows at once: a view shows 50 a page. */
const MAX_SELECTED = 500;

/** The selected rows of a view (`ids`); none, too many, or one that is not an id is a 422. */
function selectedIds(body: unknown): string[] {
  const ids = new SubmittedForm(body).list('ids');
  if (ids.length === 0) throw validationFailed('ids', 'select at least one record');
  if (ids.length > MAX_SELECTED) throw validationFailed('ids', `select at most ${MAX_SELECTED} records`);
  if (!ids.every(isUuid)) throw validationFailed('ids', 'not a record id');
  return ids.map((id) => id.toLowerCase());
}

/** Runs `command` on each invitation; one that is already in that state is left as it is. */
async function eachOf(ids: string[], command: (id: string) => Promise<unknown>) {
  for (const id of ids) {
    try {
      await command(id);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
    }
  }
}

export function invitationCommandRoutes(admin: Api, ctx: AppContext): void {
  admin.post('/invitations/deactivate', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const ids = selectedIds(req.body);
    if (!new SubmittedForm(req.body).flag('confirmed')) return sendPage(reply, 200, DeactivateManyPage({ pc, ids }));
    await eachOf(ids, (id) => deactivateInvitation(ctx, pc.actor, id));
    return redirectWithNotice(reply, '/admin/invitations', 'deactivated');
  });

  admin.post('/invitations/activate', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const ids = selectedIds(req.body);
    await eachOf(ids, (id) => activateInvitation(ctx, pc.actor, id));
    return redirectWithNotice(reply, '/admin/invitations', 'activated');
  });

  admin.get('/invitations/:id/deactivate', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const inv = await getInvitation(ctx, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.deactivate}: ${pc.t.invitations.entity}`,
        question: pc.t.invitations.confirmDeactivate,
        recordName: inv.name,
        action: `/admin/invitations/${inv.id}/deactivate`,
        confirmLabel: pc.t.commands.deactivate,
        cancelHref: `/admin/invitations/${inv.id}`,
      }),
    );
  });

  admin.post('/invitations/:id/deactivate', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const id = idParam(req);
    await deactivateInvitation(ctx, pc.actor, id);
    return redirectWithNotice(reply, `/admin/invitations/${id}`, 'deactivated');
  });

  admin.post('/invitations/:id/activate', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const id = idParam(req);
    await activateInvitation(ctx, pc.actor, id);
    return redirectWithNotice(reply, `/admin/invitations/${id}`, 'activated');
  });

  // Copy link: a POST (it is audited, and a GET could be followed by a link scanner).
  admin.post('/invitations/:id/link', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const inv = await getInvitation(ctx, idParam(req));
    const link = await revealInvitationLink(ctx, pc.actor, inv.id);
    return sendPage(
      reply,
      200,
      InvitationSecretPage({ pc, invitationId: inv.id, name: inv.name, ...link, created: false }),
    );
  });

  admin.get('/invitations/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const inv = await getInvitation(ctx, idParam(req));
    if (inv.status !== 'new' || inv.sentAt !== null || inv.redemptionCount > 0)
      throw new AppError('conflict', pc.t.invitations.deleteOnlyNew);
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.invitations.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: inv.name,
        action: `/admin/invitations/${inv.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/invitations/${inv.id}`,
      }),
    );
  });

  admin.post('/invitations/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteInvitation(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/invitations', 'deleted');
  });
}
