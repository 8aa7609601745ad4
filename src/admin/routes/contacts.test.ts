// The back office's contacts: the Active Contacts view (search, account filter, keyset sort, the
// selection's commands), + New and the contact form (422 with kept values at the fields), Create
// Invitation, Delete, and the Web Authentication commands (Unlock, Change Password, external
// identities for admins), in English and Danish, on SQLite and PostgreSQL.
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createdId, signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { PortalClient } from '../../../test/helpers/portal.ts';
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

describe('+ New and the contact form', () => {
  it('creates a contact with every field, its account and web role chosen through the look-ups', async () => {
    const admin = await signedInAdmin(t.app);
    const account = await f.account({ name: `Nordlys ${newId()}` });
    const role = await f.webRole({ name: `Partner ${newId()}` });
    const form = await admin.get('/admin/contacts/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('New Contact');
    const email = `mette.${newId()}@example.com`;
    const res = await admin.post('/admin/contacts/new', {
      firstName: 'Mette',
      lastName: 'Holm',
      emailaddress1: email,
      emailaddress2: 'mette2@example.com',
      emailaddress3: '',
      parentAccountId: '',
      parentAccountIdLookup: account.name,
      locale: 'da',
      webRoleIdsLookup: role.name,
      username: `mette${Date.now()}`,
      loginEnabled: ['false'],
    });
    const id = createdId(res);
    const api = (await t.api('GET', `contacts/${id}`)).json();
    expect(api).toMatchObject({
      firstName: 'Mette',
      lastName: 'Holm',
      emailaddress1: email,
      emailaddress2: 'mette2@example.com',
      emailaddress3: null,
      parentAccountId: account.id,
      locale: 'da',
      webRoleIds: [role.id],
      loginEnabled: false,
      emailConfirmed: false,
    });
    const page = await admin.get(`/admin/contacts/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-notice="created"');
    expect(page.body).toContain(`href="/admin/accounts/${account.id}"`);
    expect(page.body).toContain(`href="/admin/web-roles/${role.id}"`);
    expect(page.body).toContain(`href="/admin/invitations/new?contactId=${id}"`);
    // Run Workflow on the form posts this contact to the shared run-workflow page.
    expect(page.body).toMatch(/<form id="run-workflow" method="post" action="\/admin\/run-workflow"/);
    expect(inputTag(page, 'entity')).toContain('value="contact"');
    expect(page.body).toContain(`name="ids" value="${id}"`);
  });

  it('saves changes, and unchecking a web role removes it', async () => {
    const admin = await signedInAdmin(t.app);
    const role = await f.webRole();
    const c = await f.contact({ webRoleIds: [role.id] });
    const res = await admin.post(`/admin/contacts/${c.id}`, {
      firstName: 'Renamed',
      lastName: c.lastName,
      emailaddress1: c.emailaddress1,
      parentAccountId: '',
      parentAccountIdLookup: '',
      locale: '',
      loginEnabled: ['false', 'true'],
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const api = (await t.api('GET', `contacts/${c.id}`)).json();
    expect(api).toMatchObject({ firstName: 'Renamed', webRoleIds: [], locale: null, loginEnabled: true });
  });

  it('refuses a bad email with 422, keeping what was typed and showing the problem at the field', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.post('/admin/contacts/new', {
      firstName: 'Kept Name',
      lastName: 'Typed',
      emailaddress1: 'not-an-email',
      parentAccountIdLookup: 'No such account at all',
      locale: 'da',
    });
    expect(res.statusCode).toBe(422);
    expect(inputTag(res, 'firstName')).toContain('value="Kept Name"');
    expect(inputTag(res, 'emailaddress1')).toContain('value="not-an-email"');
    expect(inputTag(res, 'emailaddress1')).toContain('aria-invalid="true"');
    expect(res.body).toContain('id="f-emailaddress1-error"');
    expect(res.body).toContain('Write a valid email address.');
    expect(res.body).toContain('id="f-parentAccountId-error"');
    expect(res.body).toMatch(/<option value="da" selected/);
    expect(res.body).toContain('id="error-summary"');
  });

  it('refuses a contact without any name or email at the last name, in Danish too', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.post('/admin/contacts/new?lang=da', { firstName: '', lastName: '', emailaddress1: '' });
    expect(res.statusCode).toBe(422);
    expect(inputTag(res, 'lastName')).toContain('aria-invalid="true"');
    expect(res.body).toContain('id="f-lastName-error"');
  });

  it('refuses a bad locale and a bad username at their fields', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.post('/admin/contacts/new', { lastName: 'Locale', locale: 'xx', username: 'a b' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('id="f-locale-error"');
    expect(res.body).toContain('id="f-username-error"');
    expect(inputTag(res, 'username')).toContain('value="a b"');
  });

  it('answers garbage in a posted form with 422 at the fields, never 500', async () => {
    const admin = await signedInAdmin(t.app);
    const bad = await admin.post('/admin/contacts/new', {
      lastName: 'Garbage',
      parentAccountId: 'not-an-id',
      parentAccountIdLookup: 'no such account',
      webRoleIds: ['not-an-id'],
      loginEnabled: 'maybe',
      unknownField: 'x',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-parentAccountId-error"');
    expect(bad.body).toContain('id="f-webRoleIds-error"');
    const unknownRole = await admin.post('/admin/contacts/new', { lastName: 'Garbage', webRoleIds: [newId()] });
    expect(unknownRole.statusCode).toBe(422);
    expect(unknownRole.body).toContain('id="f-webRoleIds-error"');
  });

  it('shows a username another contact has at the field (409), keeping what was typed', async () => {
    const admin = await signedInAdmin(t.app);
    const username = `taken${newId().slice(-8)}`;
    await f.contact({ username });
    const res = await admin.post('/admin/contacts/new', { firstName: 'Second', lastName: 'Person', username });
    expect(res.statusCode).toBe(409);
    expect(inputTag(res, 'username')).toContain(`value="${username}"`);
    expect(inputTag(res, 'username')).toContain('aria-invalid="true"');
    expect(res.body).toContain('Another contact has this username.');
    expect(inputTag(res, 'firstName')).toContain('value="Second"');
  });

  it('shows the contact in Danish with the Dynamics words', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await f.contact();
    const res = await admin.get(`/admin/contacts/${c.id}?lang=da`);
    expect(res.statusCode).toBe(200);
    for (const word of [
      'Fornavn',
      'Efternavn',
      '>Mail<',
      'Mail 2',
      'Mail 3',
      'Firmanavn',
      'Foretrukket sprog',
      'Webroller',
      'Brugernavn',
      'Logon aktiveret',
      'Mail bekræftet',
      'Udløb af spærring',
      'Antal mislykkede adgangsforsøg',
      'Webgodkendelse',
      'Skift adgangskode',
      'Opret invitation',
      'Kør arbejdsproces',
      '+ Ny',
      'Gem',
      'Slet',
      'Eksterne identiteter',
      'Invitationer',
      'Indløsninger af invitationer',
    ])
      expect(res.body, word).toContain(word);
    const view = await admin.get('/admin/contacts?lang=da');
    for (const word of ['Aktive kontaktpersoner', 'Fulde navn', 'Opret invitation', 'Kør arbejdsproces', 'Firmanavn'])
      expect(view.body, word).toContain(word);
  });
});

describe('the contact form’s related records', () => {
  it('lists the invitations that invite it, its redemptions, web roles and account', async () => {
    const admin = await signedInAdmin(t.app);
    const account = await f.account();
    const role = await f.webRole();
    const c = await f.contact({ parentAccountId: account.id, webRoleIds: [role.id] });
    const inv = await f.invitation({ name: `Invites ${newId()}`, type: 'single', invitedContactIds: [c.id] });
    const redeemed = await f.invitation({ name: `Redeemed ${newId()}`, type: 'group' });
    await t.ctx.db
      .insertInto('redemptions')
      .values({
        id: newId(),
        invitation_id: redeemed.id,
        contact_id: c.id,
        redeemed_at: new Date().toISOString(),
        ip_address: '127.0.0.1',
        user_agent: 'test',
        sign_in_method: 'local',
      })
      .execute();
    const res = await admin.get(`/admin/contacts/${c.id}`);
    expect(res.statusCode).toBe(200);
    const section = (name: string) => new RegExp(`data-related="${name}"[\\s\\S]*?</(ul|p)>`).exec(res.body)?.[0] ?? '';
    expect(section('invitations')).toContain(inv.name);
    expect(section('invitations')).toContain(`/admin/invitations/${inv.id}`);
    expect(section('redemptions')).toContain(redeemed.name);
    expect(section('redemptions')).not.toContain(inv.name);
    expect(section('web-roles')).toContain(role.name);
    expect(section('account')).toContain(account.name);
  });
});

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

describe('Create Invitation and Delete on the selection', () => {
  it('refuses none or two selected contacts (422) and opens a new invitation for exactly one', async () => {
    const admin = await signedInAdmin(t.app);
    const a = await f.contact();
    const b = await f.contact();
    for (const ids of [[], [a.id, b.id], ['not-an-id']]) {
      const res = await admin.post('/admin/contacts/create-invitation', { ids, entity: 'contact' });
      expect(res.statusCode, JSON.stringify(ids)).toBe(422);
      expect(res.body).toContain('data-problem="choose-exactly-one"');
      expect(res.body).toContain('Choose exactly one contact');
    }
    const da = await admin.post('/admin/contacts/create-invitation?lang=da', { ids: [] });
    expect(da.body).toContain('Vælg præcis én kontaktperson');
    const one = await admin.post('/admin/contacts/create-invitation', { ids: [a.id], entity: 'contact' });
    expect(one.statusCode).toBe(303);
    expect(one.headers.location).toBe(`/admin/invitations/new?contactId=${a.id}`);
    expect((await admin.post('/admin/contacts/create-invitation', { ids: [newId()] })).statusCode).toBe(404);
  });

  it('Delete asks first, deletes an unused contact, and refuses one in use with the reason (409)', async () => {
    const admin = await signedInAdmin(t.app);
    const unused = await f.contact();
    const chosen = await admin.post('/admin/contacts/delete-selected', { ids: [unused.id] });
    expect(chosen.statusCode).toBe(303);
    expect(chosen.headers.location).toBe(`/admin/contacts/${unused.id}/delete`);
    expect((await admin.post('/admin/contacts/delete-selected', { ids: [] })).statusCode).toBe(422);
    const confirm = await admin.get(`/admin/contacts/${unused.id}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Delete this record?');
    const deleted = await admin.post(`/admin/contacts/${unused.id}/delete`);
    expect(deleted.statusCode).toBe(303);
    expect((await t.api('GET', `contacts/${unused.id}`)).statusCode).toBe(404);

    const invited = await f.contact();
    await f.invitation({ type: 'single', invitedContactIds: [invited.id] });
    const refused = await admin.post(`/admin/contacts/${invited.id}/delete`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('invitation(s) invite it');
    expect((await t.api('GET', `contacts/${invited.id}`)).statusCode).toBe(200);
  });
});

describe('Web Authentication', () => {
  it('Unlock ends a lockout from five failed portal sign-ins, audited', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await f.contactWithPassword('Right-password-1');
    const portal = new PortalClient(t.app, '10.77.0.1');
    await portal.start();
    for (let i = 0; i < 5; i++) {
      const r = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Wrong-password-1' });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
    }
    const locked = await t.ctx.db
      .selectFrom('contacts')
      .select(['lockout_end'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(locked.lockout_end).not.toBeNull();
    const page = await admin.get(`/admin/contacts/${c.id}`);
    expect(page.body).toContain('data-locked="true"');
    expect(page.body).toContain(`formaction="/admin/contacts/${c.id}/unlock"`);

    const res = await admin.post(`/admin/contacts/${c.id}/unlock`, {});
    expect(res.statusCode).toBe(303);
    const after = await t.ctx.db
      .selectFrom('contacts')
      .select(['lockout_end', 'access_failed_count'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ lockout_end: null, access_failed_count: 0 });
    const shown = await admin.get(`/admin/contacts/${c.id}`);
    expect(shown.body).toContain('data-notice="unlocked"');
    expect(shown.body).toContain('data-locked="false"');
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('unlock');
    const signIn = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Right-password-1' });
    expect(signIn.statusCode, signIn.body).toBe(200);
  });

  it('Change Password sets a password the portal accepts, and refuses a weak one at the field', async () => {
    const staff = await signedInStaff(t.app);
    const c = await f.contactWithPassword('First-password-1');
    const page = await staff.get(`/admin/contacts/${c.id}/password`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Change Password');
    const weak = await staff.post(`/admin/contacts/${c.id}/password`, { password: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(inputTag(weak, 'password')).toContain('aria-invalid="true"');
    expect(inputTag(weak, 'password')).not.toContain('short');
    expect(weak.body).toContain('id="f-password-error"');
    expect(weak.body).toContain('The password must be at least 10 characters long');
    const weakDa = await staff.post(`/admin/contacts/${c.id}/password?lang=da`, { password: 'short' });
    expect(weakDa.body).toContain('Adgangskoden skal være mindst 10 tegn');

    const ok = await staff.post(`/admin/contacts/${c.id}/password`, { password: 'Second-password-2' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/admin/contacts/${c.id}`);
    const portal = new PortalClient(t.app, '10.77.0.2');
    await portal.start();
    const old = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'First-password-1' });
    expect(old.statusCode).toBeGreaterThanOrEqual(400);
    const fresh = await portal.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Second-password-2' });
    expect(fresh.statusCode, fresh.body).toBe(200);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('change-password');
  });

  it('lists external identities; only admins remove one, after confirming, audited', async () => {
    const admin = await signedInAdmin(t.app);
    const staff = await signedInStaff(t.app);
    const c = await f.contact();
    const providerId = newId();
    const loginId = newId();
    const now = new Date().toISOString();
    await t.ctx.db
      .insertInto('identity_providers')
      .values({
        id: providerId,
        type: 'oidc',
        name: `Entra ${providerId.slice(-6)}`,
        config: '{}',
        secret_encrypted: null,
        enabled: 1,
        allow_registration: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await t.ctx.db
      .insertInto('external_logins')
      .values({
        id: loginId,
        contact_id: c.id,
        provider_id: providerId,
        subject: 'sub-123',
        email: null,
        created_at: now,
      })
      .execute();
    const removeHref = `/admin/contacts/${c.id}/external-logins/${loginId}/remove`;

    const staffPage = await staff.get(`/admin/contacts/${c.id}`);
    expect(staffPage.body).toContain('sub-123');
    expect(staffPage.body).not.toContain(removeHref);
    expect((await staff.get(removeHref)).statusCode).toBe(403);
    expect((await staff.post(removeHref, {})).statusCode).toBe(403);

    const adminPage = await admin.get(`/admin/contacts/${c.id}`);
    expect(adminPage.body).toContain(`Entra ${providerId.slice(-6)}`);
    expect(adminPage.body).toContain(removeHref);
    const confirm = await admin.get(removeHref);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('sub-123');
    const removed = await admin.post(removeHref, {});
    expect(removed.statusCode).toBe(303);
    const left = await t.ctx.db.selectFrom('external_logins').select('id').where('contact_id', '=', c.id).execute();
    expect(left).toEqual([]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('record_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('remove-external-login');
    expect((await admin.post(removeHref, {})).statusCode).toBe(404);
  });

  it('staff may create and edit contacts like admins (the API gives them the same rights)', async () => {
    const staff = await signedInStaff(t.app);
    const res = await staff.post('/admin/contacts/new', { firstName: 'Staff', lastName: `Made ${newId()}` });
    const id = createdId(res);
    expect((await staff.get(`/admin/contacts/${id}`)).statusCode).toBe(200);
  });
});
