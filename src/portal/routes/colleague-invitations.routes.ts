// The partner's "Invite a colleague" pages: GET /portal/colleagues (the form and the invitations
// one has sent), POST /portal/colleagues (invite), POST /portal/colleagues/{id}/resend and
// …/deactivate. The same service as /portal/api/invitations; refusals are pages with the API's status.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { fromLocalInput, toLocalInput } from '../../admin/invitations/invitation-input.ts';
import { getAccount } from '../../accounts/accounts.service.ts';
import {
  deactivateMyInvitation,
  inviteColleague,
  listMyInvitations,
  loadInviter,
  maxExpiryAt,
  resendMyInvitation,
} from '../../partner-invitations/partner-invitations.service.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { settingValue } from '../../site-settings/site-settings.service.ts';
import { emailField, emptyForm, type FormState, optionalField, parseForm, refusedForm } from '../../web/forms.ts';
import { setRetryAfter } from '../../web/refusal.ts';
import { sendPage } from '../../web/render.ts';
import { withLang } from '../../web/locale.ts';
import { statusOf } from '../../shared/problem.ts';
import { type PageContext, pageContext, redirectWithNotice } from '../page-context.ts';
import { ColleagueInvitationsPage, type ColleaguesView } from '../pages/colleague-invitations.tsx';
import { queryOf } from '../route-helpers.ts';

const inviteForm = z.object({
  email: emailField,
  firstName: optionalField(100),
  lastName: optionalField(100),
  expiresAt: optionalField(40),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 25;

/** The chosen roles of the form (check boxes repeat the field). */
const rolesOf = (body: unknown): string[] => {
  const v = (body as Record<string, unknown> | undefined)?.webRoleIds;
  return [
    ...new Set((Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string')),
  ];
};

const idOf = (req: FastifyRequest): string => {
  const id = (req.params as { id?: string }).id ?? '';
  if (!UUID.test(id)) throw notFound('The invitation');
  return id.toLowerCase();
};

async function viewOf(ctx: AppContext, pc: PageContext, contactId: string, cursor: string | undefined) {
  const inviter = await loadInviter(ctx, contactId);
  const zone = (await settingValue(ctx, 'Site/TimeZone')) || 'UTC';
  const now = new Date();
  const latest = maxExpiryAt(inviter, now);
  const list = await listMyInvitations(ctx, contactId, { limit: PAGE, cursor });
  const dateFormat = new Intl.DateTimeFormat(pc.t.dateLocale, { dateStyle: 'medium', timeZone: zone });
  const format = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : '—');
  const view: ColleaguesView = {
    companyName: (await getAccount(ctx, inviter.accountId)).name,
    grantable: inviter.grantable,
    minDate: toLocalInput(now.toISOString(), zone).slice(0, 10),
    maxDate: toLocalInput(latest, zone).slice(0, 10),
    maxShown: format(latest),
    items: list.items,
    nextCursor: list.nextCursor,
    paged: Boolean(cursor),
    format,
  };
  return { view, inviter, zone, latest };
}

/** The signed-in contact, or a redirect to sign in first (undefined then). */
async function signedIn(ctx: AppContext, req: FastifyRequest, reply: FastifyReply) {
  const pc = await pageContext(ctx, req, reply, { canonical: '/portal/colleagues' });
  if (pc.profile) return { pc, contactId: pc.profile.contact.id };
  reply
    .code(303)
    .header('Location', withLang(`/portal/sign-in?next=${encodeURIComponent('/portal/colleagues')}`, pc.explicitLang))
    .send();
  return undefined;
}

export function colleagueInvitationRoutes(pages: Api, ctx: AppContext): void {
  pages.get('/colleagues', async (req, reply) => {
    const who = await signedIn(ctx, req, reply);
    if (!who) return reply;
    const { view } = await viewOf(ctx, who.pc, who.contactId, queryOf(req).cursor || undefined);
    return sendPage(reply, 200, ColleagueInvitationsPage({ pc: who.pc, view, form: emptyForm(), chosenRoles: [] }));
  });

  pages.post('/colleagues', async (req, reply) => {
    const who = await signedIn(ctx, req, reply);
    if (!who) return reply;
    const { pc, contactId } = who;
    const form = parseForm(inviteForm, req.body, pc.t);
    const chosenRoles = rolesOf(req.body);
    const { view, zone, latest } = await viewOf(ctx, pc, contactId, undefined);
    try {
      if (!form.data) throw new AppError('validation-failed', Object.keys(form.errors).join(', '));
      // A date on the page ends at the end of that day in Site/TimeZone, and the last day offered
      // ends at the maximum itself.
      const typed = form.data.expiresAt ? fromLocalInput(form.data.expiresAt, zone) : undefined;
      const expiresAt = typed && /^\d{4}-\d{2}-\d{2}T/.test(typed) ? [typed, latest].sort()[0] : typed;
      if (expiresAt !== undefined && Number.isNaN(Date.parse(expiresAt)))
        throw new AppError('validation-failed', 'expiresAt', {
          errors: [{ field: 'expiresAt', message: pc.t.fieldRequired }],
        });
      await inviteColleague(ctx, contactId, {
        email: form.data.email,
        firstName: form.data.firstName,
        lastName: form.data.lastName,
        webRoleIds: chosenRoles,
        expiresAt,
      });
      return redirectWithNotice(req, reply, '/portal/colleagues', { key: 'colleague-invited' });
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'internal-error') throw err;
      // Refusals that are the page's own (feature off, no right) are whole problem pages.
      if (err.code === 'not-found' || err.reason === 'cannot-invite' || err.reason === 'inviter-without-account')
        throw err;
      const state: FormState = refusedForm(pc.t, form, err);
      // A field the service names is shown there in the page's language (the reason's text).
      if (err.reason) for (const e of err.errors ?? []) state.errors[e.field] = pc.t.reasons[err.reason];
      setRetryAfter(reply, err);
      return sendPage(reply, statusOf(err.code), ColleagueInvitationsPage({ pc, view, form: state, chosenRoles }));
    }
  });

  pages.post('/colleagues/:id/resend', async (req, reply) => {
    const who = await signedIn(ctx, req, reply);
    if (!who) return reply;
    await resendMyInvitation(ctx, who.contactId, idOf(req));
    return redirectWithNotice(req, reply, '/portal/colleagues', { key: 'colleague-resent' });
  });

  pages.post('/colleagues/:id/deactivate', async (req, reply) => {
    const who = await signedIn(ctx, req, reply);
    if (!who) return reply;
    await deactivateMyInvitation(ctx, who.contactId, idOf(req));
    return redirectWithNotice(req, reply, '/portal/colleagues', { key: 'colleague-deactivated' });
  });
}
