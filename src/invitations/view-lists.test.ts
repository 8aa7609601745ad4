// What the back office's views ask of the invitations and workflows services: invitations sorted by
// name, expiry and creation with a cursor that continues the order (with a status filter), every
// redemption newest first, the runs of one Run Workflow call, and (SQLite) the 0008 indexes in use
// for the sorted and filtered views. Both databases.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { testDialect } from '../../test/helpers/db.ts';
import { newId } from '../shared/ids.ts';
import { listRunsOfBatch, runWorkflow } from '../workflows/workflows.service.ts';
import { listAllRedemptions, listInvitations } from './invitations.service.ts';

const t = useTestApp();
const { contact, invitation } = factories(t, { contact: { firstName: 'Ivy', lastName: 'Invitee' } });
const admin = () => ({ type: 'user', id: t.adminId, role: 'admin' }) as const;

async function all(q: Parameters<typeof listInvitations>[1]) {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listInvitations(t.ctx, { ...q, cursor });
    names.push(...page.items.map((i) => i.name));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names;
}

describe('sorted invitation lists', () => {
  it('sorts by name, expiry and creation either way, and the cursor continues the order', async () => {
    const tag = `S${newId().slice(-8)}`;
    const c = await contact();
    const made: Array<{ name: string; expiresAt: string | null }> = [
      { name: `${tag} c`, expiresAt: '2099-03-01T00:00:00.000Z' },
      { name: `${tag} a`, expiresAt: null },
      { name: `${tag} d`, expiresAt: '2099-01-01T00:00:00.000Z' },
      { name: `${tag} b`, expiresAt: '2099-02-01T00:00:00.000Z' },
    ];
    for (const m of made) await invitation({ ...m, type: 'single', invitedContactIds: [c.id] });
    const base = { limit: 1, q: tag };
    expect(await all({ ...base, sort: { key: 'name', dir: 'asc' } })).toEqual(made.map((m) => m.name).sort());
    expect(await all({ ...base, sort: { key: 'name', dir: 'desc' } })).toEqual(
      made
        .map((m) => m.name)
        .sort()
        .reverse(),
    );
    // No expiry sorts first ascending (as the empty string: db/keyset.ts).
    expect(await all({ ...base, sort: { key: 'expiresAt', dir: 'asc' } })).toEqual([
      `${tag} a`,
      `${tag} d`,
      `${tag} b`,
      `${tag} c`,
    ]);
    expect(await all({ ...base, sort: { key: 'createdAt', dir: 'asc' } })).toEqual(made.map((m) => m.name));
    expect(await all({ ...base, sort: { key: 'createdAt', dir: 'desc' } })).toEqual(made.map((m) => m.name).reverse());
    // With a status filter, and the API's order unchanged without a sort.
    expect(await all({ ...base, status: 'new', sort: { key: 'name', dir: 'desc' } })).toHaveLength(4);
    expect(await all({ ...base, status: 'sent', sort: { key: 'name', dir: 'desc' } })).toEqual([]);
    expect(await all(base)).toEqual(made.map((m) => m.name));
  });

  it('the Expired view sorted by expiry merges new and sent invitations past expiry in order, page by page', async () => {
    const tag = `E${newId().slice(-8)}`;
    const c = await contact();
    const past = ['2001-01-01', '2003-01-01', '2002-01-01', '2004-01-01'];
    for (const [i, day] of past.entries()) {
      const inv = await invitation({ name: `${tag} ${day}`, type: 'single', invitedContactIds: [c.id] });
      await t.ctx.db
        .updateTable('invitations')
        .set({ expires_at: `${day}T00:00:00.000Z`, status: i % 2 ? 'sent' : 'new' })
        .where('id', '=', inv.id)
        .execute();
    }
    // Not expired: no expiry, a future one, and a redeemed one past its expiry.
    await invitation({ name: `${tag} open`, type: 'single', invitedContactIds: [c.id] });
    await invitation({
      name: `${tag} future`,
      type: 'single',
      invitedContactIds: [c.id],
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    const done = await invitation({ name: `${tag} done`, type: 'single', invitedContactIds: [c.id] });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: '2000-06-01T00:00:00.000Z', status: 'redeemed' })
      .where('id', '=', done.id)
      .execute();
    const base = { limit: 1, q: tag, status: 'expired' as const };
    const sorted = [...past].sort().map((d) => `${tag} ${d}`);
    expect(await all({ ...base, sort: { key: 'expiresAt', dir: 'asc' } })).toEqual(sorted);
    expect(await all({ ...base, sort: { key: 'expiresAt', dir: 'desc' } })).toEqual([...sorted].reverse());
    expect((await all({ ...base, sort: { key: 'name', dir: 'asc' } })).sort()).toEqual(sorted);
  });

  it('the sorted and filtered views can read along the 0008 indexes (the query plan)', async () => {
    // SQLite's planner is asked as it is; PostgreSQL's, on a nearly empty table, would rather scan
    // and sort, so it is told not to (in this transaction only): it must then find an index that
    // gives the view's order, and the one it finds must be the view's.
    const plan = (query: string) =>
      t.ctx.db.transaction().execute(async (tx) => {
        if (testDialect() === 'postgres') {
          await sql`set local enable_seqscan = off`.execute(tx);
          await sql`set local enable_sort = off`.execute(tx);
        }
        const prefix = testDialect() === 'sqlite' ? 'explain query plan ' : 'explain ';
        return JSON.stringify((await sql.raw(`${prefix}${query}`).execute(tx)).rows);
      });
    expect(
      await plan(`select * from invitations where status = 'new' order by coalesce(name, '') desc, id desc limit 51`),
    ).toContain('invitations_status_name_sort');
    expect(await plan(`select * from invitations order by coalesce(expires_at, '') asc, id asc limit 51`)).toContain(
      'invitations_expiry_sort',
    );
    expect(await plan(`select * from invitations order by coalesce(name, '') asc, id asc limit 51`)).toContain(
      'invitations_name_sort',
    );
  });
});

