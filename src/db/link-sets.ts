// The N:N link tables (a contact's web roles, an invitation's invited contacts and web roles, a
// content page's web roles): one way to write a record's set of links, shared by the features that
// own them.
import { insertMany } from './insert-many.ts';
import type { Database } from './schema.ts';
import type { Tx } from './types.ts';

/** Each link table with the column naming its owner and the column naming what it links to. */
export const linkTables = {
  contact_web_roles: { owner: 'contact_id', other: 'web_role_id' },
  invitation_invited_contacts: { owner: 'invitation_id', other: 'contact_id' },
  invitation_web_roles: { owner: 'invitation_id', other: 'web_role_id' },
  content_page_web_roles: { owner: 'content_page_id', other: 'web_role_id' },
  web_role_grantable_roles: { owner: 'web_role_id', other: 'grantable_web_role_id' },
} as const satisfies { [T in keyof Database]?: { owner: keyof Database[T]; other: keyof Database[T] } };

export type LinkTable = keyof typeof linkTables;

/** Adds links (owner → each id; duplicates among `pairs` must already be gone). */
export async function insertLinks(tx: Tx, table: LinkTable, pairs: ReadonlyArray<readonly [string, string]>) {
  const { owner, other } = linkTables[table];
  // insert-many.ts keeps a large set under both databases' parameter limits; linkTables' `satisfies`
  // checks the columns (a union of tables has no common columns for insertMany's type to name).
  await insertMany(
    tx,
    table,
    [owner, other] as never,
    pairs.map(([o, x]) => ({ [owner]: o, [other]: x })),
  );
}

/** Makes `ids` the owner's whole set of links in `table` (repeated ids count once). */
export async function replaceLinks(tx: Tx, table: LinkTable, ownerId: string, ids: readonly string[]): Promise<void> {
  const { owner } = linkTables[table];
  await tx
    .deleteFrom(table)
    .where(owner as never, '=', ownerId as never)
    .execute();
  await insertLinks(
    tx,
    table,
    [...new Set(ids)].map((id) => [ownerId, id] as const),
  );
}
