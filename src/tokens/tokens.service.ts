// Use cases for API tokens: create (the only time the token is shown), list, revoke, authenticate.
import type { AppContext, Actor } from '../context.ts';
import type { ApiTokenRow } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';
import { AppError, forbidden, notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { randomToken } from '../shared/crypto.ts';
import { decodeCursor, toPage, type Page } from '../shared/pagination.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { findUserById } from '../users/users.repo.ts';
import type { ApiToken, CreateTokenInput } from './tokens.schema.ts';
import * as repo from './tokens.repo.ts';

/** How often "last used" is written: at most once a minute per token, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

export const toApiToken = (r: ApiTokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  userId: r.user_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export const newTokenValue = (): string => `pit_${randomToken(32)}`;

/** Inserts a token row for a given plain value; used by the API, the CLI and the first-start bootstrap. */
export async function insertToken(
  ctx: AppContext,
  db: Db | Tx,
  userId: string,
  name: string,
  value: string,
): Promise<ApiTokenRow> {
  const row: ApiTokenRow = {
    id: newId(),
    user_id: userId,
    name,
    token_hash: ctx.secrets.hash('api-token', value),
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_tokens').values(row).execute();
  return row;
}

const isAdmin = (actor: Actor) => actor.type === 'system' || (actor.type === 'user' && actor.role === 'admin');

export async function createToken(
  ctx: AppContext,
  actor: Actor,
  input: CreateTokenInput,
): Promise<ApiToken & { token: string }> {
  if (actor.type === 'contact') throw forbidden();
  const userId = input.userId ?? actor.id;
  if (!userId) throw validationFailed('userId', 'is required');
  if (userId !== actor.id && !isAdmin(actor)) throw forbidden('Only administrators can create tokens for other users.');
  const value = newTokenValue();
  const row = await ctx.db.transaction().execute(async (tx) => {
    if (!(await findUserById(tx, userId))) throw validationFailed('userId', 'no such user');
    const created = await insertToken(ctx, tx, userId, input.name, value);
    await writeAudit(tx, {
      actor,
      action: 'create',
      recordType: 'api-token',
      recordId: created.id,
      details: { userId, name: input.name },
    });
    return created;
  });
  return { ...toApiToken(row), token: value };
}

export async function listTokens(
  ctx: AppContext,
  actor: Actor,
  q: { limit: number; cursor?: string | undefined; userId?: string | undefined },
): Promise<Page<ApiToken>> {
  if (actor.type === 'contact') throw forbidden();
  let userId = q.userId;
  if (!isAdmin(actor)) {
    if (userId !== undefined && userId !== actor.id)
      throw forbidden('Only administrators can see other users\u2019 tokens.');
    userId = actor.id ?? undefined;
  }
  const rows = await repo.listTokens(ctx.db, { limit: q.limit, after: decodeCursor(q.cursor), userId });
  return toPage(rows, q.limit, toApiToken);
}

/**
 * One active token as a list shows it (the back office's Revoke asks about it by name): admins see
 * any, others only their own; a revoked token, or another's, is not found, as revokeToken says.
 */
export async function getToken(ctx: AppContext, actor: Actor, id: string): Promise<ApiToken> {
  if (actor.type === 'contact') throw forbidden();
  const row = await repo.findToken(ctx.db, id);
  if (!row || (!isAdmin(actor) && row.user_id !== actor.id)) throw notFound('The token');
  return toApiToken(row);
}

export async function revokeToken(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await repo.findToken(tx, id);
    if (!row) throw notFound('The token');
    if (!isAdmin(actor) && row.user_id !== actor.id) throw notFound('The token');
    // Guarded: of two revocations racing, one revokes and audits, the other finds nothing left.
    if (!(await repo.revokeActiveToken(tx, id, nowIso()))) throw notFound('The token');
    await writeAudit(tx, {
      actor,
      action: 'revoke',
      recordType: 'api-token',
      recordId: id,
      details: { userId: row.user_id },
    });
  });
}

/** Turns a bearer token into the acting user, or throws `unauthorized`. */
export async function authenticateToken(ctx: AppContext, token: string | undefined): Promise<Actor & { type: 'user' }> {
  if (!token) throw new AppError('unauthorized', 'Send an API token as "Authorization: Bearer <token>".');
  const found = await repo.findActiveTokenByHash(ctx.db, ctx.secrets.hash('api-token', token));
  if (!found) throw new AppError('unauthorized', 'The API token is unknown or revoked.');
  const now = new Date();
  if (!found.last_used_at || now.getTime() - Date.parse(found.last_used_at) > TOUCH_INTERVAL_MS) {
    await repo.touchToken(ctx.db, found.tokenId, now.toISOString());
  }
  return { type: 'user', id: found.userId, role: found.role };
}
