// Quick Find on contacts ("begins with", several words each matching some field) reads the prefix
// indexes of migration 0010 for one word and for several, on SQLite and PostgreSQL.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { testDialect } from '../../test/helpers/db.ts';
import { contactsNamed, contactsPageQuery } from './contacts.repo.ts';
import { plansOfRun } from '../../test/helpers/plans.ts';
import { listContacts, newContactRow } from './contacts.service.ts';

const t = useTestApp();

describe('Quick Find on contacts', () => {
  it('reads the prefix indexes for one word, several, and a full name, sorted or not', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) =>
      newContactRow({ first_name: `F${i}`, last_name: `L${i}`, emailaddress1: `p${i}@example.com` }),
    );
    for (let i = 0; i < rows.length; i += 200)
      await t.ctx.db
        .insertInto('contacts')
        .values(rows.slice(i, i + 200))
        .execute();
    const sqlite = testDialect() === 'sqlite';
    await t.ctx.db.executeQuery(CompiledQuery.raw(sqlite ? 'ANALYZE' : 'ANALYZE contacts'));
    for (const q of ['f12', 'f12 l12', 'ada lovelace byron'])
      for (const sort of [undefined, { key: 'fullName' as const, dir: 'asc' as const }]) {
        const c = contactsPageQuery(t.ctx.db, { limit: 50, q, match: 'prefix', sort }).compile();
        const r = await t.ctx.db.executeQuery(
          CompiledQuery.raw(`${sqlite ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN '}${c.sql}`, [...c.parameters]),
        );
        const plan = JSON.stringify(r.rows);
        expect(plan, `${q} ${sort?.key}`).toContain('contacts_first_name_prefix');
        expect(plan).toContain('contacts_last_name_prefix');
        expect(plan).toMatch(sqlite ? /MULTI-INDEX OR/ : /BitmapOr/);
        expect(plan).not.toMatch(/SCAN contacts|Seq Scan/);
      }
    const found = await contactsPageQuery(t.ctx.db, { limit: 50, q: 'F1234 l123', match: 'prefix' }).execute();
    expect(found.map((r) => r.last_name)).toEqual(['L1234']);
    // A full name of a look-up (admin/lookups.ts), with or without its email, goes through the indexes.
    for (const email of [null, 'p1234@example.com']) {
      const plan = await plansOfRun(t.ctx.db, (db) => contactsNamed(db, 'f1234 l1234', email, 2));
      expect(plan, `${email}`).not.toMatch(/SCAN contacts|Seq Scan/);
    }
    const named = await contactsNamed(t.ctx.db, 'F1234 L1234', 'P1234@example.com', 2);
    expect(named.map((r) => r.id)).toEqual([rows[1234]?.id]);
    expect(await contactsNamed(t.ctx.db, 'F1234 L1234', null, 2)).toEqual([]);
    expect(await contactsNamed(t.ctx.db, 'F1234 L123', 'p1234@example.com', 2)).toEqual([]);
  });
});

describe('letter case beyond ASCII', () => {
  it('finds a name with a capital Ø as typed, in every search (SQLite folds only A–Z)', async () => {
    const [row] = [newContactRow({ first_name: 'Søren', last_name: 'Ørsted', emailaddress1: 'ØRSTED@example.dk' })];
    await t.ctx.db.insertInto('contacts').values(row).execute();
    const ids = async (q: Parameters<typeof listContacts>[1]) => (await listContacts(t.ctx, q)).items.map((c) => c.id);
    expect(await ids({ limit: 10, q: 'Ørsted', match: 'prefix' })).toEqual([row.id]);
    expect(await ids({ limit: 10, q: 'søren ØRST', match: 'prefix' })).toEqual([row.id]);
    expect(await ids({ limit: 10, q: 'rsted', match: 'contains' })).toEqual([row.id]);
    expect(await ids({ limit: 10, q: 'Ørsted', match: 'contains' })).toEqual([row.id]);
    expect(await ids({ limit: 10, email: 'ØRSTED@EXAMPLE.DK' })).toEqual([row.id]);
    expect(await ids({ limit: 10, email: 'Ørsted@example.dk' })).toEqual([row.id]);
    // The limit that stays: SQLite does not fold a lower-case ø to a stored Ø.
    if (testDialect() === 'sqlite') expect(await ids({ limit: 10, q: 'ørsted', match: 'prefix' })).toEqual([]);
  });
});
