// The back office's API tokens: a new token is shown once and works; Revoke (confirmed) ends it;
// staff see and revoke only their own and cannot create one for another; Danish; no 500 on garbage.
import { describe, expect, it } from 'vitest';
import { signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';

const t = useTestApp();

const shownToken = (body: string) => /id="new-token"[^>]*value="(pit_[^"]+)"/.exec(body)?.[1];

describe('API tokens pages', () => {
  it('creates a token and shows it once, on the answer to the POST only', async () => {
    const admin = await signedInAdmin(t.app);
    const form = await admin.get('/admin/tokens/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('data-lookup="users"');
    const res = await admin.post('/admin/tokens/new', { name: 'CI pipeline', userIdLookup: '' });
    expect(res.statusCode).toBe(201);
    const token = shownToken(res.body);
    expect(token).toBeTruthy();
    expect(res.body).toContain('it will not be shown again');
    expect(res.body).toMatch(/<input id="new-token" type="text" readonly/);
    expect(res.headers['cache-control']).toBe('no-store');
    // It works, it acts as its creator, and nothing shows it again.
    const me = await t.api('GET', 'tokens', { token: token as string });
    expect(me.statusCode).toBe(200);
    const list = await admin.get('/admin/tokens');
    expect(list.body).toContain('CI pipeline');
    expect(list.body).not.toContain(token as string);
    const id = /data-token-id="([^"]+)">CI pipeline/.exec(list.body)?.[1] as string;
    expect((await t.api('GET', 'tokens')).json().items.find((k: { id: string }) => k.id === id)?.userId).toBe(
      t.adminId,
    );
  });

  it('lets an admin create a token for another user through the look-up', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/tokens/new');
    const res = await admin.post('/admin/tokens/new', { name: 'for Sam', userIdLookup: 'staff@example.com' });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.body).toContain('Sam Staff');
    const token = shownToken(res.body) as string;
    const staffTokens = (await t.api('GET', 'tokens', { token })).json().items;
    expect(staffTokens.every((k: { userId: string }) => k.userId === t.staffId)).toBe(true);
    // A look-up that names no one, and a missing name, are refused at their fields.
    const bad = await admin.post('/admin/tokens/new', { name: '', userIdLookup: 'nobody at all' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-name-error"');
    expect(bad.body).toContain('id="f-userId-error"');
    expect(bad.body).toContain('value="nobody at all"');
    expect(shownToken(bad.body)).toBeUndefined();
  });

  it('shows staff only their own tokens; staff cannot choose another user or revoke theirs', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/tokens/new');
    await admin.post('/admin/tokens/new', { name: 'admin only token' });
    const adminTokenId = (await t.api('GET', `tokens?userId=${t.adminId}`)).json().items[0].id as string;

    const staff = await signedInStaff(t.app);
    const view = await staff.get('/admin/tokens');
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('My API tokens');
    expect(view.body).toContain('staff token');
    expect(view.body).not.toContain('admin only token');
    expect(view.body).not.toContain('initial token');
    const form = await staff.get('/admin/tokens/new');
    expect(form.body).not.toContain('data-lookup="users"');
    const forOther = await staff.post('/admin/tokens/new', { name: 'sneaky', userIdLookup: 'admin@example.com' });
    expect(forOther.statusCode).toBe(403);
    expect(shownToken(forOther.body)).toBeUndefined();
    expect((await staff.get(`/admin/tokens/${adminTokenId}/revoke`)).statusCode).toBe(404);
    expect((await staff.post(`/admin/tokens/${adminTokenId}/revoke`)).statusCode).toBe(404);
    expect((await t.api('GET', `tokens?userId=${t.adminId}`)).json().items.map((k: { id: string }) => k.id)).toContain(
      adminTokenId,
    );
    // Their own token is theirs to create and to revoke.
    const mine = await staff.post('/admin/tokens/new', { name: 'my laptop' });
    expect(mine.statusCode).toBe(201);
  });

  it('revokes a token after confirming: it stops working and leaves the view', async () => {
    const staff = await signedInStaff(t.app);
    await staff.get('/admin/tokens/new');
    const token = shownToken((await staff.post('/admin/tokens/new', { name: 'to revoke' })).body) as string;
    const view = await staff.get('/admin/tokens');
    const id = /data-token-id="([^"]+)">to revoke/.exec(view.body)?.[1] as string;
    expect(view.body).toContain(`href="/admin/tokens/${id}/revoke"`);
    const confirm = await staff.get(`/admin/tokens/${id}/revoke`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('to revoke');
    expect(confirm.body).toContain(`action="/admin/tokens/${id}/revoke"`);
    expect((await t.api('GET', 'tokens', { token })).statusCode).toBe(200);
    const done = await staff.post(`/admin/tokens/${id}/revoke`);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/tokens');
    expect((await t.api('GET', 'tokens', { token })).statusCode).toBe(401);
    const after = await staff.get('/admin/tokens');
    expect(after.body).toContain('data-notice="revoked"');
    expect(after.body).not.toContain('to revoke');
    // Twice is not found, not a 500.
    expect((await staff.post(`/admin/tokens/${id}/revoke`)).statusCode).toBe(404);
  });

  it('speaks Danish with ?lang=da', async () => {
    const admin = await signedInAdmin(t.app);
    const view = await admin.get('/admin/tokens?lang=da');
    expect(view.body).toContain('Alle API-tokens');
    expect(view.body).toContain('Tilbagekald');
    expect(view.body).toContain('Sidst brugt');
    const res = await admin.post('/admin/tokens/new', { name: 'dansk' });
    expect(res.body).toContain('det vises ikke igen');
    const refused = await admin.post('/admin/tokens/new', { name: '' });
    expect(refused.body).toContain('Udfyld dette felt.');
    await admin.get('/admin/tokens?lang=en');
  });

  it('answers garbage with a readable refusal, never a 500', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/tokens');
    for (const form of [
      {},
      { name: 'x'.repeat(5000) },
      { name: 'n', userId: 'not-an-id', userIdLookup: 'not-an-id' },
      { name: 'n', userIdLookup: '00000000-0000-4000-8000-000000000000' },
    ]) {
      const r = await admin.post('/admin/tokens/new', form);
      expect(r.statusCode, JSON.stringify(form).slice(0, 60)).toBe(422);
    }
    for (const url of ['/admin/tokens/not-an-id/revoke', '/admin/tokens?cursor=garbage', '/admin/tokens?cursor=%%'])
      expect((await admin.get(url)).statusCode, url).toBeLessThan(500);
  });
});
