// The lockout after repeated failed sign-ins, as one guarded update for any table that has
// `access_failed_count` and `lockout_end` (contacts, system users): concurrent failures all count,
// and the lockout starts at the limit with the count starting again from 0.
import { sql } from 'kysely';

export function failedSignInChanges(lockAfter: number, lockoutEnd: string) {
  const atLimit = Math.max(0, lockAfter - 1);
  return {
    access_failed_count: sql<number>`case when access_failed_count >= ${atLimit} then 0 else access_failed_count + 1 end`,
    lockout_end: sql<
      string | null
    >`case when access_failed_count >= ${atLimit} then ${lockoutEnd} else lockout_end end`,
  };
}
