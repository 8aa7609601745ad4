// The back office's contacts: + New and the contact form (422 with kept values at the fields, 409 for
// a taken username), its related records, Create Invitation and Delete on the selection, in English
// and Danish, on SQLite and PostgreSQL. The view: contacts-view.test.ts; Web Authentication:
// contact-authentication.test.ts.
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createdId, signedInAdmin } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const f = factories(t, { contact: { firstName: 'Bo', lastName: 'Kontakt' } });

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
