// The back office's contacts: the Active Contacts view (search, ?accountId=, sorting, row selection
// with Create Invitation, Run Workflow and Delete), + New, the contact form with its related records,
// and Delete (confirmed). Every read and change goes through the contacts service, as the API's does.
// The Web Authentication commands (Unlock, Change Password, external identities) are in
// contact-authentication.routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import type { Contact } from '../../contacts/contacts.schema.ts';
import { createContactSchema, updateContactSchema } from '../../contacts/contacts.schema.ts';
import {
  createContact,
  deleteContact,
  getContact,
  getContactAuthentication,
  listContacts,
  updateContact,
} from '../../contacts/contacts.service.ts';
import { getInvitation, listInvitations, listRedemptionsOfContact } from '../../invitations/invitations.service.ts';
import { listExternalLogins } from '../../portal-auth/external-logins.service.ts';
import { AppError, validationFailed } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { checked, errorsOf, type FieldErrors, refuse, resolveLookups, SubmittedForm } from '../forms.ts';
import { labelOf, type LookupOption } from '../lookups.ts';
import { redirectWithNotice, type StaffPageContext, staffPageContext } from '../page-context.ts';
import { ContactForm, type ContactRelated, contactValues } from '../pages/contacts/contact-form.tsx';
import { ChooseOneContactPage, ContactsView } from '../pages/contacts/contacts-view.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize, quickFind, sortOf } from './route-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RELATED = 50;

const labels = async (ctx: AppContext, kind: 'accounts' | 'web-roles', ids: string[]): Promise<LookupOption[]> =>
  (await Promise.all(ids.map((id) => labelOf(ctx, kind, id)))).filter((o): o is LookupOption => Boolean(o));

/** Reads the form as the API's input; a problem on any field is thrown as validation-failed. */
async function contactInput(ctx: AppContext, pc: StaffPageContext, form: SubmittedForm, isNew: boolean) {
  const lookups = await resolveLookups(ctx, pc.t, form, [
    { name: 'parentAccountId', kind: 'accounts' },
    { name: 'webRoleIds', kind: 'web-roles', many: true },
  ]);
  const input = {
    firstName: form.textOrNull('firstName'),
    lastName: form.textOrNull('lastName'),
    emailaddress1: form.textOrNull('emailaddress1'),
    emailaddress2: form.textOrNull('emailaddress2'),
    emailaddress3: form.textOrNull('emailaddress3'),
    parentAccountId: lookups.ids.parentAccountId ?? null,
    locale: form.textOrNull('locale'),
    webRoleIds: lookups.sets.webRoleIds ?? [],
    username: form.textOrNull('username'),
    loginEnabled: form.flag('loginEnabled'),
  };
  const result = checked(pc.t, isNew ? createContactSchema : updateContactSchema, input, pc.locale === 'en');
  const errors: FieldErrors = { ...(result.errors ?? {}), ...lookups.errors };
  if (Object.keys(errors).length || !result.data) refuse(errors);
  return result.data;
}

/** What the contact form shows beside the contact's own fields. */
async function relatedOf(ctx: AppContext, contact: Contact): Promise<ContactRelated> {
  const [invitations, redemptions, auth, externalLogins] = await Promise.all([
    listInvitations(ctx, { limit: RELATED, invitedContactId: contact.id }),
    listRedemptionsOfContact(ctx, contact.id, { limit: RELATED }),
    getContactAuthentication(ctx, contact.id),
    listExternalLogins(ctx, contact.id),
  ]);
  const named = await Promise.all(
    redemptions.items.map(async (r) => ({
      ...r,
      invitationName: (await getInvitation(ctx, r.invitationId).catch(() => undefined))?.name ?? r.invitationId,
    })),
  );
  return { invitations: invitations.items, redemptions: named, auth, externalLogins };
}

async function contactPage(ctx: AppContext, pc: StaffPageContext, reply: FastifyReply, contact: Contact) {
  const [account, webRoles, related] = await Promise.all([
    contact.parentAccountId ? labelOf(ctx, 'accounts', contact.parentAccountId) : undefined,
    labels(ctx, 'web-roles', contact.webRoleIds),
    relatedOf(ctx, contact),
  ]);
  const form = { values: contactValues(contact), errors: {}, account, webRoles };
  return sendPage(reply, 200, ContactForm({ pc, contact, form, related }));
}

