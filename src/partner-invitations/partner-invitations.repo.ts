// Reads for the inviter's own list: the invited people, the roles' names and when each invitation
// was first redeemed, for one page of invitations at a time (three queries, whatever its length).
import type { Db, Tx } from '../db/types.ts';

export async function peopleByIds(db: Db | Tx, ids: readonly string[]) {
  if (ids.length === 0)
    return new Map<string, { first_name: string | null; last_name: string | null; emailaddress1: string | null }>();
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'first_name', 'last_name', 'emailaddress1'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function roleNamesByIds(db: Db | Tx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('web_roles')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function firstRedemptionsOf(db: Db | Tx, invitationIds: readonly string[]): Promise<Map<string, string>> {
  if (invitationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('redemptions')
    .select((eb) => ['invitation_id', eb.fn.min('redeemed_at').as('first')])
    .where('invitation_id', 'in', [...invitationIds])
    .groupBy('invitation_id')
    .execute();
  return new Map(rows.map((r) => [r.invitation_id, String(r.first)]));
}
