// Use cases for system users. Admin-only rules are checked by the caller's role here, not in routes.
import type { AppContext, Actor } from '../context.ts';
import type { SystemUserRow } from '../db/schema.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { lockRows } from '../db/row-locks.ts';
import { conflict, forbidden, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { hashPassword, passwordProblem } from '../shared/passwords.ts';
import { decodeCursor, toPage, type Page } from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import type { CreateUserInput, UpdateUserInput, User } from './users.schema.ts';
import * as repo from './users.repo.ts';

export const toUser = (r: SystemUserRow): User => ({
  id: r.id,
  email: r.email,
  fullName: r.full_name,
  role: r.role,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function requireAdmin(actor: Actor): void {
  if (actor.type !== 'system' && !(actor.type === 'user' && actor.role === 'admin'))
    throw forbidden('Only administrators can do this.');
}

async function checkedHash(password: string | undefined): Promise<string | null> {
  if (password === undefined) return null;
  const problem = passwordProblem(password);
  if (problem) throw validationFailed('password', problem);
  return hashPassword(password);
}

export async function createUser(ctx: AppContext, actor: Actor, input: CreateUserInput): Promise<User> {
  requireAdmin(actor);
  const passwordHash = await checkedHash(input.password);
  const now = nowIso();
  const row: SystemUserRow = {
    id: newId(),
    email: input.email,
    full_name: input.fullName,
    role: input.role,
    password_hash: passwordHash,
    access_failed_count: 0,
    lockout_end: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.transaction().execute(async (tx) => {
      await repo.insertUser(tx, row);
      await writeAudit(tx, {
        actor,
        action: 'create',
        recordType: 'system-user',
        recordId: row.id,
        details: { email: row.email, role: row.role },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(`A user with the email ${input.email} already exists.`, 'user-email-taken');
    throw err;
  }
  return toUser(row);
}

export async function getUser(ctx: AppContext, actor: Actor, id: string): Promise<User> {
  requireAdmin(actor);
  const row = await repo.findUserById(ctx.db, id);
  if (!row) throw notFound('The user');
  return toUser(row);
}

export async function listUsers(
  ctx: AppContext,
  actor: Actor,
  q: { limit: number; cursor?: string | undefined; email?: string | undefined },
): Promise<Page<User>> {
  requireAdmin(actor);
  const after = decodeCursor(q.cursor);
  const rows = await repo.listUsers(ctx.db, {
    limit: q.limit,
    ...(after ? { after } : {}),
    ...(q.email ? { email: q.email } : {}),
  });
  return toPage(rows, q.limit, toUser);
}

export async function updateUser(ctx: AppContext, actor: Actor, id: string, input: UpdateUserInput): Promise<User> {
  requireAdmin(actor);
  const passwordHash = await checkedHash(input.password);
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const current = await repo.findUserById(tx, id);
      if (!current) throw notFound('The user');
      if (
        current.role === 'admin' &&
        input.role === 'staff' &&
        (await repo.countAdminsForUpdate(tx, ctx.dialect)) <= 1
      ) {
        throw conflict('This is the last administrator; make another user an administrator first.', 'last-admin');
      }
      const changes: Partial<SystemUserRow> = { updated_at: nowIso() };
      if (input.email !== undefined) changes.email = input.email;
      if (input.fullName !== undefined) changes.full_name = input.fullName;
      if (input.role !== undefined) changes.role = input.role;
      if (passwordHash !== null) changes.password_hash = passwordHash;
      await tx.updateTable('system_users').set(changes).where('id', '=', id).execute();
      const fields = Object.keys(input);
      await writeAudit(tx, { actor, action: 'update', recordType: 'system-user', recordId: id, details: { fields } });
      return toUser({ ...current, ...changes });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(`A user with the email ${input.email} already exists.`, 'user-email-taken');
    throw err;
  }
}

export async function deleteUser(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction().execute(async (tx) => {
    // The user and every admin are locked in one statement, in id order: a new invitation owned by
    // the user commits before its references are counted, or waits and finds the user gone; two
    // deletes of admins run one after the other (the last admin stays) and cannot deadlock.
    const gone = await lockRows(tx, ctx.dialect, 'system_users', [id, ...(await repo.adminIds(tx))], 'update');
    const current = !gone.includes(id) && (await repo.findUserById(tx, id));
    if (!current) throw notFound('The user');
    if (actor.type === 'user' && actor.id === id) throw conflict('You cannot delete yourself.', 'user-delete-self');
    if (current.role === 'admin' && (await repo.countAdmins(tx)) <= 1)
      throw conflict('This is the last administrator.', 'last-admin');
    const refs = await repo.userReferences(tx, id);
    if (refs > 0)
      throw conflict(
        `The user owns or created ${refs} invitation(s); give them to another owner first.`,
        'user-owns-invitations',
      );
    await tx.deleteFrom('system_users').where('id', '=', id).execute();
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'system-user',
      recordId: id,
      details: { email: current.email },
    });
  });
}

/**
 * Users to choose as an owner (the back office's look-up): any signed-in user may see who can own
 * an invitation — their name and email, nothing more.
 */
export async function searchOwners(
  ctx: AppContext,
  text: string,
  limit = 20,
): Promise<{ id: string; fullName: string; email: string }[]> {
  const rows = await repo.searchUsers(ctx.db, text, limit);
  return rows.map((r) => ({ id: r.id, fullName: r.full_name, email: r.email }));
}

/** One owner by id, as searchOwners shows it (undefined when there is no such user). */
export async function findOwner(
  ctx: AppContext,
  id: string,
): Promise<{ id: string; fullName: string; email: string } | undefined> {
  const row = await repo.findUserById(ctx.db, id);
  return row ? { id: row.id, fullName: row.full_name, email: row.email } : undefined;
}

/**
 * The owner whose email is `email` (emails are unique in any letter case) and, when `fullName` is
 * given, whose full name is that too (any letter case); undefined when there is none.
 */
export async function findOwnerByEmail(
  ctx: AppContext,
  email: string,
  fullName?: string,
): Promise<{ id: string; fullName: string; email: string } | undefined> {
  const row =
    fullName === undefined
      ? await repo.findUserByEmail(ctx.db, email)
      : await repo.findUserByEmailAndName(ctx.db, email, fullName);
  return row ? { id: row.id, fullName: row.full_name, email: row.email } : undefined;
}

/** Whether a user is locked out of the back office after repeated failed sign-ins, and until when. */
export interface UserSignInState {
  accessFailedCount: number;
  lockoutEnd: string | null;
  lockedOut: boolean;
}

const signInStateOf = (r: SystemUserRow, now: number): UserSignInState => ({
  accessFailedCount: r.access_failed_count,
  lockoutEnd: r.lockout_end,
  lockedOut: Boolean(r.lockout_end && Date.parse(r.lockout_end) > now),
});

/**
 * The back-office sign-in state of users (for the back office's users pages; the API's User does not
 * carry it). Admins only; ids that name no user are left out.
 */
export async function userSignInStates(
  ctx: AppContext,
  actor: Actor,
  ids: readonly string[],
): Promise<Map<string, UserSignInState>> {
  requireAdmin(actor);
  const rows = await Promise.all([...new Set(ids)].map((id) => repo.findUserById(ctx.db, id)));
  const now = Date.now();
  return new Map(rows.filter((r): r is SystemUserRow => Boolean(r)).map((r) => [r.id, signInStateOf(r, now)]));
}

/** An admin's Unlock: lifts a user's back-office lockout and forgets the failed sign-ins (audited). */
export async function unlockUser(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction().execute(async (tx) => {
    const current = await repo.findUserById(tx, id);
    if (!current) throw notFound('The user');
    await repo.clearUserLockout(tx, id);
    await writeAudit(tx, {
      actor,
      action: 'unlock',
      recordType: 'system-user',
      recordId: id,
      details: { accessFailedCount: current.access_failed_count, lockoutEnd: current.lockout_end },
    });
  });
}
