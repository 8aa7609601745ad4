import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { useTestApp } from '../../test/helpers/app.ts';

const t = useTestApp({ config: { bodyLimit: 2048 } });

const tables = [
  'contacts',
  'accounts',
  'web_roles',
  'system_users',
  'api_tokens',
  'audit_log',
  'site_settings',
] as const;
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  return counts;
}

/** Every error is an RFC 9457 problem document with our members. */
function expectProblem(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = r.json();
  expect(body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(body.type.length).toBeGreaterThan(0);
  expect(body.title.length).toBeGreaterThan(0);
  return body;
}

const raw = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: string, contentType = 'application/json') =>
  t.app.inject({
    method,
    url: `/api/v1/${url}`,
    headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': contentType },
    payload,
  });

describe('bad requests get problem documents and change nothing', () => {
  it('malformed JSON → 400 malformed-request', async () => {
    const before = await rowCounts();
    expectProblem(await raw('POST', 'contacts', '{"firstName": "Broken",'), 400, 'malformed-request');
    expectProblem(await raw('POST', 'accounts', "{name: 'not json'}"), 400, 'malformed-request');
    expectProblem(
      await raw(
        'PUT',
        `site-settings/${encodeURIComponent('Authentication/Registration/OpenRegistrationEnabled')}`,
        '{"value": tru',
      ),
      400,
      'malformed-request',
    );
    expect(await rowCounts()).toEqual(before);
  });

  it('an empty JSON body → 400 malformed-request', async () => {
    const before = await rowCounts();
    expectProblem(await raw('POST', 'contacts', ''), 400, 'malformed-request');
    expect(await rowCounts()).toEqual(before);
  });

  it('a body in a content type the API does not read → a 4xx problem, nothing created', async () => {
    const before = await rowCounts();
    const r = await raw('POST', 'accounts', 'name=Plain', 'text/plain');
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await rowCounts()).toEqual(before);
  });

  it('a body over the limit → 413 payload-too-large', async () => {
    const before = await rowCounts();
    const big = JSON.stringify({ firstName: 'Big', lastName: 'x'.repeat(4000) });
    expect(big.length).toBeGreaterThan(2048);
    expectProblem(await raw('POST', 'contacts', big), 413, 'payload-too-large');
    expectProblem(await t.api('POST', 'accounts', { body: { name: 'y'.repeat(3000) } }), 413, 'payload-too-large');
    // A form body too.
    expectProblem(
      await raw('POST', 'accounts', `name=${'z'.repeat(3000)}`, 'application/x-www-form-urlencoded'),
      413,
      'payload-too-large',
    );
    expect(await rowCounts()).toEqual(before);
  });

  it('limit=501 → 422 naming limit', async () => {
    for (const path of ['contacts', 'accounts', 'web-roles', 'users', 'tokens']) {
      const body = expectProblem(await t.api('GET', `${path}?limit=501`), 422, 'validation-failed');
      expect(body.errors).toContainEqual({ field: 'limit', message: expect.any(String) });
    }
    const zero = expectProblem(await t.api('GET', 'contacts?limit=0'), 422, 'validation-failed');
    expect(zero.errors[0].field).toBe('limit');
    const word = expectProblem(await t.api('GET', 'contacts?limit=many'), 422, 'validation-failed');
    expect(word.errors[0].field).toBe('limit');
    expect((await t.api('GET', 'contacts?limit=500')).statusCode).toBe(200);
  });

  it('a cursor the service never gave out → 422 naming cursor', async () => {
    const body = expectProblem(await t.api('GET', 'contacts?cursor=not-a-cursor'), 422, 'validation-failed');
    expect(body.errors[0].field).toBe('cursor');
  });

  it('an unknown body field → 422 naming it', async () => {
    const before = await rowCounts();
    const body = expectProblem(
      await t.api('POST', 'accounts', { body: { name: 'Unknown Field Ltd', vatNumber: 'DK123' } }),
      422,
      'validation-failed',
    );
    expect(body.errors).toContainEqual({ field: 'vatNumber', message: expect.any(String) });
    expect(body.detail).toContain('vatNumber');
    const account = (await t.api('POST', 'accounts', { body: { name: 'Known' } })).json();
    const counted = await rowCounts();
    const patch = expectProblem(
      await t.api('PATCH', `accounts/${account.id}`, { body: { name: 'Renamed', colour: 'red' } }),
      422,
      'validation-failed',
    );
    expect(patch.errors.map((e: { field: string }) => e.field)).toContain('colour');
    expect((await t.api('GET', `accounts/${account.id}`)).json().name).toBe('Known');
    expect(await rowCounts()).toEqual(counted);
    expect(counted.accounts).toBe((before.accounts ?? 0) + 1);
  });

  it('a wrong type → 422 naming the field', async () => {
    const before = await rowCounts();
    const body = expectProblem(
      await t.api('POST', 'web-roles', { body: { name: 42, authenticatedUsersRole: 'true' } }),
      422,
      'validation-failed',
    );
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'authenticatedUsersRole']));
    const arr = expectProblem(
      await t.api('POST', 'contacts', { body: { firstName: 'Typed', webRoleIds: 'not-an-array' } }),
      422,
      'validation-failed',
    );
    expect(arr.errors[0].field).toBe('webRoleIds');
    // A JSON body that is not an object at all.
    const list = await raw('POST', 'accounts', '["name"]');
    expectProblem(list, 422, 'validation-failed');
    expect(await rowCounts()).toEqual(before);
  });

  it('an id that is not a UUID → 404 not-found', async () => {
    expectProblem(await t.api('GET', 'contacts/not-a-uuid'), 404, 'not-found');
    expectProblem(await t.api('DELETE', 'accounts/123'), 404, 'not-found');
  });

  it('an unknown route → 404 not-found as a problem document', async () => {
    expectProblem(await t.api('GET', 'no-such-thing'), 404, 'not-found');
  });
});

