// The back office's Sent mail: the view of every email activity, one email as it was sent (secrets
// masked by the email service, never unsealed here), and Resend (confirmed) for one whose delivery
// failed, bounced or has an unknown outcome — the email service's resendEmail, which audits it.
import type { AppContext } from '../../context.ts';
import { emailStatusSchema } from '../../email/email.schema.ts';
import { canResend, getEmail, listEmails, resendEmail } from '../../email/email.service.ts';
import type { EmailActivity } from '../../email/email.schema.ts';
import type { Api } from '../../http/types.ts';
import { getInvitation } from '../../invitations/invitations.service.ts';
import { AppError, conflict } from '../../shared/errors.ts';
import { sendPage } from '../../web/render.ts';
import { ConfirmPage } from '../components/confirm.tsx';
import { labelOf } from '../lookups.ts';
import { redirectWithNotice, staffPageContext } from '../page-context.ts';
import { EmailPage, EmailsView } from '../pages/emails/emails.tsx';
import { viewQuery } from '../view-query.ts';
import { idParam, pageSize } from './route-helpers.ts';

const statuses = emailStatusSchema.options;

/** The name of the record an email is about, when it still exists. */
async function regardingLabel(ctx: AppContext, e: EmailActivity): Promise<string | undefined> {
  if (!e.regardingId) return undefined;
  try {
    if (e.regardingType === 'invitation') return (await getInvitation(ctx, e.regardingId)).name;
    if (e.regardingType === 'contact') return (await labelOf(ctx, 'contacts', e.regardingId))?.label;
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'not-found')) throw err;
  }
  return undefined;
}

const resendRefused = () =>
  conflict('Only an email whose delivery failed, bounced or has an unknown outcome can be sent again.');

export function emailRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/emails', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req, ['status']);
    const status = emailStatusSchema.safeParse(query.filters.status);
    if (!status.success) delete query.filters.status;
    const page = await listEmails(ctx, {
      limit: pageSize,
      cursor: query.cursor,
      status: status.success ? status.data : undefined,
      newestFirst: true,
    });
    return sendPage(reply, 200, EmailsView({ pc, query, statuses, items: page.items, nextCursor: page.nextCursor }));
  });

  admin.get('/emails/:id', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const email = await getEmail(ctx, idParam(req));
    const label = await regardingLabel(ctx, email);
    return sendPage(reply, 200, EmailPage({ pc, email, resendable: canResend(email.status), regardingLabel: label }));
  });

  admin.get('/emails/:id/resend', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const email = await getEmail(ctx, idParam(req));
    if (!canResend(email.status)) throw resendRefused();
    return sendPage(
      reply,
      200,
      ConfirmPage({
        pc,
        title: pc.t.emails.resendTitle,
        question: pc.t.emails.resendQuestion,
        recordName: `${email.subject} → ${email.to}`,
        action: `/admin/emails/${email.id}/resend`,
        confirmLabel: pc.t.emails.resend,
        cancelHref: `/admin/emails/${email.id}`,
      }),
    );
  });

  admin.post('/emails/:id/resend', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const email = await resendEmail(ctx, pc.actor, idParam(req));
    return redirectWithNotice(reply, `/admin/emails/${email.id}`, 'resent');
  });
}
