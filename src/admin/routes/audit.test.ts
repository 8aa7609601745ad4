// The audit log in the back office: every entry newest first with its actor, event, record (linked)
// and details; filters by record type and event; cursor pages; Danish words; garbage answered calmly.
import { describe, expect, it } from 'vitest';
import { signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { writeAudit } from '../../audit/audit.repo.ts';
import { listAuditLog } from '../../audit/audit.service.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();

describe('audit log service', () => {
  it('lists every entry newest first, filtered by record type and action, page by page', async () => {
    const recordType = `test-${newId().slice(-6)}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const recordId = newId();
      ids.push(recordId);
      await t.ctx.db.transaction().execute((tx) =>
        writeAudit(tx, {
          actor: { type: 'system', id: null },
          action: i % 2 ? 'update' : 'create',
          recordType,
          recordId,
          details: { n: i },
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditLog(t.ctx, { limit: 2, cursor, recordType });
      seen.push(...page.items.map((e) => e.recordId as string));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const updates = await listAuditLog(t.ctx, { limit: 50, recordType, action: 'update' });
    expect(updates.items.map((e) => e.recordId)).toEqual([ids[3], ids[1]]);
    expect(updates.items[0]).toMatchObject({ actorType: 'system', action: 'update', recordType, details: { n: 3 } });
    await expect(listAuditLog(t.ctx, { limit: 5, cursor: 'nope' })).rejects.toMatchObject({
      code: 'validation-failed',
    });
  });
});

describe('Audit log view', () => {
  it('shows who did what to which record, newest first, with links, and filters by record type and event', async () => {
    const f = factories(t);
    const account = await f.account({ name: 'Audited Account' });
    const staff = await signedInStaff(t.app);
    // A change made in the back office by the staff member: audited by the service.
    const del = await staff.post(`/admin/accounts/${account.id}/delete`);
    expect(del.statusCode).toBe(303);
    const page = await staff.get('/admin/audit');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Audit log');
    expect(page.body).toContain('Changed By');
    expect(page.body).toContain('Sam Staff');
    expect(page.body).toContain('Ada Admin');
    expect(page.body.indexOf('data-action="delete"')).toBeLessThan(page.body.indexOf('data-action="create"'));
    expect(page.body).toContain(`href="/admin/accounts/${account.id}"`);
    expect(page.body).toContain('name: Audited Account');

    const filtered = await staff.get('/admin/audit?recordType=account&action=delete');
    expect(filtered.body).toContain('data-action="delete"');
    expect(filtered.body).not.toContain('data-action="create"');
    expect(filtered.body).toMatch(/<option value="account" selected/);
    expect(filtered.body).toMatch(/<option value="delete" selected/);
    const none = await staff.get('/admin/audit?recordType=workflow_run');
    expect(none.body).toContain('No records found.');
  });

  it('links users only for admins, and pages with the cursor', async () => {
    const recordType = 'paging-test';
    await t.ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 55; i++)
        await writeAudit(tx, { actor: { type: 'system', id: null }, action: 'update', recordType, recordId: newId() });
    });
    const admin = await signedInAdmin(t.app);
    const first = await admin.get(`/admin/audit?recordType=${recordType}`);
    expect(first.body).toContain('>System<');
    const next = /href="(\/admin\/audit\?[^"]*cursor=[^"]+)" rel="next"/.exec(first.body)?.[1];
    expect(next).toBeTruthy();
    const second = await admin.get((next as string).replaceAll('&amp;', '&'));
    expect(second.statusCode).toBe(200);
    expect(second.body.match(/data-action="update"/g)).toHaveLength(5);
    const users = await admin.get('/admin/audit?recordType=system-user');
    expect(users.body).toMatch(/href="\/admin\/users\/[0-9a-f-]{36}"/);
    const staff = await signedInStaff(t.app);
    expect((await staff.get('/admin/audit?recordType=system-user')).body).not.toMatch(/href="\/admin\/users\//);
  });

  it('speaks Danish with ?lang=da and answers garbage without a 500', async () => {
    const staff = await signedInStaff(t.app);
    const da = await staff.get('/admin/audit?lang=da');
    expect(da.statusCode).toBe(200);
    for (const word of ['Overvågningslog', 'Ændringsdato', 'Ændret af', 'Hændelse', 'Posttype', 'Alle posttyper'])
      expect(da.body).toContain(word);
    const cursor = await staff.get('/admin/audit?cursor=%7Bjunk');
    expect(cursor.statusCode).toBe(422);
    expect(cursor.body).toContain('data-code="validation-failed"');
    expect((await staff.get('/admin/audit?recordType=%27%20or%201%3D1--&action=%3Cb%3E')).statusCode).toBe(200);
    expect((await staff.get('/admin/audit?recordType=a&recordType=b')).statusCode).toBe(200);
  });
});
