// Signing system users in to the back office: email + password (argon2id), a per-client rate limit
// shared with the portal's sign-in, and a lockout after repeated failures with the portal's own
// settings (Authentication/UserManager/*). Locked accounts answer like wrong passwords to anyone
// who does not know the password.
import type { AppContext } from '../context.ts';
import type { SystemUserRow } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { hashPassword, verifyPassword } from '../shared/passwords.ts';
import { randomToken } from '../shared/crypto.ts';
import { takeAttempt } from '../rate-limit/rate-limit.service.ts';
import { timespanMs } from '../site-settings/site-settings.definitions.ts';
import { settingInt, settingValue } from '../site-settings/site-settings.service.ts';
import { clearUserLockout, countFailedUserSignIn, findUserByEmail } from '../users/users.repo.ts';

let dummyHash: Promise<string> | undefined;
const timingDummy = () => (dummyHash ??= hashPassword(randomToken(16)));
const invalidCredentials = () => new AppError('unauthorized', 'The email or password is not right.');

export async function signInStaff(
  ctx: AppContext,
  input: { email: string; password: string; clientIp: string | undefined },
): Promise<SystemUserRow> {
  await takeAttempt(ctx, 'signIn', `staff:${input.clientIp ?? 'unknown'}`);
  const user = await findUserByEmail(ctx.db, input.email.trim());
  if (!user?.password_hash) {
    await verifyPassword(await timingDummy(), input.password);
    throw invalidCredentials();
  }
  const now = Date.now();
  const passwordRight = await verifyPassword(user.password_hash, input.password);
  if (user.lockout_end && Date.parse(user.lockout_end) > now) {
    if (!passwordRight) throw invalidCredentials();
    throw new AppError(
      'unauthorized',
      `Too many failed sign-ins: the account is locked until ${user.lockout_end.slice(11, 16)} UTC.`,
      { reason: 'account-locked' },
    );
  }
  if (!passwordRight) {
    const max = await settingInt(ctx, 'Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout');
    const lockMs = timespanMs(await settingValue(ctx, 'Authentication/UserManager/DefaultAccountLockoutTimeSpan'));
    await countFailedUserSignIn(ctx.db, user.id, max, new Date(now + lockMs).toISOString());
    throw invalidCredentials();
  }
  if (user.access_failed_count > 0 || user.lockout_end) await clearUserLockout(ctx.db, user.id);
  return user;
}
