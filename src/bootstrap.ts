// First start: the first admin, created once while there are no system users — from INITIAL_* at
// start, or from the back office's set-up page opened on the same machine. Both go through
// createFirstAdmin, so "only while no user exists" is one rule.
import type { AppContext } from './context.ts';
import { systemActor } from './context.ts';
import { newId } from './shared/ids.ts';
import { nowIso } from './shared/time.ts';
import { hashPassword, passwordProblem } from './shared/passwords.ts';
import { validationFailed } from './shared/errors.ts';
import { writeAudit } from './audit/audit.repo.ts';
import { isUniqueViolation } from './db/db-errors.ts';
import { countUsers, insertUser } from './users/users.repo.ts';
import { insertToken } from './tokens/tokens.service.ts';

export type BootstrapResult = 'created' | 'users-exist' | 'not-configured';

export interface FirstAdmin {
  email: string;
  fullName: string;
  password: string;
  apiToken?: string | undefined;
}

/** True while the service has no system user at all (the set-up page is offered only then). */
export const hasNoUsers = async (ctx: AppContext): Promise<boolean> => (await countUsers(ctx.db)) === 0;

/**
 * Creates the first admin if there is still no system user; `users-exist` otherwise (also when
 * another process or browser won the race). A password that breaks the rule is `validation-failed`.
 */
export async function createFirstAdmin(
  ctx: AppContext,
  input: FirstAdmin,
  via: 'environment' | 'set-up page',
): Promise<{ result: 'created'; userId: string } | { result: 'users-exist' }> {
  if ((await countUsers(ctx.db)) > 0) return { result: 'users-exist' };
  const problem = passwordProblem(input.password);
  if (problem) throw validationFailed('password', problem);
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      // Checked again inside the transaction; on PostgreSQL both may still see no users, and then
      // the unique email index lets one insert win and the other is told the users exist.
      if ((await countUsers(tx)) > 0) return { result: 'users-exist' as const };
      const now = nowIso();
      const id = newId();
      await insertUser(tx, {
        id,
        email: input.email,
        full_name: input.fullName,
        role: 'admin',
        password_hash: passwordHash,
        created_at: now,
        updated_at: now,
      });
      if (input.apiToken) await insertToken(ctx, tx, id, 'initial token', input.apiToken);
      await writeAudit(tx, {
        actor: systemActor,
        action: 'bootstrap',
        recordType: 'system-user',
        recordId: id,
        details: { email: input.email, apiToken: Boolean(input.apiToken), via },
      });
      return { result: 'created' as const, userId: id };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { result: 'users-exist' };
    throw err;
  }
}

export async function bootstrapInitialAdmin(ctx: AppContext): Promise<BootstrapResult> {
  const initial = ctx.config.initialAdmin;
  if (!initial) return 'not-configured';
  if ((await countUsers(ctx.db)) > 0) return 'users-exist';
  const problem = passwordProblem(initial.password);
  if (problem) throw new Error(`INITIAL_ADMIN_PASSWORD ${problem}`);
  const outcome = await createFirstAdmin(
    ctx,
    { email: initial.email, fullName: initial.name, password: initial.password, apiToken: initial.apiToken },
    'environment',
  );
  return outcome.result;
}
