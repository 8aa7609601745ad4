// The back office's Web Authentication commands on a contact: Unlock (ends a portal lockout),
// Change Password (a page with the new password; the password rule's problem shows at the field) and
// Remove on an external identity (admins; confirmed first). Each goes through its feature's service,
// which audits it.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { getContact, setContactPassword, unlockContact } from '../../contacts/contacts.service.ts';
import { listExternalLogins, removeExternalLogin } from '../../portal-auth/external-logins.service.ts';
import { AppError, forbidden, notFound } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { errorsOf, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { ChangePasswordPage } from '../pages/contacts/web-authentication.tsx';
import { idParam } from './route-helpers.ts';

export function contactAuthenticationRoutes(admin: Api, ctx: AppContext): void {
  admin.post('/contacts/:id/unlock', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const id = idParam(req);
    await unlockContact(ctx, pc.actor, id);
    return redirectWithNotice(reply, `/admin/contacts/${id}#web-authentication`, 'unlocked');
  });

  admin.get('/contacts/:id/password', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const contact = await getContact(ctx, idParam(req));
    return sendPage(reply, 200, ChangePasswordPage({ pc, contact, errors: {} }));
  });

  admin.post('/contacts/:id/password', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const contact = await getContact(ctx, idParam(req));
    const password = new SubmittedForm(req.body).values.password ?? '';
    try {
      await setContactPassword(ctx, pc.actor, contact.id, password);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation-failed') throw err;
      const errors = errorsOf(pc.t, err, pc.locale === 'en');
      // The rule in the page's words, whatever language the service explained it in.
      if (errors.password) errors.password = pc.t.passwordRule;
      return sendPage(reply, 422, ChangePasswordPage({ pc, contact, errors }));
    }
    return redirectWithNotice(reply, `/admin/contacts/${contact.id}`, 'passwordSet');
  });

  admin.get('/contacts/:id/external-logins/:loginId/remove', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    // Only admins remove an identity (the service says so again): staff are not asked to confirm.
    if (!pc.isAdmin) throw forbidden('Only administrators can do this.');
    const contact = await getContact(ctx, idParam(req));
    const loginId = idParam(req, 'loginId');
    const login = (await listExternalLogins(ctx, contact.id)).find((l) => l.id === loginId);
    if (!login) throw notFound('The external login');
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: `${pc.t.contacts.commands.remove}: ${pc.t.contacts.sections.externalLogins}`,
        question: pc.t.contacts.removeLoginQuestion,
        recordName: `${login.providerName ?? login.providerId}: ${login.subject}`,
        action: `/admin/contacts/${contact.id}/external-logins/${login.id}/remove`,
        confirmLabel: pc.t.contacts.commands.remove,
        cancelHref: `/admin/contacts/${contact.id}#web-authentication`,
      }),
    );
  });

  admin.post('/contacts/:id/external-logins/:loginId/remove', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const id = idParam(req);
    await removeExternalLogin(ctx, pc.actor, id, idParam(req, 'loginId'));
    return redirectWithNotice(reply, `/admin/contacts/${id}#web-authentication`, 'deleted');
  });
}
