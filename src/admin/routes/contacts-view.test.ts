// The back office's Active Contacts view: its commands, search, the account filter, keyset sorting
// along the cursor, and garbage in the address never a 500, on SQLite and PostgreSQL.
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { signedInAdmin } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const f = factories(t, { contact: { firstName: 'Bo', lastName: 'Kontakt' } });

const rowIds = (res: LightMyRequestResponse) =>
  [...res.body.matchAll(/name="ids" value="([0-9a-f-]{36})"/g)].map((m) => m[1] as string);
const nextHref = (res: LightMyRequestResponse) =>
  /<a href="([^"]+)" rel="next">/.exec(res.body)?.[1]?.replaceAll('&amp;', '&');
/** The attributes of the input named `name` (its tag's text). */
const inputTag = (res: LightMyRequestResponse, name: string) =>
  new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(res.body)?.[0] ?? '';

describe('the Active Contacts view', () => {
  it('offers + New, Create Invitation (one), Run Workflow (some, entity=contact) and Delete', async () => {
    const admin = await signedInAdmin(t.app);
    await f.contact();
    const res = await admin.get('/admin/contacts');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Active Contacts');
    expect(res.body).toContain('href="/admin/contacts/new"');
    expect(res.body).toMatch(/formaction="\/admin\/contacts\/create-invitation" data-needs="one"/);
    expect(res.body).toMatch(/formaction="\/admin\/run-workflow" data-needs="some"/);
    expect(inputTag(res, 'entity')).toContain('value="contact"');
    for (const col of ['Full Name', 'Email', 'Account Name', 'Created On']) expect(res.body).toContain(col);
  });

  it('searches, and filters by account', async () => {
    const admin = await signedInAdmin(t.app);
    const account = await f.account();
    const marker = `Zq${newId().slice(-8)}`;
    const inAccount = await f.contact({ lastName: marker, parentAccountId: account.id });
    const elsewhere = await f.contact({ lastName: marker });
    const search = await admin.get(`/admin/contacts?q=${marker}`);
    expect(rowIds(search).sort()).toEqual([inAccount.id, elsewhere.id].sort());
    const filtered = await admin.get(`/admin/contacts?accountId=${account.id}`);
    expect(filtered.statusCode).toBe(200);
    expect(rowIds(filtered)).toEqual([inAccount.id]);
    expect(filtered.body).toContain(account.name);
    // The filter stays when searching.
    expect(inputTag(filtered, 'accountId')).toContain(`value="${account.id}"`);
  });

  it('pages a sorted view along its cursor without repeats, in both directions and for every sort', async () => {
    const admin = await signedInAdmin(t.app);
    const marker = `Srt${newId().slice(-8)}`;
    const made: { id: string; firstName: string; lastName: string | null; emailaddress1: string }[] = [];
    for (let i = 0; i < 120; i++) {
      const n = (i * 37) % 120;
      // Some share a last name and some have none: ties and nulls are where keyset paging slips.
      const lastName = i % 10 === 0 ? null : `${marker}-${String(n % 40).padStart(3, '0')}`;
      const c = await f.contact({
        firstName: `${marker}${String(n).padStart(3, '0')}`,
        lastName,
        emailaddress1: `${marker.toLowerCase()}.${String(119 - n).padStart(3, '0')}@example.com`,
      });
      made.push({ id: c.id, firstName: c.firstName, lastName, emailaddress1: c.emailaddress1 });
    }
    const byKey = {
      lastName: (c: (typeof made)[number]) => c.lastName ?? '',
      fullName: (c: (typeof made)[number]) => `${c.firstName} ${c.lastName ?? ''}`,
      emailaddress1: (c: (typeof made)[number]) => c.emailaddress1,
    };
    for (const [key, value] of Object.entries(byKey)) {
      for (const dir of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let url: string | undefined = `/admin/contacts?q=${marker}&sort=${key}&dir=${dir}`;
        let pages = 0;
        while (url && pages < 10) {
          const res = await admin.get(url);
          expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
          seen.push(...rowIds(res));
          url = nextHref(res);
          pages++;
        }
        expect(pages).toBe(3);
        expect(new Set(seen).size).toBe(120);
        const cmp = (a: (typeof made)[number], b: (typeof made)[number]) => {
          const va = value(a);
          const vb = value(b);
          const c = va < vb ? -1 : va > vb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
          return dir === 'asc' ? c : -c;
        };
        expect(seen, `${key} ${dir}`).toEqual([...made].sort(cmp).map((c) => c.id));
      }
    }
  });

  it('never answers 500 to garbage in the address', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await f.contact();
    const unsorted = Buffer.from(JSON.stringify({ a: c.id })).toString('base64url');
    const cases: [string, number][] = [
      ['/admin/contacts?cursor=garbage', 422],
      [`/admin/contacts?sort=lastName&cursor=${unsorted}`, 200],
      ['/admin/contacts?sort=%27;drop%20table&dir=sideways', 200],
      ['/admin/contacts?accountId=nope', 422],
      [`/admin/contacts?accountId=${newId()}`, 200],
      [`/admin/contacts?q=${'x'.repeat(5000)}`, 200],
      ['/admin/contacts?q=%25_%5C', 200],
      ['/admin/contacts?view=weird&limit=100000', 200],
      ['/admin/contacts/not-an-id', 404],
      [`/admin/contacts/${newId()}`, 404],
      ['/admin/contacts/not-an-id/password', 404],
      [`/admin/contacts/${newId()}/password`, 404],
      [`/admin/contacts/${newId()}/delete`, 404],
      [`/admin/contacts/${c.id}/external-logins/nope/remove`, 404],
      [`/admin/contacts/${c.id}/external-logins/${newId()}/remove`, 404],
    ];
    for (const [url, status] of cases) {
      const res = await admin.get(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type'], url).toContain('text/html');
    }
    for (const url of [
      `/admin/contacts/${newId()}/unlock`,
      '/admin/contacts/nope/unlock',
      `/admin/contacts/${newId()}`,
    ])
      expect((await admin.post(url, {})).statusCode, url).toBe(404);
    expect((await admin.post(`/admin/contacts/${newId()}/password`, { password: 'Long-enough-1' })).statusCode).toBe(
      404,
    );
  });
});
