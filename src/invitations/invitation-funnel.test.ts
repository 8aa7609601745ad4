// The invitation funnel counts per ISO week (Monday, UTC) on a fixed clock: created, sent, first
// redemption, and expired unredeemed by now; boundaries of weeks and of the range included.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { invitationFunnel, weekStart } from './invitation-funnel.service.ts';

const t = useTestApp();

/** A group invitation with its times set as a test needs them. */
async function invitationAt(times: {
  created: string;
  sent?: string;
  expires?: string;
  redeemed?: string[];
}): Promise<string> {
  const f = factories(t);
  const inv = await f.invitation({ name: `Funnel ${newId()}`, type: 'group' });
  await t.ctx.db
    .updateTable('invitations')
    .set({
      created_at: times.created,
      sent_at: times.sent ?? null,
      status: times.sent ? 'sent' : 'new',
      expires_at: times.expires ?? null,
      redemption_count: times.redeemed?.length ?? 0,
    })
    .where('id', '=', inv.id)
    .execute();
  for (const at of times.redeemed ?? []) {
    const c = await f.contact();
    await t.ctx.db
      .insertInto('redemptions')
      .values({
        id: newId(),
        invitation_id: inv.id,
        contact_id: c.id,
        redeemed_at: at,
        ip_address: null,
        user_agent: null,
        sign_in_method: null,
      })
      .execute();
  }
  return inv.id;
}

describe('invitationFunnel', () => {
  it('weeks start on Monday in UTC', () => {
    expect(weekStart(new Date('2021-03-17T12:00:00Z')).toISOString()).toBe('2021-03-15T00:00:00.000Z');
    expect(weekStart(new Date('2021-03-15T00:00:00Z')).toISOString()).toBe('2021-03-15T00:00:00.000Z');
    expect(weekStart(new Date('2021-03-21T23:59:59.999Z')).toISOString()).toBe('2021-03-15T00:00:00.000Z');
  });

  it('counts a known set of invitations per week with a fixed clock', async () => {
    const now = new Date('2021-03-17T12:00:00Z'); // a Wednesday; the 12 weeks start on Monday 2020-12-28
    // Created before the range (a Sunday), sent on its first Monday, expired unredeemed in that week.
    await invitationAt({
      created: '2020-12-27T23:00:00.000Z',
      sent: '2020-12-28T00:30:00.000Z',
      expires: '2021-01-03T23:59:59.000Z',
    });
    // Created, sent, redeemed first in the next week (the second redemption is not a second one counted).
    await invitationAt({
      created: '2021-03-01T10:00:00.000Z',
      sent: '2021-03-02T09:00:00.000Z',
      redeemed: ['2021-03-10T08:00:00.000Z', '2021-03-16T08:00:00.000Z'],
    });
    // The last moment of a Sunday, and sent at the first moment of the next week; expired unredeemed.
    await invitationAt({
      created: '2021-03-07T23:59:59.999Z',
      sent: '2021-03-08T00:00:00.000Z',
      expires: '2021-03-14T23:00:00.000Z',
    });
    // Redeemed before it expired: not expired.
    await invitationAt({
      created: '2021-03-03T10:00:00.000Z',
      expires: '2021-03-05T00:00:00.000Z',
      redeemed: ['2021-03-04T10:00:00.000Z'],
    });
    // Expires after now: not (yet) expired.
    await invitationAt({ created: '2021-03-16T10:00:00.000Z', expires: '2021-03-18T00:00:00.000Z' });
    // After the range (the next week) and long before it: not counted at all.
    await invitationAt({ created: '2021-03-22T10:00:00.000Z', sent: '2021-03-22T11:00:00.000Z' });
    await invitationAt({
      created: '2019-01-01T10:00:00.000Z',
      sent: '2019-01-02T10:00:00.000Z',
      expires: '2019-02-01T00:00:00.000Z',
    });

    const funnel = await invitationFunnel(t.ctx, { weeks: 12, now });
    expect(funnel.weeks).toHaveLength(12);
    expect(funnel.weeks[0]?.start).toBe('2020-12-28');
    expect(funnel.weeks[11]?.start).toBe('2021-03-15');
    const nonZero = funnel.weeks.filter((w) => w.created + w.sent + w.redeemed + w.expired > 0);
    expect(nonZero).toEqual([
      { start: '2020-12-28', created: 0, sent: 1, redeemed: 0, expired: 1 },
      { start: '2021-03-01', created: 3, sent: 1, redeemed: 1, expired: 0 },
      { start: '2021-03-08', created: 0, sent: 1, redeemed: 1, expired: 1 },
      { start: '2021-03-15', created: 1, sent: 0, redeemed: 0, expired: 0 },
    ]);
    expect(funnel.totals).toEqual({ created: 4, sent: 3, redeemed: 2, expired: 2 });
    expect(funnel.sentRate).toBe(0.75);
    expect(funnel.redeemedRate).toBeCloseTo(2 / 3);

    // A shorter range on the same clock: only the last two weeks.
    const two = await invitationFunnel(t.ctx, { weeks: 2, now });
    expect(two.weeks.map((w) => w.start)).toEqual(['2021-03-08', '2021-03-15']);
    expect(two.totals).toEqual({ created: 1, sent: 1, redeemed: 1, expired: 1 });
  });
});
