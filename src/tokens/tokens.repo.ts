// Queries on api_tokens.
import type { Db, Tx } from '../db/types.ts';

export const findActiveTokenByHash = (db: Db, tokenHash: string) =>
  db
    .selectFrom('api_tokens')
    .innerJoin('system_users', 'system_users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as tokenId', 'api_tokens.last_used_at', 'system_users.id as userId', 'system_users.role'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();

export const findToken = (db: Db | Tx, id: string) =>
  db.selectFrom('api_tokens').selectAll().where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();

export function listTokens(db: Db, q: { limit: number; after?: string | undefined; userId?: string | undefined }) {
  let query = db
    .selectFrom('api_tokens')
    .selectAll()
    .where('revoked_at', 'is', null)
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  if (q.userId) query = query.where('user_id', '=', q.userId);
  return query.execute();
}

export const touchToken = (db: Db, id: string, at: string) =>
  db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();

/** Revokes a token still active; false when it was revoked already (by a concurrent call, say). */
export async function revokeActiveToken(tx: Tx, id: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
