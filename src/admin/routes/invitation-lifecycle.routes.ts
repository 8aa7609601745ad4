// The back office's Resend command (a page with the choices, then the lifecycle service's resend)
// and the card downloads, SVG and PNG (admins: the API's card, through the same service). No SQL here.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { invitationCardPng, invitationCardSvg } from '../../invitations/card.ts';
import { getInvitation } from '../../invitations/invitations.service.ts';
import { resendInvitation } from '../../invitations/lifecycle.service.ts';
import { AppError, validationFailed } from '../../shared/errors.ts';
import { statusOf } from '../../shared/problem.ts';
import { sendPage } from '../../web/render.ts';
import { errorsOf, SubmittedForm } from '../forms.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { ResendPage } from '../pages/invitations/invitation-lifecycle.tsx';
import { idParam } from './route-helpers.ts';

export function invitationLifecycleRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/invitations/:id/resend', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    return sendPage(reply, 200, ResendPage({ pc, inv: await getInvitation(ctx, idParam(req)) }));
  });

  admin.post('/invitations/:id/resend', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const id = idParam(req);
    const form = new SubmittedForm(req.body);
    const code = form.text('code')?.trim() || undefined;
    const expiry = form.text('expiresAt')?.trim();
    let expiresAt: string | undefined;
    if (expiry) {
      // datetime-local has no zone: read as UTC, like the form's other times.
      const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(expiry) ? expiry : `${expiry}Z`);
      if (!Number.isNaN(d.getTime())) expiresAt = d.toISOString();
    }
    const rotateCode = form.flag('rotateCode') || code !== undefined;
    try {
      if (expiry && expiresAt === undefined) throw validationFailed('expiresAt', 'not a date and time');
      await resendInvitation(ctx, pc.actor, id, {
        rotateCode,
        ...(code !== undefined ? { code } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
    } catch (err) {
      // A field's refusal (a past expiry, a short or taken chosen code) re-renders the page with it (422/409).
      if (!(err instanceof AppError) || !err.errors?.length) throw err;
      const state = {
        rotateCode: form.flag('rotateCode'),
        expiresAt: expiry ?? '',
        errors: errorsOf(pc.t, err, pc.locale === 'en'),
      };
      return sendPage(reply, statusOf(err.code), ResendPage({ pc, inv: await getInvitation(ctx, id), form: state }));
    }
    return redirectWithNotice(reply, `/admin/invitations/${id}`, 'saved');
  });

  admin.get('/invitations/:id/card.svg', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const svg = await invitationCardSvg(ctx, pc.actor, idParam(req));
    return reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('content-disposition', 'attachment; filename="invitation-card.svg"')
      .header('cache-control', 'no-store')
      .send(svg);
  });

  admin.get('/invitations/:id/card.png', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const png = await invitationCardPng(ctx, pc.actor, idParam(req));
    return reply
      .header('content-type', 'image/png')
      .header('content-disposition', 'attachment; filename="invitation-card.png"')
      .header('cache-control', 'no-store')
      .send(png);
  });
}
