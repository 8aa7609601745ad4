// Usernames stay unique in any letter case with the unique index holding usernames only (migration
// 0019): contacts without one add no entry to it, and the sign-in lookup by username reads it on
// SQLite and PostgreSQL.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { testDialect } from '../../test/helpers/db.ts';
import { plansOfRun } from '../../test/helpers/plans.ts';
import { systemActor } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { createContact, updateContact } from './contacts.service.ts';
import { contactWithPasswordByUsername, insertContactRows } from './contacts.repo.ts';
import { newContactRow } from './contacts.service.ts';

const t = useTestApp();
const actor = systemActor;

describe('contacts’ usernames', () => {
  it('are unique in any letter case; contacts without one are many', async () => {
    const ada = await createContact(t.ctx, actor, { firstName: 'Ada', username: 'Ada.L' });
    await createContact(t.ctx, actor, { firstName: 'No username' });
    await createContact(t.ctx, actor, { firstName: 'Nor this one' });
    const taken = await createContact(t.ctx, actor, { firstName: 'Other', username: 'ada.l' }).catch((e) => e);
    expect(taken).toBeInstanceOf(AppError);
    expect((taken as AppError).code).toBe('conflict');
    const other = await createContact(t.ctx, actor, { firstName: 'Other' });
    const renamed = await updateContact(t.ctx, actor, other.id, { username: 'ADA.L' }).catch((e) => e);
    expect((renamed as AppError).code).toBe('conflict');
    expect((await updateContact(t.ctx, actor, ada.id, { username: null })).username).toBeNull();
    expect((await updateContact(t.ctx, actor, other.id, { username: 'ADA.L' })).username).toBe('ADA.L');
  });

  it('are found for sign-in through the index, not by reading every contact', async () => {
    const now = new Date().toISOString();
    const rows = Array.from({ length: 3000 }, (_, i) =>
      newContactRow({ first_name: `C${i}`, username: i % 10 === 0 ? `user${i}` : null, created_at: now }),
    );
    await t.ctx.db.transaction().execute((tx) => insertContactRows(tx, rows));
    await t.ctx.db.updateTable('contacts').set({ password_hash: 'x' }).where('username', '=', 'user1230').execute();
    await t.ctx.db.executeQuery(CompiledQuery.raw(testDialect() === 'sqlite' ? 'ANALYZE' : 'ANALYZE contacts'));
    const plan = await plansOfRun(t.ctx.db, (db) => contactWithPasswordByUsername(db, 'USER1230'));
    expect(plan).toContain('contacts_username_unique');
    expect(plan).not.toMatch(/SCAN contacts|Seq Scan/);
    expect((await contactWithPasswordByUsername(t.ctx.db, 'User1230'))?.first_name).toBe('C1230');
    expect(await contactWithPasswordByUsername(t.ctx.db, 'user1240')).toBeUndefined();
  });
});
