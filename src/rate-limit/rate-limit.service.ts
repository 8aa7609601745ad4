// Fixed-window counters kept in the database, so that every app process shares them.
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { settingInt } from '../site-settings/site-settings.service.ts';
import type { SettingName } from '../site-settings/site-settings.definitions.ts';
import { prepared } from '../db/prepared.ts';

export interface Limit {
  /** Site setting names of the count and the window (seconds). */
  countSetting: SettingName;
  windowSetting: SettingName;
}

export const limits = {
  invitationCodes: {
    countSetting: 'Authentication/RateLimit/InvitationCodes/Count',
    windowSetting: 'Authentication/RateLimit/InvitationCodes/WindowSeconds',
  },
  signUp: {
    countSetting: 'Authentication/RateLimit/SignUp/Count',
    windowSetting: 'Authentication/RateLimit/SignUp/WindowSeconds',
  },
  signIn: {
    countSetting: 'Authentication/RateLimit/SignIn/Count',
    windowSetting: 'Authentication/RateLimit/SignIn/WindowSeconds',
  },
} satisfies Record<string, Limit>;

async function settings(ctx: AppContext, limit: Limit): Promise<{ max: number; windowMs: number }> {
  return {
    max: await settingInt(ctx, limit.countSetting),
    windowMs: (await settingInt(ctx, limit.windowSetting)) * 1000,
  };
}

const keyOf = (ctx: AppContext, name: string, client: string) =>
  `${name}:${ctx.secrets.hash('rate-limit', client).slice(0, 32)}`;

// Asked on every request that can be limited: compiled once (see db/prepared.ts).
const windowOf = prepared(['key'], (db, p) =>
  db.selectFrom('rate_limits').select(['count', 'window_start']).where('key', '=', p('key')),
);

/** Throws `rate-limited` when the client has used up `limit` in the current window; counts nothing. */
export async function assertUnderLimit(ctx: AppContext, name: keyof typeof limits, client: string): Promise<void> {
  const { max, windowMs } = await settings(ctx, limits[name]);
  const [row] = await windowOf.execute(ctx.db, { key: keyOf(ctx, name, client) });
  if (!row) return;
  const windowEnds = Date.parse(row.window_start) + windowMs;
  if (windowEnds > Date.now() && row.count >= max) {
    throw new AppError('rate-limited', 'Too many attempts from your address; try again later.', {
      retryAfter: Math.max(1, Math.ceil((windowEnds - Date.now()) / 1000)),
    });
  }
}

/** Counts one event for the client in the current window (a new window starts when the last one ended). */
export async function countEvent(ctx: AppContext, name: keyof typeof limits, client: string): Promise<void> {
  const { windowMs } = await settings(ctx, limits[name]);
  const now = new Date();
  const nowIso = now.toISOString();
  const windowStartedBefore = new Date(now.getTime() - windowMs).toISOString();
  await ctx.db
    .insertInto('rate_limits')
    .values({ key: keyOf(ctx, name, client), window_start: nowIso, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('rate_limits.window_start', '<=', windowStartedBefore)
          .then(1)
          .else(eb('rate_limits.count', '+', 1))
          .end(),
        window_start: eb
          .case()
          .when('rate_limits.window_start', '<=', windowStartedBefore)
          .then(nowIso)
          .else(eb.ref('rate_limits.window_start'))
          .end(),
      })),
    )
    .execute();
}

/** Counts the attempt, then refuses it when it goes over the limit (sign-up and sign-in). */
export async function takeAttempt(ctx: AppContext, name: keyof typeof limits, client: string): Promise<void> {
  await assertUnderLimit(ctx, name, client);
  await countEvent(ctx, name, client);
}
