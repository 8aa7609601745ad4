import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';

const t = useTestApp();

describe('contacts API', () => {
  it('creates, finds by email in another letter case, patches, pages and deletes a contact', async () => {
    const created = await t.api('POST', 'contacts', {
      body: { firstName: 'Ann', lastName: 'Berg', emailaddress1: 'Ann.Berg@Example.com', locale: 'da' },
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json();
    expect(contact).toMatchObject({
      firstName: 'Ann',
      lastName: 'Berg',
      fullName: 'Ann Berg',
      emailaddress1: 'Ann.Berg@Example.com',
      locale: 'da',
      webRoleIds: [],
      emailConfirmed: false,
      loginEnabled: true,
    });

    const found = await t.api('GET', 'contacts?email=ann.berg@EXAMPLE.COM');
    expect(found.statusCode).toBe(200);
    expect(found.json().items.map((c: { id: string }) => c.id)).toEqual([contact.id]);

    const patched = await t.api('PATCH', `contacts/${contact.id}`, {
      body: { lastName: 'Bergström', emailaddress2: 'ann@home.example' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      lastName: 'Bergström',
      emailaddress2: 'ann@home.example',
      emailaddress1: 'Ann.Berg@Example.com',
    });
    expect((await t.api('GET', `contacts/${contact.id}`)).json().lastName).toBe('Bergström');

    const del = await t.api('DELETE', `contacts/${contact.id}`);
    expect(del.statusCode).toBe(204);
    const gone = await t.api('GET', `contacts/${contact.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.json().code).toBe('not-found');
  });

  it('pages through a list with limit and cursor, each contact once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await t.api('POST', 'contacts', { body: { firstName: `Pager${i}`, lastName: 'Paged' } });
      ids.push(r.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.api('GET', `contacts?q=paged&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((c: { id: string }) => c.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('refuses an invalid email with 422 naming emailaddress1, and creates nothing', async () => {
    const before = (await t.api('GET', 'contacts?q=Invalid')).json().items.length;
    const r = await t.api('POST', 'contacts', { body: { firstName: 'Invalid', emailaddress1: 'not-an-email' } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ code: 'validation-failed', status: 422 });
    expect(r.json().errors).toContainEqual({ field: 'emailaddress1', message: expect.any(String) });
    expect((await t.api('GET', 'contacts?q=Invalid')).json().items.length).toBe(before);
  });

  it('refuses unknown fields and wrong types with 422 naming them', async () => {
    const r = await t.api('POST', 'contacts', {
      body: { firstName: 'X', favouriteColour: 'blue', loginEnabled: 'yes' },
    });
    expect(r.statusCode).toBe(422);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('favouriteColour');
    expect(fields).toContain('loginEnabled');
  });

  it('filters by account and assigns web roles that exist', async () => {
    const account = (await t.api('POST', 'accounts', { body: { name: 'Contoso' } })).json();
    const role = (await t.api('POST', 'web-roles', { body: { name: 'Partners' } })).json();
    const c = await t.api('POST', 'contacts', {
      body: { firstName: 'Carl', parentAccountId: account.id, webRoleIds: [role.id] },
    });
    expect(c.statusCode).toBe(201);
    expect(c.json().webRoleIds).toEqual([role.id]);
    const list = (await t.api('GET', `contacts?accountId=${account.id}`)).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([c.json().id]);

    const badRole = await t.api('POST', 'contacts', {
      body: { firstName: 'Dan', webRoleIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(badRole.statusCode).toBe(422);
    expect(badRole.json().errors[0].field).toBe('webRoleIds');
    const badAccount = await t.api('POST', 'contacts', {
      body: { firstName: 'Dan', parentAccountId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(badAccount.statusCode).toBe(422);
    expect(badAccount.json().errors[0].field).toBe('parentAccountId');
  });

  it('sets a portal password with argon2id and checks the password rule', async () => {
    const c = (await t.api('POST', 'contacts', { body: { firstName: 'Pia' } })).json();
    const weak = await t.api('POST', `contacts/${c.id}/password`, { body: { password: 'short' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().errors[0].field).toBe('password');
    const ok = await t.api('POST', `contacts/${c.id}/password`, { body: { password: 'Long-enough-pass-1' } });
    expect(ok.statusCode).toBe(204);
    const row = await t.ctx.db
      .selectFrom('contacts')
      .select('password_hash')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const missing = await t.api('POST', 'contacts/00000000-0000-4000-8000-000000000000/password', {
      body: { password: 'Long-enough-pass-1' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('answers 401 without a token and 404 for an unknown id', async () => {
    const r = await t.api('GET', 'contacts', { token: null });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('unauthorized');
    const unknown = await t.api('GET', 'contacts/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not-found');
  });
});
