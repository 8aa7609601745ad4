import { describe, expect, it } from 'vitest';
import { mailAsSent } from '../../test/helpers/mail.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { csrfOf, dataCode, expectHtml, signInThroughPage, visitors } from '../../test/helpers/portal.ts';
import { newId } from '../shared/ids.ts';

const t = useTestApp();
const PASSWORD = 'Portal-password-1';
const visitor = visitors(t, '10.1');
const make = factories(t, {
  contact: { firstName: 'Pia', lastName: 'Portal' },
  invitation: { name: 'Partner programme' },
});
const { contact, invitation, setting: setSetting } = make;
/** A contact with a confirmed email and a password (not signed in). */
const contactWithAccount = (body: Record<string, unknown> = {}) => make.contactWithPassword(PASSWORD, body);

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
    const account = await make.account({ name: 'Northwind Traders' });
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
    const role = await make.webRole({ name: `Partners ${newId()}` });
    const account = await make.account({ name: 'Tailspin Toys' });
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

  it('sign-up through the redeem form with another address leaves the invited contact as it is until the link is used, as the API does', async () => {
    const invitee = await contact({ emailaddress1: `Staff.${newId()}@Example.com` });
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id] });
    const rowOf = () =>
      t.ctx.db.selectFrom('contacts').selectAll().where('id', '=', invitee.id).executeTakeFirstOrThrow();
    const before = await rowOf();
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const newEmail = `typed.${newId()}@example.com`;
    const r = await client.request('POST', '/portal/sign-up', {
      form: { _csrf: csrfOf(page), code: inv.code, email: newEmail, password: PASSWORD },
    });
    expectHtml(r, 200);
    expect(r.body).toContain('data-outcome="confirmation-sent"');
    expect(await rowOf()).toEqual(before);
    expect(await redemptionsOf(inv.id)).toHaveLength(0);

    const mail = await mailAsSent(t.ctx, { address: newEmail });
    const token = /confirm-email\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] as string;
    const shown = await client.get(`/portal/confirm-email?token=${token}`);
    const confirmed = await client.request('POST', '/portal/confirm-email', { form: { _csrf: csrfOf(shown), token } });
    expect(confirmed.statusCode).toBe(303);
    expect(await rowOf()).toMatchObject({
      emailaddress1: newEmail,
      emailaddress2: invitee.emailaddress1,
      email_confirmed: 1,
    });
    expect(await redemptionsOf(inv.id)).toHaveLength(1);
    const profile = await client.get('/portal/profile');
    expectHtml(profile, 200);
    expect(profile.body).toContain('data-notice="confirmed-redeemed"');
  });

  it('"I have an existing account": signs in and redeems in the same POST', async () => {
    const role = await make.webRole({ name: `Existing ${newId()}` });
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
    const client = await signInThroughPage(visitor(), c, PASSWORD);
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

      const mail = await mailAsSent(t.ctx, { contactId: created.id });
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
    const mail = await mailAsSent(t.ctx, { contactId: created.id });
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
    const mail = await mailAsSent(t.ctx, { contactId: c.id });
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
