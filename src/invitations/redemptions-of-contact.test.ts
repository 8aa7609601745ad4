// The redemptions one contact made (the back office's contact form lists them), paged by id.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { listRedemptionsOfContact } from './invitations.service.ts';

const t = useTestApp();
const f = factories(t);

describe('listRedemptionsOfContact', () => {
  it('lists only that contact’s redemptions, oldest first, along the cursor', async () => {
    const c = await f.contact();
    const other = await f.contact();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const inv = await f.invitation({ type: 'group' });
      for (const who of [c.id, other.id]) {
        const id = newId();
        if (who === c.id) made.push(id);
        await t.ctx.db
          .insertInto('redemptions')
          .values({
            id,
            invitation_id: inv.id,
            contact_id: who,
            redeemed_at: new Date().toISOString(),
            ip_address: null,
            user_agent: null,
            sign_in_method: 'local',
          })
          .execute();
      }
    }
    const first = await listRedemptionsOfContact(t.ctx, c.id, { limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual(made.slice(0, 2));
    expect(first.items[0]).toMatchObject({ contactId: c.id, signInMethod: 'local' });
    const rest = await listRedemptionsOfContact(t.ctx, c.id, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(rest.items.map((r) => r.id)).toEqual(made.slice(2));
    expect(rest.nextCursor).toBeNull();
    expect((await listRedemptionsOfContact(t.ctx, newId(), { limit: 5 })).items).toEqual([]);
  });
});
