// The back office's web roles: the view (search, paging), + New, the form (422 with kept values at
// the fields), Delete after confirming, a role in use refused with its reason (409), in English and
// Danish, on SQLite and PostgreSQL.
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createdId, signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const f = factories(t);

const inputTag = (res: LightMyRequestResponse, name: string) =>
  new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(res.body)?.[0] ?? '';
/** Whether the check box `name` (not its hidden "false") is checked. */
const isChecked = (res: LightMyRequestResponse, name: string) =>
  new RegExp(`<input type="checkbox"[^>]*name="${name}"[^>]*checked[^>]*>`).test(res.body);

describe('web roles in the back office', () => {
  it('creates a web role with + New and shows it in the view', async () => {
    const staff = await signedInStaff(t.app);
    const view = await staff.get('/admin/web-roles');
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('Active Web Roles');
    expect(view.body).toContain('href="/admin/web-roles/new"');
    expect((await staff.get('/admin/web-roles/new')).body).toContain('New Web Role');
    const name = `Partners ${newId()}`;
    const res = await staff.post('/admin/web-roles/new', {
      name,
      description: 'Portal partners',
      authenticatedUsersRole: ['false', 'true'],
    });
    const id = createdId(res);
    const api = (await t.api('GET', `web-roles/${id}`)).json();
    expect(api).toMatchObject({ name, description: 'Portal partners', authenticatedUsersRole: true });
    const page = await staff.get(`/admin/web-roles/${id}`);
    expect(page.body).toContain('data-notice="created"');
    expect(isChecked(page, 'authenticatedUsersRole')).toBe(true);
    const search = await staff.get(`/admin/web-roles?q=${encodeURIComponent(name)}`);
    expect(search.body).toContain(`href="/admin/web-roles/${id}"`);
  });

  it('saves changes', async () => {
    const admin = await signedInAdmin(t.app);
    const role = await f.webRole({ authenticatedUsersRole: true });
    const res = await admin.post(`/admin/web-roles/${role.id}`, {
      name: `${role.name} renamed`,
      description: '',
      authenticatedUsersRole: ['false'],
    });
    expect(res.statusCode).toBe(303);
    const api = (await t.api('GET', `web-roles/${role.id}`)).json();
    expect(api).toMatchObject({ name: `${role.name} renamed`, description: null, authenticatedUsersRole: false });
    expect(isChecked(await admin.get(`/admin/web-roles/${role.id}`), 'authenticatedUsersRole')).toBe(false);
  });

  it('refuses an empty name with 422 at the field, keeping what was typed', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.post('/admin/web-roles/new', {
      name: '',
      description: 'Kept description',
      authenticatedUsersRole: ['false', 'true'],
    });
    expect(res.statusCode).toBe(422);
    expect(inputTag(res, 'name')).toContain('aria-invalid="true"');
    expect(res.body).toContain('id="f-name-error"');
    expect(res.body).toContain('Fill in this field.');
    expect(res.body).toContain('Kept description</textarea>');
    expect(isChecked(res, 'authenticatedUsersRole')).toBe(true);
    const long = await admin.post('/admin/web-roles/new', { name: 'x'.repeat(101) });
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain('id="f-name-error"');
  });

  it('refuses a name another role has (409) at the field', async () => {
    const admin = await signedInAdmin(t.app);
    const role = await f.webRole();
    const res = await admin.post('/admin/web-roles/new', { name: role.name, description: 'Kept' });
    expect(res.statusCode).toBe(409);
    expect(inputTag(res, 'name')).toContain('aria-invalid="true"');
    expect(inputTag(res, 'name')).toContain(`value="${role.name}"`);
    expect(res.body).toContain('Another web role has this name.');
    expect(res.body).toContain('Kept</textarea>');
    const da = await admin.post('/admin/web-roles/new?lang=da', { name: role.name });
    expect(da.body).toContain('En anden webrolle har dette navn.');
  });

  it('deletes after confirming, and refuses a role in use with the reason (409)', async () => {
    const admin = await signedInAdmin(t.app);
    const unused = await f.webRole();
    const confirm = await admin.get(`/admin/web-roles/${unused.id}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Delete this record?');
    expect(confirm.body).toContain(unused.name);
    const deleted = await admin.post(`/admin/web-roles/${unused.id}/delete`);
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/admin/web-roles');
    expect((await t.api('GET', `web-roles/${unused.id}`)).statusCode).toBe(404);

    const held = await f.webRole();
    await f.contact({ webRoleIds: [held.id] });
    const refused = await admin.post(`/admin/web-roles/${held.id}/delete`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('contact(s) have it');
    expect((await t.api('GET', `web-roles/${held.id}`)).statusCode).toBe(200);
  });

  it('sorts the view by name along the cursor without repeats', async () => {
    const admin = await signedInAdmin(t.app);
    const marker = `Wr${newId().slice(-8)}`;
    const made: { id: string; name: string }[] = [];
    for (let i = 0; i < 60; i++)
      made.push(await f.webRole({ name: `${marker} ${String((i * 17) % 60).padStart(2, '0')}` }));
    for (const dir of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let url: string | undefined = `/admin/web-roles?q=${marker}&sort=name&dir=${dir}`;
      while (url) {
        const res = await admin.get(url);
        expect(res.statusCode).toBe(200);
        seen.push(...[...res.body.matchAll(/href="\/admin\/web-roles\/([0-9a-f-]{36})"/g)].map((m) => m[1] as string));
        url = /<a href="([^"]+)" rel="next">/.exec(res.body)?.[1]?.replaceAll('&amp;', '&');
      }
      const sorted = [...made].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => r.id);
      expect(seen).toEqual(dir === 'asc' ? sorted : sorted.reverse());
    }
  });

  it('speaks Danish with the Dynamics words', async () => {
    const admin = await signedInAdmin(t.app);
    const role = await f.webRole();
    const view = await admin.get('/admin/web-roles?lang=da');
    for (const word of ['Aktive webroller', 'Navn', 'Beskrivelse', 'Rolle for godkendte brugere', '+ Ny'])
      expect(view.body, word).toContain(word);
    const form = await admin.get(`/admin/web-roles/${role.id}?lang=da`);
    for (const word of ['Webrolle', 'Navn', 'Beskrivelse', 'Rolle for godkendte brugere', 'Gem', 'Slet', '+ Ny'])
      expect(form.body, word).toContain(word);
    expect((await admin.get('/admin/web-roles/new?lang=da')).body).toContain('Ny webrolle');
  });

  it('never answers 500 to garbage ids or query parameters', async () => {
    const admin = await signedInAdmin(t.app);
    const cases: [string, number][] = [
      ['/admin/web-roles/not-an-id', 404],
      [`/admin/web-roles/${newId()}`, 404],
      [`/admin/web-roles/${newId()}/delete`, 404],
      ['/admin/web-roles?cursor=garbage', 422],
      [`/admin/web-roles?q=${'y'.repeat(3000)}`, 200],
      ['/admin/web-roles?sort=name&dir=up&view=x', 200],
    ];
    for (const [url, status] of cases) expect((await admin.get(url)).statusCode, url).toBe(status);
    expect((await admin.post(`/admin/web-roles/${newId()}`, { name: 'x' })).statusCode).toBe(404);
    expect((await admin.post(`/admin/web-roles/${newId()}/delete`)).statusCode).toBe(404);
    expect((await admin.post('/admin/web-roles/nope/delete')).statusCode).toBe(404);
  });
});
