// Quick Find on invitations by several words ("begins with": the first word the name, the others a
// word of it) reads the name's prefix index of migration 0010 as one word does, on SQLite and
// PostgreSQL, sorted or not, in the All and the Sent views.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { testDialect } from '../../test/helpers/db.ts';
import { plansOfRun } from '../../test/helpers/plans.ts';
import { newId } from '../shared/ids.ts';
import { invitationsNamed, listInvitations } from './invitations.repo.ts';

const t = useTestApp();

describe('Quick Find on invitations', () => {
  it('reads the name prefix index for one word, several, and an exact name, sorted or not', async () => {
    const now = new Date().toISOString();
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      id: newId(),
      name: `Event${i} Partner Day ${i % 7}`,
      type: 'group' as const,
      code_hash: `h${i}${newId()}`.slice(0, 64),
      status: i % 2 ? ('sent' as const) : ('new' as const),
      redemption_count: 0,
      binding: 'any' as const,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await t.ctx.db
        .insertInto('invitations')
        .values(rows.slice(i, i + 200))
        .execute();
    const sqlite = testDialect() === 'sqlite';
    await t.ctx.db.executeQuery(CompiledQuery.raw(sqlite ? 'ANALYZE' : 'ANALYZE invitations'));
    for (const q of ['event12', 'event12 partner', 'event12 day partner 3'])
      for (const sort of [undefined, { key: 'name' as const, dir: 'asc' as const }])
        for (const status of [undefined, 'sent' as const]) {
          const f = { limit: 50, q, match: 'prefix' as const, sort, status, now };
          const plan = await plansOfRun(t.ctx.db, (db) => listInvitations(db, f));
          expect(plan, `${q} ${sort?.key} ${status}`).toContain('invitations_name_prefix');
          expect(plan).not.toMatch(/SCAN invitations|Seq Scan/);
        }
    const found = await listInvitations(t.ctx.db, { limit: 50, q: 'Event1234 day 2', match: 'prefix', now });
    expect(found.map((r) => r.name)).toEqual(['Event1234 Partner Day 2']);
    const none = await listInvitations(t.ctx.db, { limit: 50, q: 'Event1234 day 3', match: 'prefix', now });
    expect(none).toEqual([]);
    // The exact name of a look-up (admin/lookups.ts) goes through the same index.
    const plan = await plansOfRun(t.ctx.db, (db) => invitationsNamed(db, 'event12 partner day 5', 2));
    expect(plan).toContain('invitations_name_prefix');
    expect(plan).not.toMatch(/SCAN invitations|Seq Scan/);
    const named = await invitationsNamed(t.ctx.db, 'EVENT12 PARTNER DAY 5', 2);
    expect(named.map((r) => r.name)).toEqual(['Event12 Partner Day 5']);
    expect(await invitationsNamed(t.ctx.db, 'event12 partner day', 2)).toEqual([]);
  });
});