/** Shows the form again after a refusal: what was typed, and each problem at its field. */
async function refusedContactForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  contact: Contact | null,
) {
  // The contacts service's only conflict on create and update is a username another contact has.
  const taken = err instanceof AppError && err.code === 'conflict';
  if (!(err instanceof AppError) || (err.code !== 'validation-failed' && !taken)) throw err;
  const pc = await staffPageContext(ctx, req, reply, {
    canonical: contact ? `/admin/contacts/${contact.id}` : '/admin/contacts/new',
  });
  const form = new SubmittedForm(req.body);
  const heldAccount = form.text('parentAccountId');
  const state = {
    values: form.kept(),
    errors: taken ? { username: pc.t.contacts.usernameTaken } : errorsOf(pc.t, err, pc.locale === 'en'),
    account: heldAccount && UUID.test(heldAccount) ? await labelOf(ctx, 'accounts', heldAccount) : undefined,
    webRoles: await labels(
      ctx,
      'web-roles',
      form.list('webRoleIds').filter((id) => UUID.test(id)),
    ),
  };
  const related = contact ? await relatedOf(ctx, contact) : undefined;
  return sendPage(reply, taken ? 409 : 422, ContactForm({ pc, contact, form: state, related }));
}

/** The one contact id a command on the selection needs; anything else is a 422 page saying so. */
async function oneSelected(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, message: 'exactly' | 'one') {
  const ids = new SubmittedForm(req.body).list('ids');
  if (ids.length === 1 && UUID.test(ids[0] as string)) return (ids[0] as string).toLowerCase();
  const pc = await staffPageContext(ctx, req, reply, { canonical: '/admin/contacts' });
  const text = message === 'exactly' ? pc.t.contacts.chooseExactlyOne : pc.t.contacts.chooseOne;
  sendPage(reply, 422, ChooseOneContactPage({ pc, message: text }));
  return undefined;
}

export function contactRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/contacts', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req, ['accountId']);
    const accountId = query.filters.accountId;
    if (accountId !== undefined && !UUID.test(accountId)) throw validationFailed('accountId', 'must be an id');
    const sort = sortOf(query, ['fullName', 'lastName', 'emailaddress1'] as const);
    const page = await listContacts(ctx, {
      limit: pageSize,
      cursor: query.cursor,
      ...quickFind(query.q),
      accountId: accountId?.toLowerCase(),
      sort,
    });
    const ids = [...new Set(page.items.map((c) => c.parentAccountId).filter((x): x is string => Boolean(x)))];
    const accounts = new Map((await labels(ctx, 'accounts', ids)).map((o) => [o.id, o.label]));
    const account = accountId ? await labelOf(ctx, 'accounts', accountId.toLowerCase()) : undefined;
    return sendPage(
      reply,
      200,
      ContactsView({ pc, query, items: page.items, nextCursor: page.nextCursor, accounts, account }),
    );
  });

  admin.post('/contacts/create-invitation', async (req, reply) => {
    const id = await oneSelected(ctx, req, reply, 'exactly');
    if (!id) return reply;
    await getContact(ctx, id);
    return reply.code(303).header('Location', `/admin/invitations/new?contactId=${id}`).send();
  });

  admin.post('/contacts/delete-selected', async (req, reply) => {
    const id = await oneSelected(ctx, req, reply, 'one');
    if (!id) return reply;
    return reply.code(303).header('Location', `/admin/contacts/${id}/delete`).send();
  });

  admin.get('/contacts/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const form = { values: {}, errors: {}, webRoles: [] };
    return sendPage(reply, 200, ContactForm({ pc, contact: null, form }));
  });

  admin.post('/contacts/new', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    try {
      const input = await contactInput(ctx, pc, new SubmittedForm(req.body), true);
      const contact = await createContact(ctx, pc.actor, input);
      return redirectWithNotice(reply, `/admin/contacts/${contact.id}`, 'created');
    } catch (err) {
      return refusedContactForm(ctx, req, reply, err, null);
    }
  });

  admin.get('/contacts/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return contactPage(ctx, pc, reply, await getContact(ctx, idParam(req)));
  });

  admin.post('/contacts/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const contact = await getContact(ctx, idParam(req));
    try {
      const input = await contactInput(ctx, pc, new SubmittedForm(req.body), false);
      await updateContact(ctx, pc.actor, contact.id, input);
      return redirectWithNotice(reply, `/admin/contacts/${contact.id}`, 'saved');
    } catch (err) {
      return refusedContactForm(ctx, req, reply, err, contact);
    }
  });

  admin.get('/contacts/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const contact = await getContact(ctx, idParam(req));
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.commands.delete}: ${pc.t.contacts.entity}`,
        question: pc.t.form.confirmDelete,
        recordName: contact.fullName || contact.id,
        action: `/admin/contacts/${contact.id}/delete`,
        confirmLabel: pc.t.commands.delete,
        cancelHref: `/admin/contacts/${contact.id}`,
      }),
    );
  });

  admin.post('/contacts/:id/delete', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    await deleteContact(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, '/admin/contacts', 'deleted');
  });
}
