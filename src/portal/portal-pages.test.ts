import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { PortalClient } from '../../test/helpers/portal.ts';
import { newId } from '../shared/ids.ts';

let t: TestApp;
const PASSWORD = 'Portal-password-1';
let ipCounter = 10;
/** Each visitor gets its own address, so that per-client limits don't meet between tests. */
const visitor = () => new PortalClient(t.app, `10.1.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The CSRF token of the first form on a page. */
function csrfOf(res: LightMyRequestResponse): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (!m?.[1]) throw new Error(`no _csrf field on the page (status ${res.statusCode})`);
  return m[1];
}

const expectHtml = (res: LightMyRequestResponse, status: number) => {
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.body.startsWith('<!doctype html>')).toBe(true);
};

const dataCode = (res: LightMyRequestResponse) => [...res.body.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1]);

async function setSetting(name: string, value: string) {
  const r = await t.api('PUT', `site-settings/${encodeURIComponent(name)}`, { body: { value } });
  expect(r.statusCode).toBe(200);
}

/** Runs `fn` with a site setting changed, and puts the default back afterwards. */
async function withSetting(name: string, value: string, fn: () => Promise<void>) {
  const before = (await t.api('GET', `site-settings/${encodeURIComponent(name)}`)).json().value as string;
  await setSetting(name, value);
  try {
    await fn();
  } finally {
    await setSetting(name, before);
  }
}

async function contact(body: Record<string, unknown> = {}) {
  const r = await t.api('POST', 'contacts', {
    body: { firstName: 'Pia', lastName: 'Portal', emailaddress1: `pia.${newId()}@example.com`, ...body },
  });
  expect(r.statusCode).toBe(201);
  return r.json();
}

/** A contact with a confirmed email and a password (not signed in). */
async function contactWithAccount(body: Record<string, unknown> = {}) {
  const c = await contact(body);
  expect((await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } })).statusCode).toBeLessThan(
    300,
  );
  await t.ctx.db.updateTable('contacts').set({ email_confirmed: 1 }).where('id', '=', c.id).execute();
  return c;
}

/** Signs a contact in through the sign-in page. */
async function signInThroughPage(c: { emailaddress1: string }, client = visitor()) {
  const form = await client.get('/portal/sign-in');
  const r = await client.request('POST', '/portal/sign-in', {
    form: { _csrf: csrfOf(form), login: c.emailaddress1, password: PASSWORD },
  });
  expect(r.statusCode, r.body.slice(0, 1000)).toBe(303);
  expect(r.headers.location).toBe('/portal/profile');
  return client;
}

async function invitation(body: Record<string, unknown>) {
  const r = await t.api('POST', 'invitations', { body: { name: 'Partner programme', ...body } });
  expect(r.statusCode).toBe(201);
  return r.json();
}

const invitationRow = (id: string) =>
  t.ctx.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const redemptionsOf = (invitationId: string) =>
  t.ctx.db.selectFrom('redemptions').selectAll().where('invitation_id', '=', invitationId).execute();
const countContacts = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the redeem page', () => {
  it('GET with a valid code shows who invites to what until when, and changes nothing', async () => {
    const inviter = await contact({ firstName: 'Ingrid', lastName: 'Inviter' });
    const account = (await t.api('POST', 'accounts', { body: { name: 'Northwind Traders' } })).json();
    const invitee = await contact();
    const expiresAt = new Date(Date.now() + 7 * 86400_000).toISOString();
    const inv = await invitation({
      name: 'Northwind partner portal',
      type: 'single',
      invitedContactIds: [invitee.id],
      inviterContactId: inviter.id,
      assignToAccountId: account.id,
      expiresAt,
    });
    const before = await invitationRow(inv.id);
    const client = visitor();
    for (let i = 0; i < 3; i++) {
      const r = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
      expectHtml(r, 200);
      expect(r.body).toContain('Northwind partner portal');
      expect(r.body).toContain('Ingrid Inviter');
      expect(r.body).toContain('Northwind Traders');
      expect(r.body).toContain(`datetime="${expiresAt}"`);
      // A visitor gets both classic choices, each carrying the code and the CSRF token.
      expect(r.body).toContain('I have an existing account');
      expect(r.body).toContain('action="/portal/sign-up"');
      expect(r.body).toContain('action="/portal/redeem/sign-in"');
      expect(r.body).toContain(`name="code" value="${inv.code}"`);
      expect(csrfOf(r)).toMatch(/\S{20,}/);
    }
    expect(await invitationRow(inv.id)).toEqual(before);
    expect(await redemptionsOf(inv.id)).toHaveLength(0);
  });

  it('the classic link /register?invitation=CODE (returnurl ignored) reaches the same page', async () => {
    const inv = await invitation({ name: 'Classic link invitation', type: 'group' });
    const client = visitor();
    const r = await client.get(
      `/register?returnurl=${encodeURIComponent('https://evil.example/')}&invitation=${encodeURIComponent(inv.code)}`,
    );
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const page = await client.get(r.headers.location as string);
    expectHtml(page, 200);
    expect(page.body).toContain('Classic link invitation');
    expect(page.body).not.toContain('evil.example');
    expect((await redemptionsOf(inv.id)).length).toBe(0);
  });

  it('without a code shows a form to type one (a GET form: looking changes nothing)', async () => {
    const r = await visitor().get('/portal/redeem');
    expectHtml(r, 200);
    expect(r.body).toMatch(/<form method="get" action="\/portal\/redeem"/);
    expect(r.body).toContain('name="code"');
  });

  it('sign-up through the redeem form with a single invitation signs in and redeems on the invited contact', async () => {
    const role = (await t.api('POST', 'web-roles', { body: { name: `Partners ${newId()}` } })).json();
    const account = (await t.api('POST', 'accounts', { body: { name: 'Tailspin Toys' } })).json();
    const invitee = await contact({ firstName: null, lastName: null, emailaddress1: `Invitee.${newId()}@Example.com` });
    const inv = await invitation({
      type: 'single',
      invitedContactIds: [invitee.id],
      webRoleIds: [role.id],
      assignToAccountId: account.id,
    });
    const contactsBefore = await countContacts();
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const r = await client.request('POST', '/portal/sign-up', {
      form: {
        _csrf: csrfOf(page),
        code: inv.code,
        email: invitee.emailaddress1.toLowerCase(),
        password: PASSWORD,
        firstName: 'Ida',
        lastName: 'Invitee',
      },
    });
    expect(r.statusCode, r.body.slice(0, 2000)).toBe(303);
    expect(r.headers.location).toBe('/portal/profile');

    // The invited contact got the identity; no second contact; the redemption's effects are there.
    expect(await countContacts()).toBe(contactsBefore);
    const row = await t.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.email_confirmed).toBe(1);
    expect(row.first_name).toBe('Ida');
    expect(row.parent_account_id).toBe(account.id);
    const roles = await t.ctx.db
      .selectFrom('contact_web_roles')
      .select('web_role_id')
      .where('contact_id', '=', invitee.id)
      .execute();
    expect(roles.map((x) => x.web_role_id)).toEqual([role.id]);
    expect(await invitationRow(inv.id)).toMatchObject({ status: 'redeemed', redemption_count: 1 });
    const redemptions = await redemptionsOf(inv.id);
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0]).toMatchObject({ contact_id: invitee.id, sign_in_method: 'local' });

    // Signed in: the profile shows the notice, the account and the role.
    const profile = await client.get('/portal/profile');
    expectHtml(profile, 200);
    expect(profile.body).toContain('data-notice="redeemed"');
    expect(profile.body).toContain('Tailspin Toys');
    expect(profile.body).toContain(role.name);
    expect(profile.body).toContain('Ida Invitee');
    // The notice is shown once.
    expect((await client.get('/portal/profile')).body).not.toContain('data-notice');
  });

  it('"I have an existing account": signs in and redeems in the same POST', async () => {
    const role = (await t.api('POST', 'web-roles', { body: { name: `Existing ${newId()}` } })).json();
    const existing = await contactWithAccount();
    const inv = await invitation({ type: 'group', webRoleIds: [role.id] });
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const r = await client.request('POST', '/portal/redeem/sign-in', {
      form: { _csrf: csrfOf(page), code: inv.code, login: existing.emailaddress1, password: PASSWORD },
    });
    expect(r.statusCode, r.body.slice(0, 2000)).toBe(303);
    expect(r.headers.location).toBe('/portal/profile');
    const redemptions = await redemptionsOf(inv.id);
    expect(redemptions.map((x) => x.contact_id)).toEqual([existing.id]);
    const profile = await client.get('/portal/profile');
    expectHtml(profile, 200);
    expect(profile.body).toContain(role.name);

    // Signed in, the page offers the plain "Redeem" button; a second redemption says why it cannot be.
    const again = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    expectHtml(again, 200);
    expect(again.body).toContain('action="/portal/redeem"');
    expect(again.body).not.toContain('I have an existing account');
    const second = await client.request('POST', '/portal/redeem', { form: { _csrf: csrfOf(again), code: inv.code } });
    expectHtml(second, 409);
    expect(dataCode(second)).toContain('already-redeemed-by-contact');
    expect(await redemptionsOf(inv.id)).toHaveLength(1);
  });

  it('a wrong password on "I have an existing account" is a 401 page that redeems nothing', async () => {
    const existing = await contactWithAccount();
    const inv = await invitation({ type: 'group' });
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const r = await client.request('POST', '/portal/redeem/sign-in', {
      form: { _csrf: csrfOf(page), code: inv.code, login: existing.emailaddress1, password: 'Wrong-password-9' },
    });
    expectHtml(r, 401);
    expect(dataCode(r)).toContain('unauthorized');
    expect(r.body).toContain(existing.emailaddress1);
    expect(r.body).not.toContain('Wrong-password-9');
    expect(await redemptionsOf(inv.id)).toHaveLength(0);
  });

  it("an expired code's page has status 410 and the code invitation-expired", async () => {
    const inv = await invitation({ type: 'group', expiresAt: new Date(Date.now() + 86400_000).toISOString() });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('id', '=', inv.id)
      .execute();
    const r = await visitor().get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    expectHtml(r, 410);
    expect(dataCode(r)).toContain('invitation-expired');
    expect(r.body).toContain('The invitation has expired');
    const da = await visitor().get(`/portal/redeem?code=${encodeURIComponent(inv.code)}&lang=da`);
    expectHtml(da, 410);
    expect(da.body).toContain('Invitationen er udløbet');
  });

  it('an unknown code is 404 invitation-not-found; past the per-client limit every lookup is 429 rate-limited', async () => {
    await withSetting('Authentication/RateLimit/InvitationCodes/Count', '2', async () => {
      const client = visitor();
      for (let i = 0; i < 2; i++) {
        const r = await client.get(`/portal/redeem?code=NOPE-${i}`);
        expectHtml(r, 404);
        expect(dataCode(r)).toContain('invitation-not-found');
      }
      const limited = await client.get('/portal/redeem?code=NOPE-X');
      expectHtml(limited, 429);
      expect(dataCode(limited)).toContain('rate-limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  it('a form POST without or with a wrong _csrf is a 403 csrf-invalid page and changes nothing', async () => {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id] });
    const before = await invitationRow(inv.id);
    const contactsBefore = await countContacts();
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const form = { code: inv.code, email: invitee.emailaddress1, password: PASSWORD };
    const extras: Array<Record<string, string>> = [{}, { _csrf: 'not-the-token' }, { _csrf: `${csrfOf(page)}x` }];
    for (const extra of extras) {
      const r = await client.request('POST', '/portal/sign-up', { form: { ...form, ...extra } });
      expectHtml(r, 403);
      expect(dataCode(r)).toContain('csrf-invalid');
      expect(r.body).toContain('The form has expired');
    }
    const existing = await contactWithAccount();
    const signIn = await client.request('POST', '/portal/redeem/sign-in', {
      form: { code: inv.code, login: existing.emailaddress1, password: PASSWORD },
    });
    expectHtml(signIn, 403);
    expect(dataCode(signIn)).toContain('csrf-invalid');
    expect(await invitationRow(inv.id)).toEqual(before);
    expect(await countContacts()).toBe(contactsBefore + 1);
    const row = await t.ctx.db
      .selectFrom('contacts')
      .select(['password_hash'])
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    // Not signed in by the refused sign-in either.
    expect((await client.get('/portal/profile')).statusCode).toBe(303);
    // A token from another visitor's session does not pass either.
    const other = visitor();
    const otherPage = await other.get('/portal/sign-in');
    const cross = await client.request('POST', '/portal/sign-in', {
      form: { _csrf: csrfOf(otherPage), login: existing.emailaddress1, password: PASSWORD },
    });
    expectHtml(cross, 403);
  });

  it('with InvitationEnabled "false" the redeem page and /register are 404', async () => {
    const inv = await invitation({ type: 'group' });
    await withSetting('Authentication/Registration/InvitationEnabled', 'false', async () => {
      for (const url of [
        '/portal/redeem',
        `/portal/redeem?code=${encodeURIComponent(inv.code)}`,
        `/register?invitation=${encodeURIComponent(inv.code)}`,
      ]) {
        const r = await visitor().get(url);
        expectHtml(r, 404);
        expect(dataCode(r)).toContain('not-found');
        expect(r.body).not.toContain('Partner programme');
      }
      const client = visitor();
      const form = await client.get('/portal/sign-in');
      const post = await client.request('POST', '/portal/sign-up', {
        form: { _csrf: csrfOf(form), code: inv.code, email: `x.${newId()}@example.com`, password: PASSWORD },
      });
      expectHtml(post, 404);
    });
    expectHtml(await visitor().get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`), 200);
  });
});

