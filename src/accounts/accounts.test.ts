import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';

const t = useTestApp();

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const accountRow = (id: string) => t.ctx.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
const createAccount = async (body: Record<string, unknown>) => {
  const r = await t.api('POST', 'accounts', { body });
  expect(r.statusCode).toBe(201);
  return r.json() as { id: string; name: string; parentAccountId: string | null };
};

describe('accounts API', () => {
  it('creates, reads, lists, patches and deletes an account (staff may)', async () => {
    const created = await t.api('POST', 'accounts', { token: t.staffToken, body: { name: 'Fabrikam' } });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({ name: 'Fabrikam', parentAccountId: null });

    expect((await t.api('GET', `accounts/${account.id}`, { token: t.staffToken })).json()).toEqual(account);
    const found = (await t.api('GET', 'accounts?q=fabri')).json();
    expect(found.items.map((a: { id: string }) => a.id)).toEqual([account.id]);
    expect(found.nextCursor).toBeNull();

    const parent = await createAccount({ name: 'Fabrikam Holding' });
    const patched = await t.api('PATCH', `accounts/${account.id}`, {
      token: t.staffToken,
      body: { name: 'Fabrikam A/S', parentAccountId: parent.id },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: account.id, name: 'Fabrikam A/S', parentAccountId: parent.id });
    expect((await accountRow(account.id))?.parent_account_id).toBe(parent.id);
    const children = (await t.api('GET', `accounts?parentAccountId=${parent.id}`)).json();
    expect(children.items.map((a: { id: string }) => a.id)).toEqual([account.id]);

    // Clearing the parent with null.
    const cleared = await t.api('PATCH', `accounts/${account.id}`, { body: { parentAccountId: null } });
    expect(cleared.json().parentAccountId).toBeNull();

    expect((await t.api('DELETE', `accounts/${account.id}`, { token: t.staffToken })).statusCode).toBe(204);
    expect(await accountRow(account.id)).toBeUndefined();
    const gone = await t.api('GET', `accounts/${account.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not-found');
    expect((await t.api('PATCH', `accounts/${NO_SUCH_ID}`, { body: { name: 'x' } })).statusCode).toBe(404);
    expect((await t.api('DELETE', `accounts/${NO_SUCH_ID}`)).statusCode).toBe(404);
  });

  it('refuses an empty name, an unknown parent and unknown fields with 422', async () => {
    const empty = await t.api('POST', 'accounts', { body: { name: '  ' } });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().errors[0].field).toBe('name');
    const unknownParent = await t.api('POST', 'accounts', { body: { name: 'Orphan', parentAccountId: NO_SUCH_ID } });
    expect(unknownParent.statusCode).toBe(422);
    expect(unknownParent.json().errors[0].field).toBe('parentAccountId');
    const extra = await t.api('POST', 'accounts', { body: { name: 'Extra', revenue: 5 } });
    expect(extra.statusCode).toBe(422);
    expect(extra.json().errors.map((e: { field: string }) => e.field)).toContain('revenue');
    expect((await t.api('GET', 'accounts?q=orphan')).json().items).toEqual([]);
    expect((await t.api('GET', 'accounts?q=extra')).json().items).toEqual([]);
  });

  it('refuses a parent that makes a cycle with 422 naming parentAccountId, and changes nothing', async () => {
    const a = await createAccount({ name: 'Cycle A' });
    const b = await createAccount({ name: 'Cycle B', parentAccountId: a.id });
    const c = await createAccount({ name: 'Cycle C', parentAccountId: b.id });

    const self = await t.api('PATCH', `accounts/${a.id}`, { body: { parentAccountId: a.id } });
    expect(self.statusCode).toBe(422);
    expect(self.json().code).toBe('validation-failed');
    expect(self.json().errors[0].field).toBe('parentAccountId');

    const direct = await t.api('PATCH', `accounts/${a.id}`, { body: { parentAccountId: b.id } });
    expect(direct.statusCode).toBe(422);
    expect(direct.json().errors[0].field).toBe('parentAccountId');

    const indirect = await t.api('PATCH', `accounts/${a.id}`, { body: { parentAccountId: c.id, name: 'Renamed A' } });
    expect(indirect.statusCode).toBe(422);
    expect(indirect.json().errors[0].field).toBe('parentAccountId');

    const row = await accountRow(a.id);
    expect(row?.parent_account_id).toBeNull();
    expect(row?.name).toBe('Cycle A');
  });

  it('refuses to delete an account a contact uses: 409 with the reason, and the account stays', async () => {
    const account = await createAccount({ name: 'In Use Ltd' });
    const contact = await t.api('POST', 'contacts', { body: { firstName: 'Uma', parentAccountId: account.id } });
    expect(contact.statusCode).toBe(201);

    const r = await t.api('DELETE', `accounts/${account.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json().code).toBe('conflict');
    expect(r.json().detail).toMatch(/contact/);
    expect(await accountRow(account.id)).toBeDefined();
    expect((await t.api('GET', `contacts/${contact.json().id}`)).json().parentAccountId).toBe(account.id);

    // Once the contact moves away, the account can go.
    expect(
      (await t.api('PATCH', `contacts/${contact.json().id}`, { body: { parentAccountId: null } })).statusCode,
    ).toBe(200);
    expect((await t.api('DELETE', `accounts/${account.id}`)).statusCode).toBe(204);
  });

  it('refuses to delete an account that is another account’s parent: 409 with the reason', async () => {
    const parent = await createAccount({ name: 'Parent Corp' });
    const child = await createAccount({ name: 'Child Corp', parentAccountId: parent.id });
    const r = await t.api('DELETE', `accounts/${parent.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toMatch(/parent/);
    expect(await accountRow(parent.id)).toBeDefined();
    expect((await accountRow(child.id))?.parent_account_id).toBe(parent.id);
  });

  it('a delete racing a new contact that uses the account ends in one clear answer, never a 500', async () => {
    for (let round = 0; round < 10; round++) {
      const account = await createAccount({ name: `Race ${round}` });
      const [contact, del] = await Promise.all([
        t.api('POST', 'contacts', { body: { firstName: `Racer${round}`, parentAccountId: account.id } }),
        t.api('DELETE', `accounts/${account.id}`),
      ]);
      expect([201, 422]).toContain(contact.statusCode);
      expect([204, 409]).toContain(del.statusCode);
      if (contact.statusCode === 201) {
        expect(del.statusCode).toBe(409);
        expect(await accountRow(account.id)).toBeDefined();
      } else {
        expect(del.statusCode).toBe(204);
        expect(contact.json().errors[0].field).toBe('parentAccountId');
      }
    }
  });

  it('pages through accounts with limit and cursor', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createAccount({ name: `Paged account ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.api('GET', `accounts?q=paged%20account&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode).toBe(200);
      seen.push(...r.json().items.map((a: { id: string }) => a.id));
      cursor = r.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
  });
});
