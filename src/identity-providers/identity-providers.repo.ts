// Queries on identity_providers (the providers' settings) for their feature and for sign-in.
import type { Db, Tx } from '../db/types.ts';

export const findProvider = (db: Db | Tx, id: string) =>
  db.selectFrom('identity_providers').selectAll().where('id', '=', id).executeTakeFirst();

export const listProviders = (db: Db | Tx, after: string | undefined, limit: number) =>
  db
    .selectFrom('identity_providers')
    .selectAll()
    .$if(after !== undefined, (q) => q.where('id', '>', after as string))
    .orderBy('id')
    .limit(limit)
    .execute();

/** The enabled providers, by name: the portal's sign-in buttons. */
export const enabledProviders = (db: Db | Tx) =>
  db
    .selectFrom('identity_providers')
    .select(['id', 'name', 'type', 'config'])
    .where('enabled', '=', 1)
    .orderBy('name')
    .orderBy('id')
    .execute();

/** What refers to a provider: its delete is refused while anything does. */
export async function providerUsage(tx: Tx, id: string): Promise<{ logins: number; invitations: number }> {
  const logins = await tx
    .selectFrom('external_logins')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('provider_id', '=', id)
    .executeTakeFirstOrThrow();
  const invitations = await tx
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('sign_in_provider_id', '=', id)
    .executeTakeFirstOrThrow();
  return { logins: Number(logins.n), invitations: Number(invitations.n) };
}
