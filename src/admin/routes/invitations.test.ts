// The back office's invitations: + New with look-ups by typed name, a refused form keeping what was
// typed, the Danish words of the form (issue 13), Create Invitation landing (?contactId=), the
// system views and sorting, and the redemptions (the commands: invitation-commands.test.ts).
// Both databases.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/app.ts';
import { type AdminClient, signedInAdmin } from '../../../test/helpers/admin.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const { contact, invitation, account, webRole } = factories(t, {
  contact: { firstName: 'Ann', lastName: 'Berg' },
  invitation: { name: 'Partner portal', type: 'single' },
});

const createdIdOf = (body: string) => /data-invitation-id="([0-9a-f-]{36})"/.exec(body)?.[1];
const getInv = async (id: string) => (await t.api('GET', `invitations/${id}`)).json();

async function createThroughForm(admin: AdminClient, fields: Record<string, string | string[]>) {
  const res = await admin.post('/admin/invitations/new', fields);
  expect(res.statusCode, res.body.slice(0, 1500)).toBe(201);
  const id = createdIdOf(res.body);
  expect(id).toBeTruthy();
  return { res, id: id as string };
}

describe('+ New and the invitation form', () => {
  it('creates an invitation with the account and web role chosen by typed name, and shows the code once', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const acc = await account({ name: `Nordlys ${newId()}` });
    const role = await webRole({ name: `Partners ${newId()}` });
    const { res, id } = await createThroughForm(admin, {
      name: 'Welcome to the partner portal',
      type: 'single',
      invitedContactIds: c.id,
      assignToAccountIdLookup: acc.name.toUpperCase(),
      webRoleIdsLookup: role.name,
      expiresAt: '2099-01-31T12:00',
    });
    const inv = await getInv(id);
    expect(inv).toMatchObject({
      name: 'Welcome to the partner portal',
      type: 'single',
      invitedContactIds: [c.id],
      assignToAccountId: acc.id,
      webRoleIds: [role.id],
      ownerId: t.adminId,
      expiresAt: '2099-01-31T12:00:00.000Z',
      status: 'new',
    });
    // The code and its link, in read-only fields, this once.
    const code = /id="invitation-code"[^>]*value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z0-9-]{20,}$/);
    expect(res.body).toContain(`http://localhost:3000/portal/redeem?code=`);
    // The form afterwards never shows it.
    const form = await admin.get(`/admin/invitations/${id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain(code);
    expect(form.body).toContain('class="status new"');
    expect(form.body).toContain(acc.name);
    expect(form.body).toContain(role.name);
  });

  it('a refused form answers 422, keeps what was typed and puts each error at its field', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.post('/admin/invitations/new', {
      name: '',
      type: 'group',
      maxRedemptions: 'many',
      assignToAccountIdLookup: 'No such account anywhere',
      webRoleIdsLookup: 'Typed role that does not exist',
      allowedDomains: 'example.com',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('value="No such account anywhere"');
    expect(res.body).toContain('value="Typed role that does not exist"');
    expect(res.body).toContain('value="many"');
    expect(res.body).toMatch(/<option value="group" selected/);
    for (const field of ['name', 'assignToAccountId', 'maxRedemptions'])
      expect(res.body, field).toContain(`id="f-${field}-error"`);
    expect(res.body).toMatch(/id="f-name"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('id="error-summary"');

    // A single invitation without its one contact: the service's refusal, at Invited Contact(s).
    const single = await admin.post('/admin/invitations/new', { name: 'Nobody invited', type: 'single' });
    expect(single.statusCode).toBe(422);
    expect(single.body).toContain('id="f-invitedContactIds-error"');
    expect(single.body).toContain('value="Nobody invited"');
  });

  it('saves changes on the form and shows the redemptions and redeemed contacts', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id], name: 'Before' });
    const res = await admin.post(`/admin/invitations/${inv.id}`, {
      name: 'After',
      invitedContactIds: c.id,
      ownerIdLookup: 'admin@example.com',
      binding: 'any',
    });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    expect((await getInv(inv.id)).name).toBe('After');

    // A redemption shows in the form's section, with the contact among Redeemed Contact(s).
    await t.ctx.db
      .insertInto('redemptions')
      .values({
        id: newId(),
        invitation_id: inv.id,
        contact_id: c.id,
        redeemed_at: new Date().toISOString(),
        ip_address: '203.0.113.7',
        user_agent: 'test',
        sign_in_method: 'local',
      })
      .execute();
    const form = await admin.get(`/admin/invitations/${inv.id}`);
    expect(form.body).toContain('data-redeemed-contacts');
    expect(form.body).toContain('203.0.113.7');
    const view = await admin.get('/admin/redemptions');
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('Invitation Redemptions');
    expect(view.body).toContain('203.0.113.7');
    expect(view.body).toContain(`/admin/invitations/${inv.id}`);
  });

  it('saving a sent or expired invitation as it is changes nothing and is not refused', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id], expiresAt: '2099-05-01T10:30:45.123Z' });
    await t.ctx.db
      .updateTable('invitations')
      .set({ status: 'sent', sent_at: new Date().toISOString() })
      .where('id', '=', inv.id)
      .execute();
    const form = (await admin.get(`/admin/invitations/${inv.id}`)).body;
    expect(form).toContain('value="2099-05-01T10:30"');
    const fields = {
      name: inv.name,
      invitedContactIds: c.id,
      ownerId: t.adminId,
      ownerIdLookup: 'Ada Admin <admin@example.com>',
      expiresAt: '2099-05-01T10:30',
      binding: 'any',
    };
    const saved = await admin.post(`/admin/invitations/${inv.id}`, fields);
    expect(saved.statusCode, saved.body.slice(0, 1500)).toBe(303);
    expect((await getInv(inv.id)).expiresAt).toBe('2099-05-01T10:30:45.123Z');
    // Past its expiry: the unchanged expiry is not "in the past" news.
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: '2001-05-01T10:30:45.123Z' })
      .where('id', '=', inv.id)
      .execute();
    const again = await admin.post(`/admin/invitations/${inv.id}`, { ...fields, expiresAt: '2001-05-01T10:30' });
    expect(again.statusCode, again.body.slice(0, 1500)).toBe(303);
    // A locked field changed after sending is the service's 409.
    const locked = await admin.post(`/admin/invitations/${inv.id}`, { ...fields, binding: 'invited-email' });
    expect(locked.statusCode).toBe(409);
  });

  it('the type switch hides Maximum Redemptions Allowed with CSS only', async () => {
    const admin = await signedInAdmin(t.app);
    const page = await admin.get('/admin/invitations/new');
    expect(page.body).toContain('data-group-only');
    const css = await admin.get('/admin/assets/admin.css');
    expect(css.body).toMatch(/:has\(select\[name="type"\] option\[value="single"\]:checked\) \[data-group-only\]/);
  });
});

describe('the Danish words (issue 13)', () => {
  it('the form, the view and the commands use the model’s Danish words', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const form = (await admin.get(`/admin/invitations/${inv.id}?lang=da`)).body;
    for (const word of [
      'Navn',
      'Type',
      'Enkelt',
      'Ejer/afsender',
      'Invitationskode',
      'Udløbsdato',
      'Inviter',
      'Inviterede kontaktperson(er)',
      'Tildel til firma',
      'Udfør arbejdsproces på indløserkontakt',
      'Tildel til webroller',
      'Indløste kontaktperson(er)',
      '+ Ny',
      'Kør arbejdsproces',
      'Gem',
    ])
      expect(form, word).toContain(`>${word}<`);
    const blank = (await admin.get('/admin/invitations/new?lang=da')).body;
    for (const word of ['Enkelt', 'Gruppe', 'Maksimalt antal tilladte indløsninger'])
      expect(blank, word).toContain(`>${word}<`);
    // "Create Invitation" on a contact lands on the form titled with the command's words.
    const landing = (await admin.get(`/admin/invitations/new?contactId=${c.id}&lang=da`)).body;
    expect(landing).toContain('>Opret invitation<');
    const view = (await admin.get('/admin/invitations?lang=da')).body;
    for (const word of [
      '+ Ny',
      'Kør arbejdsproces',
      'Nye invitationer',
      'Sendte invitationer',
      'Indløste invitationer',
      'Udløbne invitationer',
      'Inaktive invitationer',
      'Alle invitationer',
    ])
      expect(view, word).toContain(`>${word}<`);
    const chooser = await admin.post('/admin/run-workflow', { entity: 'invitation', ids: inv.id });
    expect(chooser.statusCode).toBe(200);
    expect(chooser.body).toContain('>Send invitation<');
  });

  it('English uses the English model’s words', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact();
    const inv = await invitation({ invitedContactIds: [c.id] });
    const form = (await admin.get(`/admin/invitations/${inv.id}?lang=en`)).body;
    for (const word of [
      'Name',
      'Single',
      'Owner',
      'Invitation Code',
      'Expiry Date',
      'Inviter',
      'Invited Contact(s)',
      'Assign to Account',
      'Execute Workflow on Redeeming Contact',
      'Assign to Web Roles',
      'Redeemed Contact(s)',
      '+ New',
      'Run Workflow',
      'Copy link',
    ])
      expect(form, word).toContain(`>${word}<`);
    const blank = (await admin.get('/admin/invitations/new?lang=en')).body;
    expect(blank).toContain('>Maximum Redemptions Allowed<');
    expect(blank).toContain('>Group<');
  });
});

describe('Create Invitation (?contactId=)', () => {
  it('opens a new single invitation for the contact, named as the service names it, and saving creates it', async () => {
    const admin = await signedInAdmin(t.app);
    const c = await contact({ firstName: 'Maja', lastName: 'Jensen' });
    const page = await admin.get(`/admin/invitations/new?contactId=${c.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="Invitation for Maja Jensen"');
    expect(page.body).toMatch(new RegExp(`name="invitedContactIds" value="${c.id}" checked`));
    expect(page.body).toMatch(/<option value="single" selected/);
    const { id } = await createThroughForm(admin, {
      contactId: c.id,
      name: 'Invitation for Maja Jensen',
      type: 'single',
      invitedContactIds: c.id,
    });
    expect(await getInv(id)).toMatchObject({
      type: 'single',
      invitedContactIds: [c.id],
      name: 'Invitation for Maja Jensen',
    });
  });

  it('an unknown or malformed contact is a 404 page, not a 500', async () => {
    const admin = await signedInAdmin(t.app);
    expect((await admin.get(`/admin/invitations/new?contactId=${newId()}`)).statusCode).toBe(404);
    expect((await admin.get('/admin/invitations/new?contactId=nope')).statusCode).toBe(404);
  });
});