describe('listAllRedemptions', () => {
  it('lists every redemption newest first, page by page', async () => {
    const c = await contact();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const inv = await invitation({ name: `R${i}`, type: 'single', invitedContactIds: [c.id] });
      const id = newId();
      ids.push(id);
      await t.ctx.db
        .insertInto('redemptions')
        .values({
          id,
          invitation_id: inv.id,
          contact_id: c.id,
          redeemed_at: new Date().toISOString(),
          ip_address: null,
          user_agent: null,
          sign_in_method: 'local',
        })
        .execute();
    }
    const first = await listAllRedemptions(t.ctx, { limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const second = await listAllRedemptions(t.ctx, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items[0]?.id).toBe(ids[0]);
  });
});

describe('listRunsOfBatch', () => {
  it('finds exactly the runs of one Run Workflow call', async () => {
    const wfs = (await t.api('GET', 'workflows?limit=500')).json().items;
    const send = wfs.find((w: { key: string }) => w.key === 'send-invitation').id as string;
    const c = await contact();
    const targets: string[] = [];
    for (let i = 0; i < 3; i++)
      targets.push((await invitation({ name: `B${i}`, type: 'single', invitedContactIds: [c.id] })).id);
    const one = await runWorkflow(t.ctx, admin(), send, targets);
    const other = await runWorkflow(t.ctx, admin(), send, targets.slice(0, 1));
    const first = one.items[0]?.id as string;
    const last = one.items[2]?.id as string;
    const runs = await listRunsOfBatch(t.ctx, { workflowId: send, firstRunId: first, lastRunId: last });
    expect(runs.map((r) => r.id)).toEqual(one.items.map((r) => r.id));
    expect(runs.map((r) => r.targetId)).toEqual(targets);
    const again = await listRunsOfBatch(t.ctx, {
      workflowId: send,
      firstRunId: other.items[0]?.id as string,
      lastRunId: other.items[0]?.id as string,
    });
    expect(again).toHaveLength(1);
  });
});
