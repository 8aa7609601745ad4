// The contact as the portal shows it to the contact itself: a read model across contacts, their
// account and their web roles (the authenticated-users roles included), read in three queries.
import type { AppContext } from '../context.ts';
import { settingValue } from '../site-settings/site-settings.service.ts';

/** What the portal shows of a signed-in contact: its account and web roles (authenticated-users roles included). */
export async function portalProfile(ctx: AppContext, contactId: string) {
  const contact = await ctx.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
  if (!contact) return undefined;
  const account = contact.parent_account_id
    ? await ctx.db
        .selectFrom('accounts')
        .select(['id', 'name'])
        .where('id', '=', contact.parent_account_id)
        .executeTakeFirst()
    : undefined;
  const roles = await ctx.db
    .selectFrom('web_roles')
    .select(['id', 'name', 'authenticated_users_role', 'can_invite'])
    .where((eb) =>
      eb.or([
        eb('authenticated_users_role', '=', 1),
        eb('id', 'in', eb.selectFrom('contact_web_roles').select('web_role_id').where('contact_id', '=', contactId)),
      ]),
    )
    .orderBy('name')
    .execute();
  return {
    contact,
    account: account ?? null,
    webRoles: roles.map((r) => ({ id: r.id, name: r.name })),
    /** Shows "Invite a colleague": a role with canInvite, an account, and the feature on (partner-invitations). */
    canInviteColleagues:
      Boolean(account) &&
      roles.some((r) => r.can_invite === 1) &&
      (await settingValue(ctx, 'Invitations/Portal/OwnerUserId')) !== '',
  };
}
