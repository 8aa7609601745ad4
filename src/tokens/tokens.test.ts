import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { getToken } from './tokens.service.ts';

const t = useTestApp();

const tokenRow = (id: string) =>
  t.ctx.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const ids = (body: { items: Array<{ id: string }> }) => body.items.map((x) => x.id);

describe('API tokens: shown once, stored as a keyed hash', () => {
  it('returns the token on create only; the list never carries it', async () => {
    const created = await t.api('POST', 'tokens', { body: { name: 'ci' } });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ name: 'ci', userId: t.adminId, lastUsedAt: null });
    expect(typeof body.token).toBe('string');
    // At least 128 random bits.
    expect(body.token.length).toBeGreaterThanOrEqual(22);

    const list = await t.api('GET', 'tokens');
    expect(list.statusCode).toBe(200);
    const item = list.json().items.find((x: { id: string }) => x.id === body.id);
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('token');
    expect(list.body).not.toContain(body.token);
  });

  it('stores only a keyed hash: the token appears nowhere in api_tokens or the audit log', async () => {
    const { id, token } = (await t.api('POST', 'tokens', { body: { name: 'hashed' } })).json();
    const row = await tokenRow(id);
    expect(row.token_hash).not.toBe(token);
    expect(row.token_hash).not.toContain(token);
    const allTokens = JSON.stringify(await t.ctx.db.selectFrom('api_tokens').selectAll().execute());
    expect(allTokens).not.toContain(token);
    const audit = JSON.stringify(await t.ctx.db.selectFrom('audit_log').selectAll().execute());
    expect(audit).not.toContain(token);
    // Keyed: the hash is what the service's key makes of the token, not a plain digest.
    expect(row.token_hash).toBe(t.ctx.secrets.hash('api-token', token));
    const { createHash } = await import('node:crypto');
    expect(row.token_hash).not.toBe(createHash('sha256').update(token).digest('base64url'));
    expect(row.token_hash).not.toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('authenticates with the new token, records its last use, and 401s once revoked', async () => {
    const { id, token } = (await t.api('POST', 'tokens', { body: { name: 'short-lived' } })).json();
    expect((await tokenRow(id)).last_used_at).toBeNull();

    const before = Date.now();
    const used = await t.api('GET', 'contacts', { token });
    expect(used.statusCode).toBe(200);
    const lastUsed = (await tokenRow(id)).last_used_at;
    expect(lastUsed).not.toBeNull();
    expect(Date.parse(lastUsed as string)).toBeGreaterThanOrEqual(before - 1000);
    const listed = (await t.api('GET', 'tokens')).json().items.find((x: { id: string }) => x.id === id);
    expect(listed.lastUsedAt).toBe(lastUsed);

    const revoked = await t.api('DELETE', `tokens/${id}`);
    expect(revoked.statusCode).toBe(204);
    expect((await tokenRow(id)).revoked_at).not.toBeNull();

    const after = await t.api('GET', 'contacts', { token });
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(after.json().code).toBe('unauthorized');
    expect(ids((await t.api('GET', 'tokens')).json())).not.toContain(id);
    expect((await t.api('DELETE', `tokens/${id}`)).statusCode).toBe(404);
  });

  it('refuses an unknown or malformed bearer token with 401', async () => {
    expect((await t.api('GET', 'contacts', { token: 'pit_not-a-real-token-at-all-0000000000' })).statusCode).toBe(401);
    const r = await t.api('GET', 'contacts', { token: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('unauthorized');
  });
});

describe('API tokens: who may manage which', () => {
  it('lets staff create, list and revoke their own tokens', async () => {
    const own = await t.api('POST', 'tokens', { token: t.staffToken, body: { name: 'mine' } });
    expect(own.statusCode).toBe(201);
    expect(own.json().userId).toBe(t.staffId);
    const explicit = await t.api('POST', 'tokens', {
      token: t.staffToken,
      body: { name: 'mine too', userId: t.staffId },
    });
    expect(explicit.statusCode).toBe(201);

    const works = await t.api('GET', 'contacts', { token: own.json().token });
    expect(works.statusCode).toBe(200);
    // The new token acts as staff, not as an admin.
    expect((await t.api('GET', 'users', { token: own.json().token })).statusCode).toBe(403);

    const list = await t.api('GET', 'tokens', { token: t.staffToken });
    expect(list.statusCode).toBe(200);
    expect(ids(list.json())).toEqual(expect.arrayContaining([own.json().id, explicit.json().id]));

    expect((await t.api('DELETE', `tokens/${own.json().id}`, { token: t.staffToken })).statusCode).toBe(204);
    expect((await t.api('GET', 'contacts', { token: own.json().token })).statusCode).toBe(401);
  });

  it('answers 403 to staff creating a token for another user, and creates nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('api_tokens')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const r = await t.api('POST', 'tokens', { token: t.staffToken, body: { name: 'for the boss', userId: t.adminId } });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('forbidden');
    expect(await count()).toBe(before);
  });

  it('never shows staff another user’s tokens, nor lets them revoke one', async () => {
    const adminOnly = (await t.api('POST', 'tokens', { body: { name: 'admin only' } })).json();
    const list = await t.api('GET', 'tokens', { token: t.staffToken });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeGreaterThan(0);
    for (const item of list.json().items) expect(item.userId).toBe(t.staffId);
    expect(ids(list.json())).not.toContain(adminOnly.id);

    const asked = await t.api('GET', `tokens?userId=${t.adminId}`, { token: t.staffToken });
    expect(asked.statusCode).toBe(403);
    expect(asked.json().code).toBe('forbidden');

    const revoke = await t.api('DELETE', `tokens/${adminOnly.id}`, { token: t.staffToken });
    expect([403, 404]).toContain(revoke.statusCode);
    expect((await tokenRow(adminOnly.id)).revoked_at).toBeNull();
    expect((await t.api('GET', 'contacts', { token: adminOnly.token })).statusCode).toBe(200);
  });

  it('lets an admin create a token for any user, list and revoke it', async () => {
    const r = await t.api('POST', 'tokens', { body: { name: 'made for staff', userId: t.staffId } });
    expect(r.statusCode).toBe(201);
    expect(r.json().userId).toBe(t.staffId);
    // The token acts as its owner.
    expect((await t.api('GET', 'users', { token: r.json().token })).statusCode).toBe(403);
    expect((await t.api('GET', 'contacts', { token: r.json().token })).statusCode).toBe(200);
    // The owner sees it; the admin sees it filtered by user.
    expect(ids((await t.api('GET', 'tokens', { token: t.staffToken })).json())).toContain(r.json().id);
    expect(ids((await t.api('GET', `tokens?userId=${t.staffId}`)).json())).toContain(r.json().id);
    expect((await t.api('DELETE', `tokens/${r.json().id}`)).statusCode).toBe(204);
    expect((await t.api('GET', 'contacts', { token: r.json().token })).statusCode).toBe(401);
  });

  it('refuses a token for a user who does not exist with 422 naming userId', async () => {
    const r = await t.api('POST', 'tokens', {
      body: { name: 'ghost', userId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors).toContainEqual({ field: 'userId', message: expect.any(String) });
  });

  it('stops a deleted user’s tokens from working', async () => {
    const user = (await t.api('POST', 'users', { body: { email: 'leaver@example.com', fullName: 'Leaver' } })).json();
    const { token } = (await t.api('POST', 'tokens', { body: { name: 'leaver', userId: user.id } })).json();
    expect((await t.api('GET', 'contacts', { token })).statusCode).toBe(200);
    expect((await t.api('DELETE', `users/${user.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', 'contacts', { token })).statusCode).toBe(401);
  });
});

describe('API tokens: racing revocations', () => {
  it('two revocations at once: one revokes and audits, the other answers 404; the first revocation time stays', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = (await t.api('POST', 'tokens', { body: { name: `race ${round}` } })).json();
      const results = await Promise.all([t.api('DELETE', `tokens/${id}`), t.api('DELETE', `tokens/${id}`)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([204, 404]);
      const audits = await t.ctx.db
        .selectFrom('audit_log')
        .select('id')
        .where('record_id', '=', id)
        .where('action', '=', 'revoke')
        .execute();
      expect(audits).toHaveLength(1);
    }
  });
});

describe('API tokens: getToken (the back office asks before Revoke)', () => {
  it('shows an active token to its user and to admins, never its value; others and revoked ones are not found', async () => {
    const admin = { type: 'user', id: t.adminId, role: 'admin' } as const;
    const staff = { type: 'user', id: t.staffId, role: 'staff' } as const;
    const own = (await t.api('POST', 'tokens', { token: t.staffToken, body: { name: 'mine' } })).json();
    const admins = (await t.api('POST', 'tokens', { body: { name: 'theirs' } })).json();
    expect(await getToken(t.ctx, staff, own.id)).toEqual({
      id: own.id,
      name: 'mine',
      userId: t.staffId,
      createdAt: own.createdAt,
      lastUsedAt: null,
    });
    expect((await getToken(t.ctx, admin, own.id)).name).toBe('mine');
    await expect(getToken(t.ctx, staff, admins.id)).rejects.toMatchObject({ code: 'not-found' });
    await t.api('DELETE', `tokens/${own.id}`);
    await expect(getToken(t.ctx, admin, own.id)).rejects.toMatchObject({ code: 'not-found' });
  });
});
