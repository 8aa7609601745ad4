// A redemption records invitation.redeemed exactly when an enabled endpoint takes it: the one
// statement of PostgreSQL answers whether any endpoint is enabled, so that the usual redemption
// (none is) skips the event's read; SQLite reads as before. Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { redeemInvitation } from './redemption.service.ts';

const t = useTestApp();
const make = factories(t);
const client = { ip: '127.0.0.1', userAgent: 'test' };

async function redeemOnce(): Promise<string[]> {
  const inv = await make.invitation({ type: 'group', invitedContactIds: [] });
  const c = await make.contact();
  await redeemInvitation(t.ctx, { code: inv.code, contactId: c.id, client, signInMethod: 'local' });
  const events = await t.ctx.db
    .selectFrom('lifecycle_events')
    .select(['type', 'data'])
    .where('type', '=', 'invitation.redeemed')
    .execute();
  return events
    .map((e) => JSON.parse(e.data) as { invitationId: string; contactId: string })
    .filter((d) => d.invitationId === inv.id && d.contactId === c.id)
    .map((d) => d.invitationId);
}

describe('the invitation.redeemed event', () => {
  it('is recorded only while an enabled endpoint takes it', async () => {
    expect(await redeemOnce()).toEqual([]);
    const other = await t.api('POST', 'webhook-endpoints', {
      body: { url: 'https://hooks.example.com/other', events: ['contact.created'] },
    });
    expect(other.statusCode, other.body).toBe(201);
    // An endpoint is enabled, but none takes the event.
    expect(await redeemOnce()).toEqual([]);
    const taker = await t.api('POST', 'webhook-endpoints', {
      body: { url: 'https://hooks.example.com/redeemed', events: ['invitation.redeemed'] },
    });
    expect(taker.statusCode, taker.body).toBe(201);
    expect(await redeemOnce()).toHaveLength(1);
    const deliveries = await t.ctx.db
      .selectFrom('webhook_deliveries')
      .select('endpoint_id')
      .where('endpoint_id', '=', taker.json().id)
      .execute();
    expect(deliveries).toHaveLength(1);
    for (const e of [other, taker])
      expect((await t.api('PATCH', `webhook-endpoints/${e.json().id}`, { body: { enabled: false } })).statusCode).toBe(
        200,
      );
    expect(await redeemOnce()).toEqual([]);
  });
});
