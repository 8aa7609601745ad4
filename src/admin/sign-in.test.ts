// Signing in to the back office: wrong passwords, the lockout, a new session id at sign-in, sign-out,
// CSRF on every POST, a session apart from the portal's, the language, safe `next`; and the first
// start without users (the set-up page only for this machine, only while no user exists).
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AdminClient, signedInAdmin } from '../../test/helpers/admin.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { PortalClient } from '../../test/helpers/portal.ts';
import { startMessage } from '../main.ts';

const setCookie = (res: LightMyRequestResponse, name: string) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
const cookieValue = (res: LightMyRequestResponse, name: string) =>
  (res.cookies as Array<{ name: string; value: string }>).find((c) => c.name === name)?.value;

let ipN = 0;
/** A visitor from an address of its own, so per-client sign-in limits don't meet between tests. */
const visitor = (app: Parameters<typeof signedInAdmin>[0]) => new AdminClient(app, `10.77.0.${++ipN}`);

describe('back-office sign-in', () => {
  const t = useTestApp();

  it('refuses a wrong password with a 401 page and no session', async () => {
    const v = visitor(t.app);
    await v.get('/admin/sign-in');
    const res = await v.post('/admin/sign-in', { email: 'admin@example.com', password: 'Wrong-password-1' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('data-code="unauthorized"');
    expect(res.body).toContain('value="admin@example.com"');
    expect((await v.get('/admin')).statusCode).toBe(303);
    const unknown = await v.post('/admin/sign-in', { email: 'nobody@example.com', password: 'Wrong-password-1' });
    expect(unknown.statusCode).toBe(401);
    // Empty fields are refused at the fields, not a 500.
    const empty = await v.post('/admin/sign-in', { email: '', password: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('id="f-email-error"');
  });

  it('locks an account after MaxFailedAccessAttemptsBeforeLockout failures; only the password holder hears it', async () => {
    const name = 'Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout';
    expect((await t.api('PUT', `site-settings/${name}`, { body: { value: '3' } })).statusCode).toBe(200);
    await t.api('POST', 'users', {
      body: { email: 'lock.me@example.com', fullName: 'Lock Me', role: 'staff', password: 'Lock-password-1' },
    });
    const v = visitor(t.app);
    await v.get('/admin/sign-in');
    for (let i = 0; i < 3; i++) {
      const r = await v.post('/admin/sign-in', { email: 'lock.me@example.com', password: `Wrong-password-${i}` });
      expect(r.statusCode).toBe(401);
      expect(r.body).not.toContain('locked');
    }
    // A wrong password now reads as before; the right one says the account is locked, and does not sign in.
    const guess = await v.post('/admin/sign-in', { email: 'lock.me@example.com', password: 'Wrong-password-9' });
    expect(guess.statusCode).toBe(401);
    expect(guess.body).not.toContain('locked');
    const right = await v.post('/admin/sign-in', { email: 'lock.me@example.com', password: 'Lock-password-1' });
    expect(right.statusCode).toBe(401);
    expect(right.body).toContain('the account is locked');
    expect((await v.get('/admin')).statusCode).toBe(303);
    await t.api('PUT', `site-settings/${name}`, { body: { value: '5' } });
  });

  it('issues a new session id at sign-in (HttpOnly, SameSite=Lax, Path=/admin); the old id opens nothing', async () => {
    const v = visitor(t.app);
    const form = await v.get('/admin/sign-in');
    const before = cookieValue(form, 'admin_session') as string;
    expect(before).toBeTruthy();
    const res = await v.post('/admin/sign-in', { email: 'admin@example.com', password: 'Admin-password-1' });
    expect(res.statusCode).toBe(303);
    const after = cookieValue(res, 'admin_session') as string;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const header = setCookie(res, 'admin_session') as string;
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).toMatch(/; Path=\/admin(;|$)/);
    const withOld = await t.app.inject({ url: '/admin', headers: { cookie: `admin_session=${before}` } });
    expect(withOld.statusCode).toBe(303);
    expect(withOld.headers.location).toBe('/admin/sign-in');
    const withNew = await t.app.inject({ url: '/admin/users', headers: { cookie: `admin_session=${after}` } });
    expect(withNew.statusCode).toBe(200);
  });

  it('ends the session at sign-out: the old cookie no longer works', async () => {
    const admin = await signedInAdmin(t.app);
    const cookie = admin.cookies.get('admin_session') as string;
    const out = await admin.post('/admin/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/admin/sign-in');
    const old = await t.app.inject({ url: '/admin/users', headers: { cookie: `admin_session=${cookie}` } });
    expect(old.statusCode).toBe(303);
    expect(String(old.headers.location)).toMatch(/^\/admin\/sign-in/);
    const post = await t.app.inject({
      method: 'POST',
      url: '/admin/site-settings',
      headers: { cookie: `admin_session=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(admin.csrfToken)}&name=Site%2FName&value=x`,
    });
    expect(post.statusCode).toBeGreaterThanOrEqual(401);
    expect(post.statusCode).toBeLessThan(500);
  });

  it('requires the CSRF token on every POST (403 csrf-invalid page), signed in or not', async () => {
    const v = visitor(t.app);
    await v.get('/admin/sign-in');
    const noToken = await v.post(
      '/admin/sign-in',
      { email: 'admin@example.com', password: 'Admin-password-1' },
      { csrf: false },
    );
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('data-code="csrf-invalid"');
    expect((await v.get('/admin')).statusCode).toBe(303);
    const admin = await signedInAdmin(t.app);
    for (const url of [
      '/admin/site-settings',
      '/admin/users/new',
      '/admin/tokens/new',
      '/admin/sign-out',
      `/admin/users/${t.staffId}/delete`,
    ]) {
      const r = await admin.post(url, { name: 'Site/DefaultLocale', value: 'da' }, { csrf: false });
      expect(r.statusCode, url).toBe(403);
      expect(r.body, url).toContain('data-code="csrf-invalid"');
      const wrong = await admin.request('POST', url, { form: { _csrf: 'x'.repeat(43) }, csrf: false });
      expect(wrong.statusCode, url).toBe(403);
    }
    expect((await t.api('GET', `users/${t.staffId}`)).statusCode).toBe(200);
    expect((await admin.get('/admin/users')).statusCode).toBe(200);
  });

  it('keeps the back-office session apart from the portal session, both ways', async () => {
    await t.api('PUT', 'site-settings/Authentication/Registration/RequiresConfirmation', { body: { value: 'false' } });
    const contact = (
      await t.api('POST', 'contacts', { body: { firstName: 'Pia', emailaddress1: 'pia.portal@example.com' } })
    ).json();
    expect(
      (await t.api('POST', `contacts/${contact.id}/password`, { body: { password: 'Portal-password-1' } })).statusCode,
    ).toBeLessThan(300);
    const portal = new PortalClient(t.app, '10.78.0.1');
    await portal.start();
    const signIn = await portal.post('/portal/api/sign-in', {
      email: 'pia.portal@example.com',
      password: 'Portal-password-1',
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const portalSession = portal.cookies.get('portal_session') as string;
    expect(portalSession).toBeTruthy();
    // The portal's session opens nothing in the back office, under either cookie name.
    for (const cookie of [`portal_session=${portalSession}`, `admin_session=${portalSession}`]) {
      const r = await t.app.inject({ url: '/admin/users', headers: { cookie } });
      expect(r.statusCode, cookie).toBe(303);
      expect(String(r.headers.location)).toMatch(/^\/admin\/sign-in/);
    }
    // And the back office's session is nobody on the portal.
    const admin = await signedInAdmin(t.app);
    const adminSession = admin.cookies.get('admin_session') as string;
    for (const cookie of [`admin_session=${adminSession}`, `portal_session=${adminSession}`]) {
      const me = await t.app.inject({ url: '/portal/api/me', headers: { cookie } });
      expect(me.json().contactId, cookie).toBeNull();
    }
    await t.api('PUT', 'site-settings/Authentication/Registration/RequiresConfirmation', { body: { value: 'true' } });
  });

  it('speaks the language of ?lang= (remembered in a cookie), else of Accept-Language', async () => {
    const v = visitor(t.app);
    const da = await v.get('/admin/sign-in?lang=da');
    expect(da.body).toContain('<html lang="da"');
    expect(da.body).toContain('Log på backoffice');
    expect(setCookie(da, 'admin_lang')).toMatch(/^admin_lang=da;.*Path=\/admin/);
    const again = await v.get('/admin/sign-in');
    expect(again.body).toContain('<html lang="da"');
    // The remembered choice wins over the browser's language; ?lang=en changes it back.
    expect((await v.get('/admin/sign-in', { 'accept-language': 'en-GB,en;q=0.9' })).body).toContain('<html lang="da"');
    await v.get('/admin/sign-in?lang=en');
    expect((await v.get('/admin/sign-in')).body).toContain('<html lang="en"');
    // Without a choice, Accept-Language decides.
    const fresh = await t.app.inject({
      url: '/admin/sign-in',
      headers: { 'accept-language': 'da-DK,da;q=0.9,en;q=0.5' },
    });
    expect(fresh.body).toContain('<html lang="da"');
    expect(fresh.body).toContain('Adgangskode');
    const english = await t.app.inject({ url: '/admin/sign-in', headers: { 'accept-language': 'en-US' } });
    expect(english.body).toContain('<html lang="en"');
    // A garbage language is no language.
    expect((await t.app.inject({ url: '/admin/sign-in?lang=xx' })).statusCode).toBe(200);
  });

  it('follows `next` only to a back-office path', async () => {
    const cases: [next: string, lands: string][] = [
      ['/admin/users?view=all', '/admin/users?view=all'],
      ['https://evil.example/admin', '/admin'],
      ['//evil.example/admin', '/admin'],
      ['/\\evil.example', '/admin'],
      ['/portal/profile', '/admin'],
      ['/admin/../portal', '/admin'],
      ['/admin/sign-out', '/admin'],
      ['javascript:alert(1)', '/admin'],
    ];
    for (const [next, lands] of cases) {
      const v = visitor(t.app);
      await v.get('/admin/sign-in');
      const r = await v.post('/admin/sign-in', { email: 'admin@example.com', password: 'Admin-password-1', next });
      expect(r.statusCode, next).toBe(303);
      expect(r.headers.location, next).toBe(lands);
    }
    // The guard sends a signed-out visitor to sign-in with the page as `next`; the form carries only a safe one.
    const guard = await t.app.inject({ url: '/admin/users' });
    expect(guard.headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fusers');
    const evil = await t.app.inject({ url: '/admin/sign-in?next=%2F%2Fevil.example' });
    expect(evil.body).not.toContain('name="next"');
    const safe = await t.app.inject({ url: '/admin/sign-in?next=%2Fadmin%2Ftokens' });
    expect(safe.body).toContain('name="next" value="/admin/tokens"');
  });
});

describe('first start without users', () => {
  const t = useTestApp({ noUsers: true });
  const countUsers = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('system_users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const admin = { fullName: 'First Admin', email: 'first@example.com', password: 'First-password-1' };

  it('prints where the back office is and that it offers the first admin', async () => {
    const message = await startMessage(t.ctx, { ...t.ctx.config, port: 3000, publicUrl: 'http://localhost:3000' });
    expect(message).toContain('http://localhost:3000/admin');
    expect(message).toMatch(/no users yet.*first administrator/i);
    expect(message.split('\n').length).toBeLessThanOrEqual(3);
  });

  it('sends /admin to the set-up page, and refuses it to a client that is not on this machine', async () => {
    const first = await t.app.inject({ url: '/admin', remoteAddress: '127.0.0.1' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/admin/set-up');
    expect((await t.app.inject({ url: '/admin/sign-in', remoteAddress: '127.0.0.1' })).headers.location).toBe(
      '/admin/set-up',
    );

    const remote = new AdminClient(t.app, '203.0.113.5');
    const page = await remote.get('/admin/set-up');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('data-code="forbidden"');
    expect(page.body).not.toContain('name="password"');
    // Without a form it has no CSRF token: refused as such.
    expect((await remote.post('/admin/set-up', admin)).statusCode).toBe(403);
    // With a valid session and token (taken from a local browser), still refused: it is not local.
    const local = new AdminClient(t.app, '127.0.0.1');
    await local.get('/admin/set-up');
    remote.cookies = new Map(local.cookies);
    remote.csrfToken = local.csrfToken;
    const post = await remote.post('/admin/set-up', admin);
    expect(post.statusCode).toBe(403);
    expect(post.body).toContain('data-code="forbidden"');

    // Through a proxy on this machine every visitor would look local: a forwarded request is not local.
    const proxied = new AdminClient(t.app, '127.0.0.1');
    proxied.cookies = new Map(local.cookies);
    proxied.csrfToken = local.csrfToken;
    const viaProxy = await proxied.get('/admin/set-up', { 'x-forwarded-for': '203.0.113.5' });
    expect(viaProxy.statusCode).toBe(403);
    const proxiedPost = await proxied.request('POST', '/admin/set-up', {
      form: admin,
      headers: { 'x-forwarded-for': '203.0.113.5' },
    });
    expect(proxiedPost.statusCode).toBe(403);
    expect(proxiedPost.body).toContain('data-code="forbidden"');
    expect(await countUsers()).toBe(0);
  });

  it('refuses a set-up without CSRF, and bad fields at the fields', async () => {
    const local = new AdminClient(t.app, '127.0.0.1');
    await local.get('/admin/set-up');
    expect((await local.post('/admin/set-up', admin, { csrf: false })).statusCode).toBe(403);
    const bad = await local.post('/admin/set-up', { fullName: '', email: 'nope', password: 'short' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-email-error"');
    expect(await countUsers()).toBe(0);
  });

  it('lets a browser on this machine create the first admin, signed in at once; then the page is gone', async () => {
    const local = new AdminClient(t.app, '127.0.0.1');
    const page = await local.get('/admin/set-up?lang=da');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Opret den første administrator');
    const created = await local.post('/admin/set-up', admin);
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/admin');
    expect(await countUsers()).toBe(1);
    const users = await local.get('/admin/users');
    expect(users.statusCode).toBe(200);
    expect(users.body).toContain('first@example.com');

    // Once a user exists: the page sends to sign-in, and a POST creates nothing.
    const later = new AdminClient(t.app, '127.0.0.1');
    const gone = await later.get('/admin/set-up');
    expect(gone.statusCode).toBe(303);
    expect(gone.headers.location).toBe('/admin/sign-in');
    await later.get('/admin/sign-in');
    const again = await later.post('/admin/set-up', { ...admin, email: 'second@example.com' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/admin/sign-in');
    expect(await countUsers()).toBe(1);
    expect((await t.app.inject({ url: '/admin' })).headers.location).toBe('/admin/sign-in');
    expect(await startMessage(t.ctx, t.ctx.config)).not.toMatch(/no users/i);
  });
});
