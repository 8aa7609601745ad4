import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { PortalClient } from '../../../test/helpers/portal.ts';
import { newId } from '../../shared/ids.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = 'Return-path-passw0rd';
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

async function contactWithPassword() {
  const c = (
    await t.api('POST', 'contacts', { body: { firstName: 'Rita', emailaddress1: `rita.${newId()}@example.com` } })
  ).json();
  await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } });
  await t.ctx.db.updateTable('contacts').set({ email_confirmed: 1 }).where('id', '=', c.id).execute();
  return c as { id: string; emailaddress1: string };
}

const hostile = [
  '/portal/../..//evil.example',
  '/portal/%2e%2e/%2e%2e//evil.example',
  '//evil.example',
  '/\\evil.example',
  'https://evil.example/',
];

describe('no redirect leaves the portal', () => {
  it('sign-in ignores a next that normalises to another host, and follows one on the portal', async () => {
    const c = await contactWithPassword();
    for (const next of hostile) {
      const client = new PortalClient(t.app);
      const page = await client.get(`/portal/sign-in?next=${encodeURIComponent(next)}`);
      expect(page.body).not.toContain('name="next"');
      const r = await client.request('POST', '/portal/sign-in', {
        form: { _csrf: csrfOf(page.body), login: c.emailaddress1, password: PASSWORD, next },
      });
      expect(r.statusCode).toBe(303);
      expect(r.headers.location, next).toBe('/portal/profile');
    }
    const client = new PortalClient(t.app);
    const page = await client.get('/portal/sign-in?next=%2Fportal%2Fpages%2Fabout');
    const r = await client.request('POST', '/portal/sign-in', {
      form: { _csrf: csrfOf(page.body), login: c.emailaddress1, password: PASSWORD, next: '/portal/pages/about' },
    });
    expect(r.headers.location).toBe('/portal/pages/about');
  });

  it('the classic Power Pages links lead to the redeem page, keeping lang and a returnurl only when it is on the portal', async () => {
    const cases: Array<[string, string]> = [
      [
        '/register?invitation=ABCD-EFGH&returnurl=%2Fportal%2Fprofile',
        '/portal/redeem?code=ABCD-EFGH&next=%2Fportal%2Fprofile',
      ],
      [
        '/Account/Login/RedeemInvitation?InvitationCode=ABCD-EFGH&returnUrl=%2F%2Fevil.example',
        '/portal/redeem?code=ABCD-EFGH',
      ],
      [
        '/Account/Login/Register?invitationCode=ABCD-EFGH&returnUrl=%2Fportal%2F..%2F..%2F%2Fevil.example',
        '/portal/redeem?code=ABCD-EFGH',
      ],
      ['/register?invitation=ABCD-EFGH&lang=da', '/portal/redeem?code=ABCD-EFGH&lang=da'],
    ];
    for (const [link, location] of cases) {
      const r = await t.api('GET', link, { token: null });
      expect(r.statusCode, link).toBe(302);
      expect(r.headers.location, link).toBe(location);
    }
  });

  it('redeeming from a link with a returnurl on the portal goes there afterwards; a hostile one is ignored', async () => {
    const c = await contactWithPassword();
    const inv = (
      await t.api('POST', 'invitations', { body: { name: 'Back', type: 'group', invitedContactIds: [c.id] } })
    ).json();
    const client = new PortalClient(t.app);
    const page = await client.get(
      `/portal/redeem?code=${encodeURIComponent(inv.code)}&next=%2Fportal%2Fpages%2Fwelcome`,
    );
    expect(page.body).toContain('name="next" value="/portal/pages/welcome"');
    const r = await client.request('POST', '/portal/redeem/sign-in', {
      form: {
        _csrf: csrfOf(page.body),
        code: inv.code,
        login: c.emailaddress1,
        password: PASSWORD,
        next: '/portal/../..//evil.example',
      },
    });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/portal/profile');
    const c2 = await contactWithPassword();
    const inv2 = (
      await t.api('POST', 'invitations', { body: { name: 'Back 2', type: 'group', invitedContactIds: [c2.id] } })
    ).json();
    const client2 = new PortalClient(t.app);
    const page2 = await client2.get(`/portal/redeem?code=${encodeURIComponent(inv2.code)}`);
    const r2 = await client2.request('POST', '/portal/redeem/sign-in', {
      form: {
        _csrf: csrfOf(page2.body),
        code: inv2.code,
        login: c2.emailaddress1,
        password: PASSWORD,
        next: '/portal/pages/welcome',
      },
    });
    expect(r2.headers.location).toBe('/portal/pages/welcome');
  });
});
