// The record factories and the test app handle themselves: defaults a file relies on, overrides, and
// a handle that refuses to be read before its app exists.
import { describe, expect, it } from 'vitest';
import { type TestApp, useTestApp } from './helpers/app.ts';
import { factories } from './helpers/factories.ts';

let readWhileLoading: unknown;
const t: TestApp = useTestApp();
try {
  void t.ctx;
} catch (err) {
  readWhileLoading = err;
}
const make = factories(t, { contact: { firstName: 'Fay', lastName: 'Factory' }, invitation: { name: 'Made' } });

describe('useTestApp', () => {
  it('refuses to be read while the file loads, and gives the app inside tests', async () => {
    expect(String(readWhileLoading)).toMatch(/useTestApp/);
    expect((await t.api('GET', 'contacts')).statusCode).toBe(200);
  });
});

describe('factories', () => {
  it("make a contact with the file's names and a unique email, overrides winning", async () => {
    const a = await make.contact();
    const b = await make.contact({ lastName: 'Other', emailaddress1: 'fay.other@example.com' });
    expect(a).toMatchObject({ firstName: 'Fay', lastName: 'Factory' });
    expect(a.emailaddress1).toMatch(/^fay\..+@example\.com$/);
    expect(b).toMatchObject({ firstName: 'Fay', lastName: 'Other', emailaddress1: 'fay.other@example.com' });
  });

  it('make invitations, accounts and web roles through the API, and fail the test on a refusal', async () => {
    const c = await make.contact();
    const inv = await make.invitation({ type: 'single', invitedContactIds: [c.id] });
    expect(inv).toMatchObject({ name: 'Made', type: 'single', invitedContactIds: [c.id] });
    expect((await make.account({ name: 'Made Ltd' })).name).toBe('Made Ltd');
    expect((await make.webRole()).name).toMatch(/^Web role /);
    await expect(make.invitation({ type: 'group', maxRedemptions: 0 })).rejects.toThrow(/422/);
  });

  it('make a contact with a password and a confirmed email, who can sign in', async () => {
    const c = await make.contactWithPassword('Factory-password-1');
    const row = await t.ctx.db.selectFrom('contacts').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.email_confirmed).toBe(1);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});
