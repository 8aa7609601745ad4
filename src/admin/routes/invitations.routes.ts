// The back office's invitations: the system views, + New (also "Create Invitation" on a contact:
// ?contactId=), the invitation form with its redemptions, Save. Every read and write goes through
// the invitations service, exactly as the API's does; the commands are in invitation-commands.routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { getContact } from '../../contacts/contacts.service.ts';
import type { Invitation, InvitationStatus } from '../../invitations/invitations.schema.ts';
import { invitationSortKeys } from '../../invitations/invitations.repo.ts';
import {
  createInvitation,
  defaultInvitationName,
  getInvitation,
  listInvitations,
  listRedemptions,
  updateInvitation,
} from '../../invitations/invitations.service.ts';
import { AppError } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import { sendPage } from '../../web/render.ts';
import { errorsOf, SubmittedForm } from '../forms.ts';
import { invitationFormState, invitationInput, keptFormState, labelsOf } from '../invitations/invitation-input.ts';
import { labelOf } from '../lookups.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { InvitationForm } from '../pages/invitations/invitation-form.tsx';
import { InvitationSecretPage } from '../pages/invitations/invitation-pages.tsx';
import { type InvitationView, InvitationsView, invitationViews } from '../pages/invitations/invitations-view.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize, quickFind, sortOf } from './route-helpers.ts';

const statusOfView: Record<InvitationView, InvitationStatus | undefined> = {
  new: 'new',
  sent: 'sent',
  redeemed: 'redeemed',
  expired: 'expired',
  inactive: 'inactive',
  all: undefined,
};

/** Shows the form again after a refusal: what was typed, and each problem at its field (422). */
async function refusedForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  inv: Invitation | null,
) {
  if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: inv ? `/admin/invitations/${inv.id}` : '/admin/invitations/new',
  });
  const form = new SubmittedForm(req.body);
  const errors = errorsOf(pc.t, err, pc.locale === 'en');
  // A problem the service found on a list item (`allowedDomains.0`) belongs to its field.
  for (const key of Object.keys(errors)) {
    const field = key.split('.')[0] ?? key;
    if (field !== key && !errors[field]) errors[field] = errors[key] as string;
  }
  const state = await keptFormState(ctx, form, errors, inv);
  const contactId = form.text('contactId');
  return sendPage(
    reply,
    422,
    InvitationForm({
      pc,
      invitation: inv,
      form: state,
      contactId: contactId && isUuid(contactId) ? contactId : undefined,
    }),
  );
}

/** The empty form for + New; with a contact (Create Invitation), a single invitation for it. */
async function newFormState(ctx: AppContext, pc: StaffPageContext, contactId: string | undefined) {
  const me = await labelOf(ctx, 'users', pc.user.id);
  const state = {
    values: { type: 'single' } as Record<string, string>,
    errors: {},
    lookups: { ownerId: me, inviterContactId: undefined, assignToAccountId: undefined, redeemWorkflowId: undefined },
    sets: { invitedContactIds: [] as { id: string; label: string }[], webRoleIds: [] },
    redeemed: [],
  };
  if (contactId) {
    const contact = await getContact(ctx, contactId);
    const label = await labelOf(ctx, 'contacts', contact.id);
    state.values.name = defaultInvitationName(contact.fullName);
    state.sets.invitedContactIds = [label ?? { id: contact.id, label: contact.fullName }];
  }
  return state;
}

export function invitationRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/invitations', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req);
    const view = (invitationViews as readonly string[]).includes(query.view ?? '')
      ? (query.view as InvitationView)
      : 'all';
    const page = await listInvitations(ctx, {
      limit: pageSize,
      cursor: query.cursor,
      ...quickFind(query.q),
      status: statusOfView[view],
      sort: sortOf(query, invitationSortKeys),
    });
    const contacts = await labelsOf(
      ctx,
      'contacts',
      page.items.flatMap((i) => i.invitedContactIds.slice(0, 3)),
    );
    const owners = await labelsOf(
      ctx,
      'users',
      page.items.flatMap((i) => (i.ownerId ? [i.ownerId] : [])),
    );
    return sendPage(
      reply,
      200,
      InvitationsView({ pc, query, view, items: page.items, nextCursor: page.nextCursor, contacts, owners }),
    );
  });

  admin.get('/invitations/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const raw = (req.query as Record<string, unknown>).contactId;
    const contactId = typeof raw === 'string' && raw !== '' ? raw : undefined;
    if (contactId !== undefined && !isUuid(contactId)) throw new AppError('not-found', 'There is no such contact.');
    const form = await newFormState(ctx, pc, contactId?.toLowerCase());
    return sendPage(reply, 200, InvitationForm({ pc, invitation: null, form, contactId }));
  });

  admin.post('/invitations/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    try {
      const input = await invitationInput(ctx, pc, new SubmittedForm(req.body), null);
      const created = await createInvitation(ctx, pc.actor, input as Parameters<typeof createInvitation>[2]);
      // The code is shown this once (the create response carries it), then only through Copy link.
      return sendPage(
        reply,
        201,
        InvitationSecretPage({
          pc,
          invitationId: created.id,
          name: created.name,
          code: created.code,
          redeemUrl: created.redeemUrl,
          created: true,
        }),
      );
    } catch (err) {
      return refusedForm(ctx, req, reply, err, null);
    }
  });

  admin.get('/invitations/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const inv = await getInvitation(ctx, idParam(req));
    const form = await invitationFormState(ctx, pc, inv);
    const page = await listRedemptions(ctx, inv.id, { limit: 100 });
    const who = await labelsOf(
      ctx,
      'contacts',
      page.items.map((r) => r.contactId),
    );
    const redemptions = page.items.map((r) => ({
      id: r.id,
      contactId: r.contactId,
      contact: who.get(r.contactId) ?? r.contactId,
      redeemedAt: r.redeemedAt,
      signInMethod: r.signInMethod,
      ipAddress: r.ipAddress,
    }));
    return sendPage(reply, 200, InvitationForm({ pc, invitation: inv, form, redemptions }));
  });

  admin.post('/invitations/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const inv = await getInvitation(ctx, idParam(req));
    try {
      const input = await invitationInput(ctx, pc, new SubmittedForm(req.body), inv);
      await updateInvitation(ctx, pc.actor, inv.id, input);
      return redirectWithNotice(reply, `/admin/invitations/${inv.id}`, 'saved');
    } catch (err) {
      return refusedForm(ctx, req, reply, err, inv);
    }
  });
}
