// The Invitation Redemptions view: every redemption activity, newest first, a page at a time,
// through the invitations service.
import type { AppContext } from '../../context.ts';
import type { Api } from '../../http/types.ts';
import { listAllRedemptions } from '../../invitations/invitations.service.ts';
import { sendPage } from '../../web/render.ts';
import { invitationNames, labelsOf } from '../invitations/invitation-input.ts';
import { staffPageContext } from '../page-context.ts';
import { RedemptionsView } from '../pages/invitations/invitation-pages.tsx';
import { viewQuery } from '../view-query.ts';
import { pageSize } from './route-helpers.ts';

export function redemptionRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/redemptions', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req);
    const page = await listAllRedemptions(ctx, { limit: pageSize, cursor: query.cursor });
    const invitations = await invitationNames(
      ctx,
      page.items.map((r) => r.invitationId),
    );
    const contacts = await labelsOf(
      ctx,
      'contacts',
      page.items.map((r) => r.contactId),
    );
    const items = page.items.map((r) => ({
      ...r,
      invitation: invitations.get(r.invitationId) ?? r.invitationId,
      contact: contacts.get(r.contactId) ?? r.contactId,
    }));
    return sendPage(reply, 200, RedemptionsView({ pc, query, items, nextCursor: page.nextCursor }));
  });
}