describe("Fastify's and Node's own refusals are problem documents too", () => {
  it('a bad percent-encoding in the path → 400 malformed-request', async () => {
    expectProblem(await t.api('GET', 'contacts/%E0%A4%A'), 400, 'malformed-request');
  });

  it('an over-long path parameter → 414 uri-too-long', async () => {
    expectProblem(await t.api('GET', `contacts/${'a'.repeat(600)}`), 414, 'uri-too-long');
  });

  it('a wrong method on a known path → 405 method-not-allowed with Allow', async () => {
    const r = await t.api('PUT', 'contacts', { body: {} });
    expectProblem(r, 405, 'method-not-allowed');
    expect(String(r.headers.allow).split(', ')).toEqual(expect.arrayContaining(['GET', 'HEAD', 'POST']));
    const one = await t.api('PUT', `contacts/00000000-0000-4000-8000-000000000000`, { body: {} });
    expectProblem(one, 405, 'method-not-allowed');
    expect(String(one.headers.allow).split(', ')).toEqual(expect.arrayContaining(['DELETE', 'GET', 'PATCH']));
    // An unknown path stays a 404.
    expectProblem(await t.api('PUT', 'no-such-thing', { body: {} }), 404, 'not-found');
    // The portal's JSON API and its pages too: a problem document, and a page with the same status.
    const api = await t.api('DELETE', '/portal/api/me', { token: null });
    expectProblem(api, 405, 'method-not-allowed');
    expect(String(api.headers.allow)).toContain('GET');
    const page = await t.api('DELETE', '/portal/sign-in', { token: null });
    expect(page.statusCode).toBe(405);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('data-code="method-not-allowed"');
    expect(String(page.headers.allow).split(', ')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect((await t.api('DELETE', '/portal/no-such-page', { token: null })).statusCode).toBe(404);
  });

  it('a wildcard route with an empty tail is the path before it (trailing slash ignored): its methods, never the refused one', async () => {
    // `/site-settings/` is `/site-settings` to the router (ignoreTrailingSlash), which answers GET only.
    const put = await t.api('PUT', 'site-settings/', { body: { value: 'x' } });
    expectProblem(put, 405, 'method-not-allowed');
    expect(String(put.headers.allow).split(', ')).toEqual(['GET', 'HEAD']);
    // `/portal/pages/` is `/portal/pages`, which is no page: 404 (it answered 405 "answers GET, HEAD, not GET").
    expect((await t.api('GET', '/portal/pages/', { token: null })).statusCode).toBe(404);
    // A trailing slash after a name is the name (the route answers), an unknown path with one stays a 404.
    expect((await t.api('PUT', 'site-settings/Site/DefaultLocale/', { body: { value: 'en' } })).statusCode).toBe(200);
    expectProblem(await t.api('PUT', 'no-such-thing/', { body: {} }), 404, 'not-found');
  });

  it('headers over the limit → 431 header-too-large, and bytes that are not HTTP → 400, over a real socket', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const rawRequest = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk.toString('utf8');
        });
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
    const huge = await rawRequest(`GET /api/v1/contacts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 431,
      code: 'header-too-large',
    });
    const garbage = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'malformed-request' });
  });
});

describe('control characters in text a client sends', () => {
  it('a NUL (or another C0 control) in a body field, a query value or a path is 422 naming the field, on every API; nothing is stored', async () => {
    const before = await rowCounts();
    const body = expectProblem(
      await t.api('POST', 'contacts', { body: { firstName: 'Nul\u0000led', lastName: 'Ok' } }),
      422,
      'validation-failed',
    );
    expect(body.errors).toEqual([{ field: 'firstName', message: 'must not contain control characters' }]);
    const nested = expectProblem(
      await t.api('POST', 'workflows', {
        body: {
          name: 'W',
          primaryEntity: 'contact',
          steps: [{ type: 'update-contact', fields: { firstName: 'a\u0007' } }],
        },
      }),
      422,
      'validation-failed',
    );
    expect(nested.errors[0].field).toBe('steps.0.fields.firstName');
    const query = expectProblem(await t.api('GET', 'contacts?q=a%00b'), 422, 'validation-failed');
    expect(query.errors[0].field).toBe('q');
    // Unauthenticated portal sign-in (JSON and form): 422, never a 500.
    const signIn = await t.api('POST', '/portal/api/sign-in', {
      token: null,
      body: { email: 'x\u0000@example.com', password: 'whatever-it-is' },
    });
    expectProblem(signIn, 422, 'validation-failed');
    const form = await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'login=a%00b&password=x',
    });
    expect(form.statusCode).toBe(422);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(await rowCounts()).toEqual(before);
    // Tab, line feed and carriage return are text.
    const lines = await t.api('POST', 'accounts', { body: { name: 'Tab\tand\r\nlines' } });
    expect(lines.statusCode).toBe(201);
    await t.api('DELETE', `accounts/${lines.json().id}`);
  });

  it('an address that answers nothing stays 404 (or 405) whatever its body or query holds', async () => {
    // The check is for what a route reads; an unrouted request is answered as such, not as 422.
    expectProblem(await t.api('GET', 'no-such-thing?x=a%00b'), 404, 'not-found');
    const wrongMethod = await t.api('DELETE', 'web-roles', { body: { name: 'a\u0007' } });
    expectProblem(wrongMethod, 405, 'method-not-allowed');
    expectProblem(
      await t.api('PATCH', 'users/?limit=%00', { body: { fullName: '\u0000' } }),
      405,
      'method-not-allowed',
    );
    const page = await t.api('GET', '/portal/no-such-page?next=%00', { token: null });
    expect(page.statusCode).toBe(404);
  });

  it('an integer beyond its column (2³¹ or more) is 422 naming it, not a 500', async () => {
    const c = (
      await t.api('POST', 'contacts', { body: { firstName: 'Big', emailaddress1: 'big@example.com' } })
    ).json();
    const big = expectProblem(
      await t.api('POST', 'invitations', {
        body: { name: 'Big', type: 'group', invitedContactIds: [c.id], maxRedemptions: 2 ** 31 },
      }),
      422,
      'validation-failed',
    );
    expect(big.errors[0].field).toBe('maxRedemptions');
    const ok = await t.api('POST', 'invitations', {
      body: { name: 'Largest', type: 'group', invitedContactIds: [c.id], maxRedemptions: 2 ** 31 - 1 },
    });
    expect(ok.statusCode).toBe(201);
  });
});
