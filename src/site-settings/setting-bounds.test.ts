import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { newId } from '../shared/ids.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const put = (name: string, value: string) =>
  t.api('PUT', `site-settings/${encodeURIComponent(name)}`, { body: { value } });
const LOCKOUT = 'Authentication/UserManager/DefaultAccountLockoutTimeSpan';
const ATTEMPTS = 'Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout';

describe('every setting is checked against its bounds at PUT', () => {
  it('refuses values out of bounds with 422 naming value, and keeps the old value', async () => {
    for (const [name, value] of [
      [LOCKOUT, '99999999.00:00:00'],
      [LOCKOUT, '366.00:00:00'],
      [LOCKOUT, '00:61:00'],
      [LOCKOUT, '24:00:00'],
      [LOCKOUT, '00:00:00'],
      [ATTEMPTS, '0'],
      [ATTEMPTS, '1001'],
      ['Authentication/RateLimit/SignIn/Count', '0'],
      ['Authentication/RateLimit/SignIn/WindowSeconds', '999999999'],
    ] as const) {
      const r = await put(name, value);
      expect(r.statusCode, `${name} = ${value}`).toBe(422);
      expect(r.json().errors[0].field).toBe('value');
    }
    expect((await t.api('GET', `site-settings/${encodeURIComponent(LOCKOUT)}`)).json().value).toBe('00:05:00');
  });

  it('takes the largest lockout, and a wrong password then locks the account without a 500', async () => {
    expect((await put(LOCKOUT, '365.00:00:00')).statusCode).toBe(200);
    expect((await put(ATTEMPTS, '2')).statusCode).toBe(200);
    try {
      const c = (
        await t.api('POST', 'contacts', { body: { firstName: 'Lou', emailaddress1: `lou.${newId()}@example.com` } })
      ).json();
      await t.api('POST', `contacts/${c.id}/password`, { body: { password: 'Lockout-passw0rd' } });
      await t.ctx.db.updateTable('contacts').set({ email_confirmed: 1 }).where('id', '=', c.id).execute();
      const me = await t.app.inject({ method: 'GET', url: '/portal/api/me' });
      const cookie = me.cookies.map((k) => `${k.name}=${k.value}`).join('; ');
      const csrf = me.json().csrfToken as string;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/portal/api/sign-in',
          headers: { cookie, 'x-csrf-token': csrf },
          payload: { email: c.emailaddress1, password: 'wrong-password-1' },
        });
        statuses.push(r.statusCode);
      }
      expect(statuses.every((s) => s < 500)).toBe(true);
      const row = await t.ctx.db.selectFrom('contacts').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.lockout_end).not.toBeNull();
    } finally {
      await put(LOCKOUT, '00:05:00');
      await put(ATTEMPTS, '5');
    }
  });
});
