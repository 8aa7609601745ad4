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
