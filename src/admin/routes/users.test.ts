// The back office's system users: admins only; + New, edit and delete through users.service with its
// rules (last admin, oneself, unique email, password rule) shown at the field or readably; Unlock of a
// back-office lockout; Danish words; no 500 on garbage.
import { describe, expect, it } from 'vitest';
import { AdminClient, createdId, signedInAdmin, signedInStaff } from '../../../test/helpers/admin.ts';
import { useTestApp } from '../../../test/helpers/app.ts';

const t = useTestApp();

let n = 0;
const email = () => `user-${Date.now()}-${++n}@example.com`;

async function newUser(admin: AdminClient, fields: Record<string, string> = {}) {
  await admin.get('/admin/users/new');
  const res = await admin.post('/admin/users/new', {
    fullName: 'Nina Nielsen',
    email: email(),
    role: 'staff',
    password: 'Nina-password-1',
    ...fields,
  });
  return createdId(res);
}

describe('users pages', () => {
  it('lists the users with their role; staff get a readable 403 on every users page', async () => {
    const admin = await signedInAdmin(t.app);
    const res = await admin.get('/admin/users');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Ada Admin');
    expect(res.body).toContain('staff@example.com');
    expect(res.body).toContain('href="/admin/users/new"');
    const filtered = await admin.get('/admin/users?email=STAFF@example.com');
    expect(filtered.body).toContain('staff@example.com');
    expect(filtered.body).not.toContain('admin@example.com</td>');

    const staff = await signedInStaff(t.app);
    for (const url of [
      '/admin/users',
      '/admin/users/new',
      `/admin/users/${t.adminId}`,
      `/admin/users/${t.adminId}/delete`,
    ]) {
      const r = await staff.get(url);
      expect(r.statusCode, url).toBe(403);
      expect(r.body, url).toContain('data-code="forbidden"');
    }
    const before = await t.api('GET', `users/${t.staffId}`);
    const promote = await staff.post(`/admin/users/${t.staffId}`, {
      fullName: 'Sam Staff',
      email: 'staff@example.com',
      role: 'admin',
    });
    expect(promote.statusCode).toBe(403);
    expect((await staff.post('/admin/users/new', { fullName: 'X', email: email(), role: 'admin' })).statusCode).toBe(
      403,
    );
    expect((await t.api('GET', `users/${t.staffId}`)).json()).toEqual(before.json());
  });

  it('creates a user who can then sign in, and edits name, email, role and password', async () => {
    const admin = await signedInAdmin(t.app);
    const address = email();
    const id = await newUser(admin, { email: address, role: 'admin' });
    const shown = await admin.get(`/admin/users/${id}`);
    expect(shown.body).toContain('data-notice="created"');
    expect((await t.api('GET', `users/${id}`)).json()).toMatchObject({
      email: address,
      role: 'admin',
      fullName: 'Nina Nielsen',
    });
    await new AdminClient(t.app).signIn(address, 'Nina-password-1');

    const changed = email();
    const saved = await admin.post(`/admin/users/${id}`, {
      fullName: 'Nina N. Holm',
      email: changed,
      role: 'staff',
      password: '',
    });
    expect(saved.statusCode).toBe(303);
    expect((await t.api('GET', `users/${id}`)).json()).toMatchObject({
      email: changed,
      role: 'staff',
      fullName: 'Nina N. Holm',
    });
    // An empty password keeps the old one; a new one replaces it.
    await new AdminClient(t.app).signIn(changed, 'Nina-password-1');
    await admin.post(`/admin/users/${id}`, {
      fullName: 'Nina N. Holm',
      email: changed,
      role: 'staff',
      password: 'Other-password-2',
    });
    await new AdminClient(t.app).signIn(changed, 'Other-password-2');
  });

  it('refuses bad input at the fields, keeping what was typed (never the password)', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users/new', {
      fullName: '',
      email: 'not-an-email',
      role: 'staff',
      password: 'short',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('id="f-fullName-error"');
    expect(res.body).toContain('id="f-email-error"');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).not.toContain('value="short"');
    const weak = await admin.post('/admin/users/new', {
      fullName: 'Weak',
      email: email(),
      role: 'staff',
      password: 'short',
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.body).toContain('id="f-password-error"');
    expect(weak.body).toContain('at least 10 characters');
    // A taken email is the service's 409, at the email field.
    const taken = await admin.post('/admin/users/new', { fullName: 'Twin', email: 'STAFF@example.com', role: 'staff' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toMatch(/id="f-email-error">Another user already has this email address/);
    expect(taken.body).toContain('value="Twin"');
  });

  it('protects the last admin: no demotion (409 at the role) and no delete (409, readable)', async () => {
    const admin = await signedInAdmin(t.app);
    const admins = (await t.api('GET', 'users?limit=500'))
      .json()
      .items.filter((u: { role: string }) => u.role === 'admin');
    for (const u of admins) if (u.id !== t.adminId) await t.api('PATCH', `users/${u.id}`, { body: { role: 'staff' } });
    const demote = await admin.post(`/admin/users/${t.adminId}`, {
      fullName: 'Ada Admin',
      email: 'admin@example.com',
      role: 'staff',
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toMatch(/id="f-role-error">This is the last administrator/);
    expect((await t.api('GET', `users/${t.adminId}`)).json().role).toBe('admin');
    // Deleting oneself (the last admin) is refused readably, and in Danish too.
    const confirm = await admin.get(`/admin/users/${t.adminId}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`action="/admin/users/${t.adminId}/delete"`);
    const self = await admin.post(`/admin/users/${t.adminId}/delete`);
    expect(self.statusCode).toBe(409);
    expect(self.body).toContain('data-code="conflict"');
    expect(self.body).toContain('You cannot delete your own user.');
    await admin.get('/admin/users?lang=da');
    const da = await admin.post(`/admin/users/${t.adminId}/delete`);
    expect(da.body).toContain('Du kan ikke slette din egen bruger.');
    await admin.get('/admin/users?lang=en');
    expect((await t.api('GET', `users/${t.adminId}`)).statusCode).toBe(200);
  });

  it('deletes a user after confirming, and refuses one that owns invitations readably', async () => {
    const admin = await signedInAdmin(t.app);
    const id = await newUser(admin);
    const confirm = await admin.get(`/admin/users/${id}/delete`);
    expect(confirm.body).toContain('Nina Nielsen');
    const gone = await admin.post(`/admin/users/${id}/delete`);
    expect(gone.statusCode).toBe(303);
    expect(gone.headers.location).toBe('/admin/users');
    expect((await t.api('GET', `users/${id}`)).statusCode).toBe(404);
    expect((await admin.get(`/admin/users/${id}`)).statusCode).toBe(404);

    const owner = await newUser(admin);
    const contact = (await t.api('POST', 'contacts', { body: { firstName: 'Ole', emailaddress1: email() } })).json();
    const inv = await t.api('POST', 'invitations', {
      body: { name: 'Owned', type: 'single', invitedContactIds: [contact.id], ownerId: owner },
    });
    expect(inv.statusCode, inv.body).toBe(201);
    const refused = await admin.post(`/admin/users/${owner}/delete`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('owns or created invitations');
    expect((await t.api('GET', `users/${owner}`)).statusCode).toBe(200);
  });

  it('shows a back-office lockout and lifts it with Unlock (audited)', async () => {
    const admin = await signedInAdmin(t.app);
    const address = email();
    const id = await newUser(admin, { email: address });
    const max = Number(
      (await t.api('GET', 'site-settings/Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout')).json()
        .value,
    );
    const visitor = new AdminClient(t.app, '10.9.8.7');
    await visitor.get('/admin/sign-in');
    for (let i = 0; i < max; i++)
      await visitor.post('/admin/sign-in', { email: address, password: 'Wrong-password-9' });
    const locked = await visitor.post('/admin/sign-in', { email: address, password: 'Nina-password-1' });
    expect(locked.statusCode).toBe(401);

    const form = await admin.get(`/admin/users/${id}`);
    expect(form.body).toContain('data-locked="true"');
    expect(form.body).toContain(`formaction="/admin/users/${id}/unlock"`);
    expect((await admin.get('/admin/users')).body).toContain('data-locked="true"');
    const unlocked = await admin.post(`/admin/users/${id}/unlock`);
    expect(unlocked.statusCode).toBe(303);
    const after = await admin.get(`/admin/users/${id}`);
    expect(after.body).toContain('data-notice="unlocked"');
    expect(after.body).toContain('data-locked="false"');
    expect(after.body).not.toContain('/unlock"');
    await visitor.signIn(address, 'Nina-password-1');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'unlock')
      .where('record_id', '=', id)
      .execute();
    expect(audit).toEqual([{ actor_id: t.adminId }]);

    const staff = await signedInStaff(t.app);
    expect((await staff.post(`/admin/users/${id}/unlock`)).statusCode).toBe(403);
  });

  it('speaks Danish with ?lang=da', async () => {
    const admin = await signedInAdmin(t.app);
    const view = await admin.get('/admin/users?lang=da');
    expect(view.body).toContain('Alle brugere');
    expect(view.body).toContain('Sikkerhedsrolle');
    expect(view.body).toContain('+ Ny');
    const form = await admin.get('/admin/users/new');
    expect(form.body).toContain('Ny bruger');
    expect(form.body).toContain('Fulde navn');
    expect(form.body).toContain('Medarbejder');
    const refused = await admin.post('/admin/users/new', { fullName: '', email: 'x', role: 'staff' });
    expect(refused.body).toContain('Udfyld dette felt.');
    expect(refused.body).toContain('Skriv en gyldig e-mailadresse.');
    await admin.get('/admin/users?lang=en');
  });

  it('answers garbage with a readable refusal, never a 500', async () => {
    const admin = await signedInAdmin(t.app);
    await admin.get('/admin/users');
    const forms: Record<string, string | string[]>[] = [
      {},
      { role: 'root', fullName: 'R', email: email() },
      { fullName: 'x'.repeat(5000), email: email(), role: 'staff' },
      { fullName: 'P', email: email(), role: 'staff', password: 'p'.repeat(10_000) },
    ];
    for (const form of forms) {
      for (const url of ['/admin/users/new', `/admin/users/${t.staffId}`]) {
        const r = await admin.post(url, form);
        expect(r.statusCode, `${url} ${JSON.stringify(form).slice(0, 60)}`).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, `${url} ${JSON.stringify(form).slice(0, 60)}`).toBeLessThan(500);
      }
    }
    // Repeated fields (no browser sends them): the last one counts, as for every form.
    const twice = await admin.post('/admin/users/new', {
      fullName: ['a', 'b'],
      email: [email(), 'x'],
      role: ['admin', 'root'],
    });
    expect(twice.statusCode).toBe(422);
    for (const url of [
      '/admin/users/not-an-id',
      '/admin/users/00000000-0000-4000-8000-000000000000',
      '/admin/users?cursor=%%%',
      '/admin/users?cursor=garbage',
    ])
      expect((await admin.get(url)).statusCode, url).toBeLessThan(500);
    expect((await admin.post('/admin/users/00000000-0000-4000-8000-000000000000/unlock')).statusCode).toBe(404);
  });
});
