// The contacts view's sorted pages (the back office): each sort is read along its own index (migration
// 0007), so a page deep in 100,000 contacts costs what the first does; and the service pages along
// the cursor without repeats. On SQLite and PostgreSQL.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { testDialect } from '../../test/helpers/db.ts';
import { newId } from '../shared/ids.ts';
import { type ContactSortKey, contactsPageQuery } from './contacts.repo.ts';
import { listContacts, newContactRow } from './contacts.service.ts';

const t = useTestApp();
const N = 3000;

const indexOf: Record<ContactSortKey, string> = {
  fullName: 'contacts_sort_full_name',
  lastName: 'contacts_sort_last_name',
  emailaddress1: 'contacts_sort_email',
};

async function plan(key: ContactSortKey, dir: 'asc' | 'desc', after?: { id: string; value: string }): Promise<string> {
  const compiled = contactsPageQuery(t.ctx.db, { limit: 50, sort: { key, dir }, sortedAfter: after }).compile();
  const prefix = testDialect() === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const result = await t.ctx.db.executeQuery(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
  return JSON.stringify(result.rows);
}

describe('sorted contact pages', () => {
  it('read each sort along its index, first page and deep pages, both directions', async () => {
    const rows = Array.from({ length: N }, (_, i) =>
      newContactRow({
        first_name: i % 7 === 0 ? null : `F${(i * 7919) % N}`,
        last_name: i % 11 === 0 ? null : `L${(i * 104729) % 500}`,
        emailaddress1: `p${(i * 31) % N}.${i}@example.com`,
      }),
    );
    for (let i = 0; i < rows.length; i += 200)
      await t.ctx.db
        .insertInto('contacts')
        .values(rows.slice(i, i + 200))
        .execute();
    await t.ctx.db.executeQuery(CompiledQuery.raw(testDialect() === 'sqlite' ? 'ANALYZE' : 'ANALYZE contacts'));
    for (const key of Object.keys(indexOf) as ContactSortKey[]) {
      for (const dir of ['asc', 'desc'] as const) {
        for (const after of [undefined, { id: newId(), value: 'L250' }]) {
          const p = await plan(key, dir, after);
          expect(p, `${key} ${dir} ${after ? 'deep' : 'first'}`).toContain(indexOf[key]);
          expect(p).not.toMatch(/TEMP B-TREE|Sort Key/i);
          // A deep page starts inside the index (a range on its expression), not at its beginning.
          if (after) expect(p).toMatch(testDialect() === 'sqlite' ? /SEARCH contacts USING INDEX/ : /Index Cond/);
        }
      }
    }
  });

  it('pages along the cursor without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listContacts(t.ctx, { limit: 500, cursor, sort: { key: 'lastName', dir: 'desc' } });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = await t.ctx.db.selectFrom('contacts').select('id').execute();
    expect(seen.length).toBe(all.length);
    expect(new Set(seen).size).toBe(all.length);
  });
});
