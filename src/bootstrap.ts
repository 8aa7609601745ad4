// First start: create the first admin (and its API token) from INITIAL_* when there are no users yet.
import type { AppContext } from './context.ts';
import { systemActor } from './context.ts';
import { newId } from './shared/ids.ts';
import { nowIso } from './shared/time.ts';
import { hashPassword, passwordProblem } from './shared/passwords.ts';
import { writeAudit } from './audit/audit.repo.ts';
import { isUniqueViolation } from './db/db-errors.ts';
import { countUsers, insertUser } from './users/users.repo.ts';
import { insertToken } from './tokens/tokens.service.ts';

export type BootstrapResult = 'created' | 'users-exist' | 'not-configured';

export async function bootstrapInitialAdmin(ctx: AppContext): Promise<BootstrapResult> {
  const initial = ctx.config.initialAdmin;
  if (!initial) return 'not-configured';
  if ((await countUsers(ctx.db)) > 0) return 'users-exist';
  const problem = passwordProblem(initial.password);
  if (problem) throw new Error(`INITIAL_ADMIN_PASSWORD ${problem}`);
  const passwordHash = await hashPassword(initial.password);
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      // Checked again inside the transaction; on PostgreSQL both may still see no users, and then
      // the unique email index lets one insert win and the other is told the users exist.
      if ((await countUsers(tx)) > 0) return 'users-exist' as const;
      const now = nowIso();
      const id = newId();
      await insertUser(tx, {
        id,
        email: initial.email,
        full_name: initial.name,
        role: 'admin',
        password_hash: passwordHash,
        created_at: now,
        updated_at: now,
      });
      if (initial.apiToken) await insertToken(ctx, tx, id, 'initial token', initial.apiToken);
      await writeAudit(tx, {
        actor: systemActor,
        action: 'bootstrap',
        recordType: 'system-user',
        recordId: id,
        details: { email: initial.email, apiToken: Boolean(initial.apiToken) },
      });
      return 'created' as const;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return 'users-exist';
    throw err;
  }
}