describe('language', () => {
  it('?lang=da shows Danish, and so does Accept-Language: da; ?lang= wins over the header', async () => {
    const byQuery = await visitor().get('/portal/sign-in?lang=da');
    expectHtml(byQuery, 200);
    expect(byQuery.body).toContain('<html lang="da">');
    expect(byQuery.body).toContain('Glemt adgangskoden?');
    // Links keep the explicit choice.
    expect(byQuery.body).toContain('href="/portal/forgot-password?lang=da"');

    const byHeader = await visitor().get('/portal/sign-in', { 'accept-language': 'da-DK,da;q=0.9,en;q=0.5' });
    expectHtml(byHeader, 200);
    expect(byHeader.body).toContain('<html lang="da">');
    expect(byHeader.body).toContain('Log ind');

    const english = await visitor().get('/portal/sign-in?lang=en', { 'accept-language': 'da' });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Forgot your password?');
    expect((await visitor().get('/portal/sign-in')).body).toContain('<html lang="en">');
  });

  it("a signed-in contact's own locale comes before Accept-Language", async () => {
    const c = await contactWithAccount({ locale: 'da' });
    const client = await signInThroughPage(c);
    const r = await client.get('/portal/profile', { 'accept-language': 'en' });
    expectHtml(r, 200);
    expect(r.body).toContain('<html lang="da">');
    expect(r.body).toContain('Min profil');
    expect((await client.get('/portal/profile?lang=en')).body).toContain('My profile');
  });
});

