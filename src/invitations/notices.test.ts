// The invitation notices reach the owner (a system user, at the site's language) and the inviter
// contact (in the contact's own language), each looked up through its own feature's repository.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { queueInvitationNotices } from './notices.ts';

const t = useTestApp();
const f = factories(t);

describe('invitation notices', () => {
  it('queue one notice to the owner and one to the inviter contact, in their languages', async () => {
    const inviter = await f.contact({ locale: 'da' });
    const inv = await f.invitation({ name: `Noticed ${Date.now()}`, invitedContactIds: [(await f.contact()).id] });
    const ids = await t.ctx.db.transaction().execute((tx) =>
      queueInvitationNotices(t.ctx, tx, 'declined', {
        id: inv.id,
        name: inv.name,
        owner_id: t.adminId,
        inviter_contact_id: inviter.id,
      }),
    );
    expect(ids).toHaveLength(2);
    const emails = await t.ctx.db
      .selectFrom('emails')
      .select(['to_address', 'to_contact_id', 'subject'])
      .where('id', 'in', ids)
      .orderBy('to_address')
      .execute();
    expect(emails).toEqual(
      [
        { to_address: 'admin@example.com', to_contact_id: null, subject: `Invitation declined: ${inv.name}` },
        { to_address: inviter.emailaddress1, to_contact_id: inviter.id, subject: `Invitation afslået: ${inv.name}` },
      ].sort((a, b) => (a.to_address < b.to_address ? -1 : 1)),
    );
  });

  it('skip an owner or inviter that is gone', async () => {
    const inv = await f.invitation({ invitedContactIds: [(await f.contact()).id] });
    const ids = await t.ctx.db.transaction().execute((tx) =>
      queueInvitationNotices(t.ctx, tx, 'expired', {
        id: inv.id,
        name: inv.name,
        owner_id: '01900000-0000-7000-8000-000000000000',
        inviter_contact_id: '01900000-0000-7000-8000-000000000001',
      }),
    );
    expect(ids).toEqual([]);
  });
});
