// /accounts over a real socket through the typed client generated from the OpenAPI document: the
// paths, bodies and answers the compiler checks are the ones the server serves.
import { beforeAll, describe, expect, it } from 'vitest';
import { createStaffApiClient, type StaffApiClient } from '../api-client/index.ts';
import { useTestApp } from '../../test/helpers/app.ts';

const t = useTestApp();
let api: StaffApiClient;

beforeAll(async () => {
  const baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  api = createStaffApiClient({ baseUrl, token: t.adminToken });
});

describe('accounts through the typed client', () => {
  it('creates, reads, renames, lists and deletes an account; refusals are typed problems', async () => {
    const parent = await api.POST('/accounts', { body: { name: 'Client Parent' } });
    expect(parent.response.status).toBe(201);
    const child = await api.POST('/accounts', { body: { name: 'Client Child', parentAccountId: parent.data?.id } });
    expect(child.data?.parentAccountId).toBe(parent.data?.id);
    const id = child.data?.id ?? '';

    const renamed = await api.PATCH('/accounts/{id}', { params: { path: { id } }, body: { name: 'Client Child 2' } });
    expect(renamed.data?.name).toBe('Client Child 2');
    const got = await api.GET('/accounts/{id}', { params: { path: { id } } });
    expect(got.data?.name).toBe('Client Child 2');
    const page = await api.GET('/accounts', { params: { query: { limit: 1 } } });
    expect(page.data?.items).toHaveLength(1);
    expect(page.data?.nextCursor).toEqual(expect.any(String));

    // The parent is in use: 409 with the reason; an unknown field: 422 naming it.
    const inUse = await api.DELETE('/accounts/{id}', { params: { path: { id: parent.data?.id ?? '' } } });
    expect(inUse.response.status).toBe(409);
    expect(inUse.error?.code).toBe('conflict');
    const unknown = await api.POST('/accounts', { body: { name: 'X', shoeSize: 44 } as never });
    expect(unknown.response.status).toBe(422);
    expect(unknown.error?.errors?.[0]?.field).toBe('shoeSize');

    const deleted = await api.DELETE('/accounts/{id}', { params: { path: { id } } });
    expect(deleted.response.status).toBe(204);
    const gone = await api.GET('/accounts/{id}', { params: { path: { id } } });
    expect(gone.error?.code).toBe('not-found');
  });

  it('answers 401 with a problem to a client without a valid token', async () => {
    const anonymous = createStaffApiClient({
      baseUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`,
      token: 'pit_wrong',
    });
    const r = await anonymous.GET('/accounts');
    expect(r.response.status).toBe(401);
    expect(r.error?.code).toBe('unauthorized');
  });
});
