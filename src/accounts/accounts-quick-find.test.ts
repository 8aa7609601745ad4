// Quick Find on accounts by several words ("begins with": the first word the name, the others a
// word of it) reads the name's prefix index of migration 0011 as one word does, on SQLite and
// PostgreSQL, sorted by name or not.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { testDialect } from '../../test/helpers/db.ts';
import { plansOfRun } from '../../test/helpers/plans.ts';
import { newId } from '../shared/ids.ts';
import { accountsNamed, listAccounts } from './accounts.repo.ts';

const t = useTestApp();

describe('Quick Find on accounts', () => {
  it('reads the name prefix index for one word, several, and an exact name, sorted or not', async () => {
    const now = new Date().toISOString();
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      id: newId(),
      name: `Company${i} Nordic Holding ${i % 7}`,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await t.ctx.db
        .insertInto('accounts')
        .values(rows.slice(i, i + 200))
        .execute();
    const sqlite = testDialect() === 'sqlite';
    await t.ctx.db.executeQuery(CompiledQuery.raw(sqlite ? 'ANALYZE' : 'ANALYZE accounts'));
    for (const q of ['company12', 'company12 nordic', 'company12 holding nordic 3'])
      for (const sort of [undefined, { key: 'name' as const, dir: 'desc' as const }]) {
        const plan = await plansOfRun(t.ctx.db, (db) => listAccounts(db, { limit: 50, q, match: 'prefix', sort }));
        expect(plan, `${q} ${sort?.key}`).toContain('accounts_name_prefix');
        expect(plan).not.toMatch(/SCAN accounts|Seq Scan/);
      }
    const found = await listAccounts(t.ctx.db, { limit: 50, q: 'Company1234 hold 2', match: 'prefix' });
    expect(found.map((r) => r.name)).toEqual(['Company1234 Nordic Holding 2']);
    expect(await listAccounts(t.ctx.db, { limit: 50, q: 'Company1234 hold 3', match: 'prefix' })).toEqual([]);
    // The exact name of a look-up (admin/lookups.ts) goes through the same index.
    const plan = await plansOfRun(t.ctx.db, (db) => accountsNamed(db, 'company12 nordic holding 5', 2));
    expect(plan).toContain('accounts_name_prefix');
    expect(plan).not.toMatch(/SCAN accounts|Seq Scan/);
    const named = await accountsNamed(t.ctx.db, 'COMPANY12 NORDIC HOLDING 5', 2);
    expect(named.map((r) => r.name)).toEqual(['Company12 Nordic Holding 5']);
    expect(await accountsNamed(t.ctx.db, 'company12 nordic holding', 2)).toEqual([]);
  });
});