describe('sign-up, sign-in and the site settings', () => {
  it('without a code and with open registration off, the sign-up page says it is by invitation only, and its POST is 403', async () => {
    const client = visitor();
    const page = await client.get('/portal/sign-up');
    expectHtml(page, 200);
    expect(page.body).toContain('data-signup="invitation-only"');
    expect(page.body).toContain('Sign-up is by invitation only');
    expect(page.body).not.toContain('name="password"');
    const before = await countContacts();
    const r = await client.request('POST', '/portal/sign-up', {
      form: {
        _csrf: csrfOf(await client.get('/portal/sign-in')),
        email: `open.${newId()}@example.com`,
        password: PASSWORD,
      },
    });
    expectHtml(r, 403);
    expect(dataCode(r)).toContain('registration-closed');
    expect(await countContacts()).toBe(before);
  });

  it('with open registration on, sign-up without a code sends a confirmation; the GET link only shows a button; the POST confirms and signs in', async () => {
    await withSetting('Authentication/Registration/OpenRegistrationEnabled', 'true', async () => {
      const client = visitor();
      const page = await client.get('/portal/sign-up');
      expect(page.body).toContain('data-signup="open"');
      const email = `open.${newId()}@example.com`;
      const weak = await client.request('POST', '/portal/sign-up', {
        form: { _csrf: csrfOf(page), email, password: 'short' },
      });
      expectHtml(weak, 422);
      expect(dataCode(weak)).toContain('validation-failed');
      expect(weak.body).toContain('at least 10 characters');
      expect(weak.body).toContain(`value="${email}"`);

      const r = await client.request('POST', '/portal/sign-up', {
        form: { _csrf: csrfOf(page), email, password: PASSWORD, firstName: 'Olga' },
      });
      expectHtml(r, 200);
      expect(r.body).toContain('data-outcome="confirmation-sent"');
      const created = await t.ctx.db
        .selectFrom('contacts')
        .selectAll()
        .where('emailaddress1', '=', email)
        .executeTakeFirstOrThrow();
      expect(created.email_confirmed).toBe(0);

      const mail = await t.ctx.db
        .selectFrom('emails')
        .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
        .select('email_bodies.text')
        .where('to_contact_id', '=', created.id)
        .executeTakeFirstOrThrow();
      const link = /http:\/\/localhost:3000(\/portal\/confirm-email\?token=[A-Za-z0-9_-]+)/.exec(
        mail.text,
      )?.[1] as string;
      expect(link).toBeDefined();
      // Opening the link (as a mail scanner would) changes nothing.
      const scanner = visitor();
      for (let i = 0; i < 2; i++) {
        const shown = await scanner.get(link);
        expectHtml(shown, 200);
        expect(shown.body).toContain('Confirm my email address');
      }
      const tokenRow = await t.ctx.db
        .selectFrom('contact_tokens')
        .select('used_at')
        .where('contact_id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(tokenRow.used_at).toBeNull();

      const shown = await client.get(link);
      const token = new URL(link, 'http://x').searchParams.get('token') as string;
      const confirmed = await client.request('POST', '/portal/confirm-email', {
        form: { _csrf: csrfOf(shown), token },
      });
      expect(confirmed.statusCode, confirmed.body.slice(0, 1000)).toBe(303);
      expect(confirmed.headers.location).toBe('/portal/profile');
      const profile = await client.get('/portal/profile');
      expectHtml(profile, 200);
      expect(profile.body).toContain('data-notice="confirmed"');
      expect(profile.body).toContain('Olga');
      expect(
        (
          await t.ctx.db
            .selectFrom('contacts')
            .select('email_confirmed')
            .where('id', '=', created.id)
            .executeTakeFirstOrThrow()
        ).email_confirmed,
      ).toBe(1);

      // The link works once.
      const reused = await scanner.request('POST', '/portal/confirm-email', {
        form: { _csrf: csrfOf(await scanner.get(link)), token },
      });
      expectHtml(reused, 404);
      expect(dataCode(reused)).toContain('not-found');
    });
  });

  it('a confirmation whose pending redemption can no longer be made confirms, signs in and shows the redemptionProblem', async () => {
    const inv = await invitation({ type: 'group', binding: 'email-domain', allowedDomains: ['bound.example'] });
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const email = `bound.${newId()}@bound.example`;
    const r = await client.request('POST', '/portal/sign-up', {
      form: { _csrf: csrfOf(page), code: inv.code, email, password: PASSWORD },
    });
    expectHtml(r, 200);
    expect(r.body).toContain('data-outcome="confirmation-sent"');
    const created = await t.ctx.db
      .selectFrom('contacts')
      .select('id')
      .where('emailaddress1', '=', email)
      .executeTakeFirstOrThrow();
    expect(await redemptionsOf(inv.id)).toHaveLength(0);
    // Meanwhile staff deactivate the invitation.
    expect((await t.api('POST', `invitations/${inv.id}/deactivate`)).statusCode).toBe(200);
    const mail = await t.ctx.db
      .selectFrom('emails')
      .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
      .select('email_bodies.text')
      .where('to_contact_id', '=', created.id)
      .executeTakeFirstOrThrow();
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] as string;
    const shown = await client.get(`/portal/confirm-email?token=${token}`);
    const confirmed = await client.request('POST', '/portal/confirm-email', { form: { _csrf: csrfOf(shown), token } });
    expect(confirmed.statusCode).toBe(303);
    const profile = await client.get('/portal/profile');
    expectHtml(profile, 200);
    expect(dataCode(profile)).toContain('invitation-inactive');
    expect(profile.body).toContain('could not be redeemed');
    expect(await redemptionsOf(inv.id)).toHaveLength(0);
  });

  it('with LocalLoginEnabled "false" the local forms are hidden', async () => {
    const inv = await invitation({ type: 'group' });
    await withSetting('Authentication/Registration/LocalLoginEnabled', 'false', async () => {
      const signIn = await visitor().get('/portal/sign-in');
      expectHtml(signIn, 200);
      expect(signIn.body).not.toContain('name="password"');
      expect(signIn.body).toContain('not available');
      const redeem = await visitor().get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
      expectHtml(redeem, 200);
      expect(redeem.body).toContain('Partner programme');
      expect(redeem.body).not.toContain('name="password"');
      expect((await visitor().get('/portal/sign-up')).body).not.toContain('name="password"');
    });
  });

  it('sign-in sends to a safe next page only; sign-out ends the session', async () => {
    const c = await contactWithAccount();
    const client = visitor();
    const form = await client.get('/portal/sign-in?next=/portal/pages/x');
    expect(form.body).toContain('name="next" value="/portal/pages/x"');
    const r = await client.request('POST', '/portal/sign-in', {
      form: { _csrf: csrfOf(form), login: c.emailaddress1, password: PASSWORD, next: '//evil.example/x' },
    });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/portal/profile');
    const profile = await client.get('/portal/profile');
    expectHtml(profile, 200);
    const out = await client.request('POST', '/portal/sign-out', { form: { _csrf: csrfOf(profile) } });
    expect(out.statusCode).toBe(303);
    expect((await client.get('/portal/profile')).statusCode).toBe(303);
  });

  it('forgot and reset password: the same answer for any address; the emailed link sets a new password once', async () => {
    const c = await contactWithAccount();
    const client = visitor();
    const form = await client.get('/portal/forgot-password');
    const unknown = await client.request('POST', '/portal/forgot-password', {
      form: { _csrf: csrfOf(form), email: `nobody.${newId()}@example.com` },
    });
    const known = await client.request('POST', '/portal/forgot-password', {
      form: { _csrf: csrfOf(form), email: c.emailaddress1 },
    });
    expectHtml(unknown, 200);
    expectHtml(known, 200);
    expect(unknown.body).toContain('data-outcome="reset-requested"');
    expect(known.body).toContain('data-outcome="reset-requested"');
    const mail = await t.ctx.db
      .selectFrom('emails')
      .innerJoin('email_bodies', 'email_bodies.email_id', 'emails.id')
      .select('email_bodies.text')
      .where('to_contact_id', '=', c.id)
      .executeTakeFirstOrThrow();
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] as string;
    const page = await client.get(`/portal/reset-password?token=${token}`);
    expectHtml(page, 200);
    const weak = await client.request('POST', '/portal/reset-password', {
      form: { _csrf: csrfOf(page), token, password: 'short' },
    });
    expectHtml(weak, 422);
    const done = await client.request('POST', '/portal/reset-password', {
      form: { _csrf: csrfOf(page), token, password: 'Another-password-2' },
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/portal/sign-in');
    const signIn = await client.get('/portal/sign-in');
    expect(signIn.body).toContain('data-notice="password-reset"');
    const ok = await client.request('POST', '/portal/sign-in', {
      form: { _csrf: csrfOf(signIn), login: c.emailaddress1, password: 'Another-password-2' },
    });
    expect(ok.statusCode).toBe(303);
    const again = await client.request('POST', '/portal/reset-password', {
      form: { _csrf: csrfOf(await client.get('/portal/profile')), token, password: 'Third-password-3' },
    });
    expectHtml(again, 404);
  });
});

describe('content pages', () => {
  it('a page limited to a role: visitors are offered sign-in (401), a contact without it gets 403, with it 200', async () => {
    const role = (await t.api('POST', 'web-roles', { body: { name: `Resellers ${newId()}` } })).json();
    const slug = `resellers/price-list-${newId().slice(-8)}`;
    const created = await t.api('POST', 'content-pages', {
      body: {
        slug,
        title: 'Price list',
        body: '<p>Hello {{ user.firstName }}, this is {{ page.title }}.</p>',
        webRoleIds: [role.id],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      slug,
      webRoleIds: [role.id],
      url: `http://localhost:3000/portal/pages/${slug}`,
    });

    const anonymous = await visitor().get(`/portal/pages/${slug}`);
    expectHtml(anonymous, 401);
    expect(dataCode(anonymous)).toContain('unauthorized');
    expect(anonymous.body).toContain(`href="/portal/sign-in?next=${encodeURIComponent(`/portal/pages/${slug}`)}"`);
    expect(anonymous.body).not.toContain('Hello');

    const c = await contactWithAccount({ firstName: '<b>Zed</b>' });
    const client = await signInThroughPage(c);
    const denied = await client.get(`/portal/pages/${slug}`);
    expectHtml(denied, 403);
    expect(dataCode(denied)).toContain('forbidden');
    expect(denied.body).toContain('You do not have access to this page');
    expect(denied.body).not.toContain('Hello');

    expect((await t.api('PATCH', `contacts/${c.id}`, { body: { webRoleIds: [role.id] } })).statusCode).toBe(200);
    const open = await client.get(`/portal/pages/${slug}`);
    expectHtml(open, 200);
    // The Liquid output is escaped: the contact's name is text, never markup.
    expect(open.body).toContain('<p>Hello &lt;b&gt;Zed&lt;/b&gt;, this is Price list.</p>');
    // And it is listed on the home page for this contact, not for a visitor.
    expect((await client.get('/portal')).body).toContain(`href="/portal/pages/${slug}"`);
    expect((await visitor().get('/portal')).body).not.toContain(`href="/portal/pages/${slug}"`);
  });

  it('the authenticated-users role opens a page for every signed-in contact', async () => {
    const role = (
      await t.api('POST', 'web-roles', { body: { name: `Authenticated ${newId()}`, authenticatedUsersRole: true } })
    ).json();
    const slug = `members-${newId().slice(-8)}`;
    expect(
      (
        await t.api('POST', 'content-pages', {
          body: { slug, title: 'Members', body: 'For members', webRoleIds: [role.id] },
        })
      ).statusCode,
    ).toBe(201);
    expectHtml(await visitor().get(`/portal/pages/${slug}`), 401);
    const c = await contactWithAccount();
    const roles = await t.ctx.db
      .selectFrom('contact_web_roles')
      .select('web_role_id')
      .where('contact_id', '=', c.id)
      .execute();
    expect(roles).toEqual([]);
    const open = await (await signInThroughPage(c)).get(`/portal/pages/${slug}`);
    expectHtml(open, 200);
    expect(open.body).toContain('For members');
  });

  it('a public page opens for anyone; an unknown slug is a 404 page', async () => {
    const slug = `help-${newId().slice(-8)}`;
    expect(
      (
        await t.api('POST', 'content-pages', {
          body: { slug, title: 'Help', body: '{% if user %}Hi{% else %}Welcome, guest{% endif %}' },
        })
      ).statusCode,
    ).toBe(201);
    const r = await visitor().get(`/portal/pages/${slug}`);
    expectHtml(r, 200);
    expect(r.body).toContain('Welcome, guest');
    const missing = await visitor().get('/portal/pages/no/such/page');
    expectHtml(missing, 404);
    expect(dataCode(missing)).toContain('not-found');
  });
});

describe('content pages API', () => {
  it('creates, reads, lists, patches and deletes a page', async () => {
    const role = (await t.api('POST', 'web-roles', { body: { name: `Api pages ${newId()}` } })).json();
    const slug = `about-${newId().slice(-8)}`;
    const created = await t.api('POST', 'content-pages', {
      token: t.staffToken,
      body: { slug, title: 'About', body: 'About us' },
    });
    expect(created.statusCode).toBe(201);
    const page = created.json();
    expect(page).toMatchObject({ slug, title: 'About', body: 'About us', webRoleIds: [] });
    expect((await t.api('GET', `content-pages/${page.id}`)).json()).toEqual(page);
    expect((await t.api('GET', `content-pages?slug=${slug}`)).json().items.map((p: { id: string }) => p.id)).toEqual([
      page.id,
    ]);

    const patched = await t.api('PATCH', `content-pages/${page.id}`, {
      body: { title: 'About us', webRoleIds: [role.id] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: page.id, title: 'About us', webRoleIds: [role.id] });
    const links = await t.ctx.db
      .selectFrom('content_page_web_roles')
      .selectAll()
      .where('content_page_id', '=', page.id)
      .execute();
    expect(links.map((l) => l.web_role_id)).toEqual([role.id]);
    // A role a page requires cannot be deleted.
    expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(409);

    expect((await t.api('DELETE', `content-pages/${page.id}`)).statusCode).toBe(204);
    expect((await t.api('GET', `content-pages/${page.id}`)).statusCode).toBe(404);
    expect(
      await t.ctx.db.selectFrom('content_page_web_roles').selectAll().where('content_page_id', '=', page.id).execute(),
    ).toEqual([]);
    expect((await t.api('DELETE', `web-roles/${role.id}`)).statusCode).toBe(204);
  });

  it('refuses a bad slug, bad Liquid, an unknown role (422 naming the field) and a duplicate slug (409), saving nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('content_pages')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const slug of ['Upper', 'with space', '/leading', 'trailing/', 'double//slash', 'dot.s', '']) {
      const r = await t.api('POST', 'content-pages', { body: { slug, title: 'X' } });
      expect(r.statusCode, slug).toBe(422);
      expect(r.json().errors.map((e: { field: string }) => e.field)).toContain('slug');
    }
    const liquid = await t.api('POST', 'content-pages', {
      body: { slug: `bad-liquid-${newId().slice(-6)}`, title: 'X', body: '{% if user %}never closed' },
    });
    expect(liquid.statusCode).toBe(422);
    expect(liquid.json().errors[0].field).toBe('body');
    const unknownFilter = await t.api('POST', 'content-pages', {
      body: { slug: `bad-filter-${newId().slice(-6)}`, title: 'X', body: '{{ user | no_such_filter }}' },
    });
    expect(unknownFilter.statusCode).toBe(422);
    expect(unknownFilter.json().errors[0].field).toBe('body');
    const role = await t.api('POST', 'content-pages', {
      body: { slug: `no-role-${newId().slice(-6)}`, title: 'X', webRoleIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(role.statusCode).toBe(422);
    expect(role.json().errors[0].field).toBe('webRoleIds');
    const unknownField = await t.api('POST', 'content-pages', {
      body: { slug: `extra-${newId().slice(-6)}`, title: 'X', layout: 'wide' },
    });
    expect(unknownField.statusCode).toBe(422);
    expect(await count()).toBe(before);

    const slug = `dup-${newId().slice(-8)}`;
    expect((await t.api('POST', 'content-pages', { body: { slug, title: 'First' } })).statusCode).toBe(201);
    const dup = await t.api('POST', 'content-pages', { body: { slug, title: 'Second' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('conflict');
    expect(dup.json().detail).toContain(slug);
    const other = (await t.api('POST', 'content-pages', { body: { slug: `${slug}-b`, title: 'Other' } })).json();
    const rename = await t.api('PATCH', `content-pages/${other.id}`, { body: { slug } });
    expect(rename.statusCode).toBe(409);
    const badPatch = await t.api('PATCH', `content-pages/${other.id}`, { body: { body: '{{ unclosed' } });
    expect(badPatch.statusCode).toBe(422);
    expect((await t.api('GET', `content-pages/${other.id}`)).json()).toMatchObject({ slug: `${slug}-b`, body: '' });
  });

  it('refuses include, render and layout (a page cannot read files), 422 naming body', async () => {
    for (const body of ["{% include 'package.json' %}", "{%- render 'src/config.ts' -%}", "{% layout 'x' %}"]) {
      const r = await t.api('POST', 'content-pages', {
        body: { slug: `include-${newId().slice(-8)}`, title: 'Include', body },
      });
      expect(r.statusCode, body).toBe(422);
      expect(r.json().errors[0].field).toBe('body');
    }
  });
});
