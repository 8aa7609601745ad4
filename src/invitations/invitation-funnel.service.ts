// The invitation funnel of the back office's dashboard: per week, how many invitations were
// created, sent, redeemed (their first redemption) and expired unredeemed, with the conversions.
// The databases group by day (one range query per count); the days are put
// into ISO weeks (Monday to Sunday, UTC) here, so the SQL is the same on SQLite and PostgreSQL.
import type { AppContext } from '../context.ts';
import { firstRedemptionDays, invitationsPerDay } from './invitations.repo.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

export interface FunnelWeek {
  /** The Monday the week starts on, `YYYY-MM-DD` (UTC). */
  start: string;
  created: number;
  sent: number;
  redeemed: number;
  /** Invitations whose expiry fell in the week (by `now`) and that nobody redeemed. */
  expired: number;
}

export interface InvitationFunnel {
  weeks: FunnelWeek[];
  totals: Omit<FunnelWeek, 'start'>;
  /** sent / created and redeemed / sent over the whole range; null where the divisor is 0. */
  sentRate: number | null;
  redeemedRate: number | null;
}

/** The Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY);
}

export const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The last `weeks` weeks up to and including the one `now` is in (default: 12 weeks, now). */
export async function invitationFunnel(
  ctx: AppContext,
  options: { weeks?: number; now?: Date } = {},
): Promise<InvitationFunnel> {
  const count = Math.min(Math.max(Math.trunc(options.weeks ?? 12), 1), 104);
  const now = options.now ?? new Date();
  const first = weekStart(now).getTime() - (count - 1) * WEEK;
  const range = { from: new Date(first).toISOString(), to: new Date(first + count * WEEK).toISOString() };
  const weeks: FunnelWeek[] = Array.from({ length: count }, (_, i) => ({
    start: new Date(first + i * WEEK).toISOString().slice(0, 10),
    created: 0,
    sent: 0,
    redeemed: 0,
    expired: 0,
  }));
  const weekOf = (day: string): FunnelWeek | undefined => {
    const at = Date.parse(`${day}T00:00:00.000Z`);
    return Number.isNaN(at) ? undefined : weeks[Math.floor((at - first) / WEEK)];
  };
  // An expiry counts once it has passed: up to now, or the range's end if that comes first.
  const expiredTo = new Date(Math.min(now.getTime() + 1, first + count * WEEK)).toISOString();
  const [created, sent, expired, redeemed] = await Promise.all([
    invitationsPerDay(ctx.db, 'created_at', range),
    invitationsPerDay(ctx.db, 'sent_at', range),
    invitationsPerDay(ctx.db, 'expires_at', { from: range.from, to: expiredTo }),
    firstRedemptionDays(ctx.db, range),
  ]);
  const add = (days: Array<{ day: string; n: number }>, key: Exclude<keyof FunnelWeek, 'start'>) => {
    for (const d of days) {
      const w = weekOf(d.day);
      if (w) w[key] += d.n;
    }
  };
  add(created, 'created');
  add(sent, 'sent');
  add(expired, 'expired');
  add(redeemed, 'redeemed');
  const totals = weeks.reduce(
    (t, w) => ({
      created: t.created + w.created,
      sent: t.sent + w.sent,
      redeemed: t.redeemed + w.redeemed,
      expired: t.expired + w.expired,
    }),
    { created: 0, sent: 0, redeemed: 0, expired: 0 },
  );
  return {
    weeks,
    totals,
    sentRate: rate(totals.sent, totals.created),
    redeemedRate: rate(totals.redeemed, totals.sent),
  };
}
