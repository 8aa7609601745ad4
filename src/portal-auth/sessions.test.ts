// Signing in on the portal's JSON API: a new session id at sign-in and its cookie, the same answer for
// an unknown email and a wrong password, lockout, confirmation required, registration closed.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { visitors } from '../../test/helpers/portal.ts';
import { newId } from '../shared/ids.ts';

const t = useTestApp();
const PASSWORD = 'Portal-password-1';
const visitor = visitors(t, '10.3');
const make = factories(t, { contact: { firstName: 'Rita', lastName: 'Redeemer' } });
const { contact } = make;

describe('sessions and sign-in', () => {
  it('changes the session id at sign-in and signs out', async () => {
    const c = await make.contactWithPassword(PASSWORD);
    const client = visitor();
    await client.start();
    const before = client.cookies.get('portal_session');
    expect(before).toBeTruthy();
    const r = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: PASSWORD });
    expect(r.statusCode).toBe(200);
    const after = client.cookies.get('portal_session');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // The session row is keyed by a hash: the cookie value is stored nowhere.
    const rows = await t.ctx.db.selectFrom('sessions').selectAll().where('contact_id', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(after as string);
    expect((await client.get('/portal/api/me')).json().contactId).toBe(c.id);
    await client.post('/portal/api/sign-out');
    expect((await client.get('/portal/api/me')).json().contactId).toBeNull();
  });

  it('answers unknown email and wrong password alike, and locks out after the configured failures', async () => {
    const c = await make.contactWithPassword(PASSWORD);
    const client = visitor();
    await client.start();
    const unknown = await client.post('/portal/api/sign-in', {
      email: `nobody.${newId()}@example.com`,
      password: PASSWORD,
    });
    const wrong = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Wrong-password-9' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
    for (let i = 0; i < 4; i++)
      await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Wrong-password-9' });
    const locked = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: PASSWORD });
    expect(locked.statusCode).toBe(401);
    expect(locked.json().detail).toMatch(/locked/);
    // Without the password, a locked account answers like an unknown one: the lockout reveals nothing.
    const guess = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: 'Wrong-password-9' });
    expect(guess.json().detail).toBe(unknown.json().detail);
  });

  it('refuses sign-in until the email is confirmed when confirmation is required', async () => {
    const c = await contact();
    await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } });
    const client = visitor();
    await client.start();
    const r = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: PASSWORD });
    expect(r.statusCode).toBe(403);
    expect(r.json().detail).toMatch(/[Cc]onfirm/);
  });

  it('refuses sign-up without an invitation while open registration is off', async () => {
    const client = visitor();
    await client.start();
    const r = await client.post('/portal/api/sign-up', { email: `open.${newId()}@example.com`, password: PASSWORD });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('registration-closed');
  });
});