describe('the system views', () => {
  it('New, Sent, Redeemed, Expired, Inactive and All show the invitations of their status; sorting works', async () => {
    const admin = await signedInAdmin(t.app);
    const tag = `V${newId().slice(-8)}`;
    const c = await contact();
    const make = async (state: string) => {
      const inv = await invitation({ name: `${tag} ${state}`, invitedContactIds: [c.id] });
      return inv.id as string;
    };
    const ids = {
      new: await make('new'),
      sent: await make('sent'),
      redeemed: await make('redeemed'),
      expired: await make('expired'),
      inactive: await make('inactive'),
    };
    const db = t.ctx.db;
    const now = new Date().toISOString();
    await db.updateTable('invitations').set({ status: 'sent', sent_at: now }).where('id', '=', ids.sent).execute();
    await db.updateTable('invitations').set({ status: 'redeemed' }).where('id', '=', ids.redeemed).execute();
    await db
      .updateTable('invitations')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', ids.expired)
      .execute();
    expect((await t.api('POST', `invitations/${ids.inactive}/deactivate`)).statusCode).toBe(200);

    const shown = async (view: string) => {
      const res = await admin.get(`/admin/invitations?view=${view}&q=${tag}`);
      expect(res.statusCode).toBe(200);
      return Object.entries(ids)
        .filter(([, id]) => res.body.includes(`/admin/invitations/${id}"`))
        .map(([k]) => k)
        .sort();
    };
    for (const state of ['new', 'sent', 'redeemed', 'expired', 'inactive']) expect(await shown(state)).toEqual([state]);
    expect(await shown('all')).toEqual(['expired', 'inactive', 'new', 'redeemed', 'sent']);
    expect(await shown('bogus')).toEqual(['expired', 'inactive', 'new', 'redeemed', 'sent']);

    const order = (body: string) => [...body.matchAll(new RegExp(`>${tag} (\\w+)</a>`, 'g'))].map((m) => m[1]);
    const byName = await admin.get(`/admin/invitations?view=all&q=${tag}&sort=name&dir=desc`);
    expect(order(byName.body)).toEqual(['sent', 'redeemed', 'new', 'inactive', 'expired']);
    const byCreated = await admin.get(`/admin/invitations?view=all&q=${tag}&sort=createdAt&dir=desc`);
    expect(order(byCreated.body)).toEqual(['inactive', 'expired', 'redeemed', 'sent', 'new']);
    const byExpiry = await admin.get(`/admin/invitations?view=all&q=${tag}&sort=expiresAt&dir=desc`);
    expect(order(byExpiry.body)[0]).toBe('expired');
    // Status badges and the columns.
    expect(byName.body).toContain('class="status inactive"');
    expect(byName.body).toContain('Invited Contact(s)');
    expect(byName.body).toContain('Ada Admin');
  });

  it('pages through a sorted view with the cursor', async () => {
    const admin = await signedInAdmin(t.app);
    const tag = `P${newId().slice(-8)}`;
    const c = await contact();
    for (let i = 0; i < 55; i++)
      await invitation({ name: `${tag} ${String(i).padStart(2, '0')}`, invitedContactIds: [c.id] });
    const first = await admin.get(`/admin/invitations?q=${tag}&sort=name&dir=asc`);
    const next = /href="([^"]+cursor=[^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeTruthy();
    const second = await admin.get(next as string);
    const names = [...second.body.matchAll(new RegExp(`>${tag} (\\d+)</a>`, 'g'))].map((m) => m[1]);
    expect(names).toEqual(['50', '51', '52', '53', '54']);
  });
});
