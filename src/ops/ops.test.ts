import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { testDialect } from '../../test/helpers/db.ts';

const t = useTestApp({ captureLogs: true });

describe('health, readiness and metrics', () => {
  it('/healthz answers 200 without a token', async () => {
    const r = await t.api('GET', '/healthz', { token: null });
    expect(r.statusCode).toBe(200);
    expect(r.json().status).toBe('ok');
  });

  it('/readyz answers 200 with the database dialect', async () => {
    const r = await t.api('GET', '/readyz', { token: null });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', database: testDialect() });
  });

  it('/metrics counts requests by route pattern (never a raw id) and shows process figures', async () => {
    const c = (await t.api('POST', 'contacts', { body: { firstName: 'Metric' } })).json();
    await t.api('GET', 'contacts');
    await t.api('GET', `contacts/${c.id}`);
    await t.api('GET', 'contacts/00000000-0000-4000-8000-000000000000');

    const r = await t.api('GET', '/metrics', { token: null });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const text = r.body;
    expect(text).toMatch(/^http_requests_total\{[^}]*route="\/api\/v1\/contacts"[^}]*status="200"[^}]*\} \d+/m);
    expect(text).toMatch(/^http_requests_total\{[^}]*route="\/api\/v1\/contacts\/:id"[^}]*status="404"[^}]*\} \d+/m);
    expect(text).toMatch(/^http_requests_total\{[^}]*method="POST"[^}]*route="\/api\/v1\/contacts"[^}]*status="201"/m);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).not.toContain(c.id);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
  });
});

describe('security headers', () => {
  it('sets nosniff and a content security policy on API and ops answers', async () => {
    for (const r of [
      await t.api('GET', 'contacts'),
      await t.api('GET', '/healthz', { token: null }),
      await t.api('GET', 'contacts', { token: null }),
    ]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toEqual(expect.stringContaining("default-src 'self'"));
      expect(r.headers['content-security-policy']).toEqual(expect.stringContaining("frame-ancestors 'none'"));
    }
  });
});

describe('request logs', () => {
  it('log requests but no token, code, password or cookie', async () => {
    const token = (await t.api('POST', 'tokens', { body: { name: 'logged' } })).json().token as string;
    const secrets = [token, t.adminToken, 'SECRETCODE123', 'SESSIONCOOKIE456', 'Logged-password-9', 'CSRFTOKEN789'];
    t.logs.length = 0;

    await t.api('GET', 'contacts?code=SECRETCODE123', { token });
    await t.api('GET', 'contacts?q=x&code=SECRETCODE123&token=SECRETCODE123', {
      token,
      headers: { cookie: 'portal_session=SESSIONCOOKIE456' },
    });
    await t.api('GET', '/portal/redeem?code=SECRETCODE123', {
      token: null,
      headers: { cookie: 'portal_session=SESSIONCOOKIE456' },
    });
    await t.api('GET', '/register?invitation=SECRETCODE123&returnurl=%2F', { token: null });
    await t.api('POST', 'users', {
      token,
      body: { email: 'logged@example.com', fullName: 'Logged', password: 'Logged-password-9' },
      headers: { 'x-csrf-token': 'CSRFTOKEN789' },
    });
    await t.api('GET', 'contacts', { token: 'pit_SECRETCODE123-unknown-token-value' });
    await t.api('POST', 'contacts', {
      token,
      body: '{"password": "Logged-password-9", ',
      headers: { 'content-type': 'application/json' },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const requestLines = t.logs.filter((l) => l.includes('"req"') || l.includes('incoming request'));
    expect(requestLines.length).toBeGreaterThanOrEqual(7);
    expect(t.logs.some((l) => l.includes('/api/v1/contacts'))).toBe(true);
    expect(t.logs.some((l) => l.includes('[REDACTED]'))).toBe(true);
    const all = t.logs.join('\n');
    for (const secret of secrets) expect(all, `log lines contain ${secret}`).not.toContain(secret);
  });
  it('log a query value only when its parameter is on the allowlist: ?access_token= and unknown names are redacted', async () => {
    t.logs.length = 0;
    await t.api('GET', 'contacts?limit=5&access_token=ACCESSTOKEN111&apiKey=KEYVALUE222&Sig%6eature=SIGVALUE333', {
      token: null,
    });
    await t.api('GET', '/portal/confirm-email?token=CONFIRMTOKEN444&lang=da', { token: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const all = t.logs.join('\n');
    for (const secret of ['ACCESSTOKEN111', 'KEYVALUE222', 'SIGVALUE333', 'CONFIRMTOKEN444'])
      expect(all, `log lines contain ${secret}`).not.toContain(secret);
    expect(all).toContain('limit=5');
    expect(all).toContain('access_token=[REDACTED]');
    expect(all).toContain('lang=da');
  });
});

describe('API reference', () => {
  it('serves OpenAPI 3.1 at /api/v1/openapi.json listing the records API', async () => {
    const r = await t.api('GET', 'openapi.json', { token: null });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const path of ['/contacts', '/contacts/{id}', '/accounts', '/web-roles', '/users', '/tokens']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    expect(doc.servers[0].url).toBe('/api/v1');
    expect(doc.paths['/contacts'].post.requestBody).toBeDefined();
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/healthz') || p.startsWith('/metrics'))).toBe(false);
  });

  it('serves a browsable reference at /api/v1/docs and /portal/api/docs, its assets under the same prefix', async () => {
    for (const prefix of ['/api/v1', '/portal/api']) {
      let r = await t.api('GET', `${prefix}/docs`, { token: null });
      if (r.statusCode >= 300 && r.statusCode < 400 && r.headers.location)
        r = await t.api('GET', String(r.headers.location), { token: null });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.body).toMatch(/<html/i);
      const css = /href="([^"]+swagger-ui\.css)"/.exec(r.body)?.[1] ?? '';
      const asset = await t.api('GET', css.startsWith('/') ? css : `${prefix}/docs/${css}`, { token: null });
      expect(asset.statusCode, css).toBe(200);
    }
  });
});
