// The portal's providers are cached per process: a change through the API shows on the next page of
// this process at once; a change this process did not make (another process's) within the TTL.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { PORTAL_PROVIDERS_TTL_MS, portalProviders } from './portal-providers.ts';

const t = useTestApp();

const signInPage = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/portal/sign-in' });
  expect(res.statusCode).toBe(200);
  return { body: res.body, csp: String(res.headers['content-security-policy']) };
};

describe('portal providers cache', () => {
  it('shows a provider created, disabled, enabled and deleted through the API on the next page', async () => {
    await signInPage(); // fills the cache before the change
    const created = await t.api('POST', 'identity-providers', {
      body: { type: 'oidc', name: 'Cached ID', issuer: 'https://idp-cache.example.com/t', clientId: 'c' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const button = `data-provider="${id}"`;

    let page = await signInPage();
    expect(page.body).toContain(button);
    expect(page.csp).toContain("form-action 'self' https://idp-cache.example.com");

    expect((await t.api('PATCH', `identity-providers/${id}`, { body: { enabled: false } })).statusCode).toBe(200);
    page = await signInPage();
    expect(page.body).not.toContain(button);
    expect(page.csp).not.toContain('idp-cache.example.com');

    expect((await t.api('PATCH', `identity-providers/${id}`, { body: { enabled: true } })).statusCode).toBe(200);
    expect((await signInPage()).body).toContain(button);

    expect((await t.api('DELETE', `identity-providers/${id}`)).statusCode).toBe(204);
    page = await signInPage();
    expect(page.body).not.toContain(button);
    expect(page.csp).not.toContain('idp-cache.example.com');
  });

  it("sees a change it did not make (another process's) once the TTL has passed", async () => {
    const created = await t.api('POST', 'identity-providers', {
      body: { type: 'oidc', name: 'Elsewhere ID', issuer: 'https://idp-elsewhere.example.com/', clientId: 'c' },
    });
    const id = created.json().id as string;
    const now = Date.now();
    const ids = async (at: number) => (await portalProviders(t.ctx, at)).map((p) => p.id);
    expect(await ids(now)).toContain(id);

    // Another process disables it: written straight to the database, this process's cache not told.
    await t.ctx.db.updateTable('identity_providers').set({ enabled: 0 }).where('id', '=', id).execute();
    expect(await ids(now + PORTAL_PROVIDERS_TTL_MS - 1)).toContain(id);
    expect(await ids(now + PORTAL_PROVIDERS_TTL_MS)).not.toContain(id);
  });
});
