// Issue 15, the invitee's experience, as route tests on both databases: the language order of a
// redemption's pages, error summaries (focus, field links, aria), "Send the link again", the help
// per refusal code from one dictionary in both languages, signed in as someone else, Site/Name and
// Site/ContactEmail in pages and emails, and the shipped templates' second edition (migration 0017).
import { describe, expect, it } from 'vitest';
import { mailAsSent } from '../../test/helpers/mail.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { csrfOf, dataCode, expectHtml, signInThroughPage, visitors } from '../../test/helpers/portal.ts';
import * as m0017 from '../db/migrations/0017_invitation_templates_site_name.ts';
import { newId } from '../shared/ids.ts';
import { dictionary } from './i18n.ts';

const t = useTestApp();
const PASSWORD = 'Portal-password-1';
const visitor = visitors(t, '10.15');
const make = factories(t, {
  contact: { firstName: 'Ivy', lastName: 'Invitee' },
  invitation: { name: 'Fabrikam club' },
});
const EN = { 'accept-language': 'en-GB,en;q=0.9' };
const langOf = (body: string) => /<html lang="(\w+)"/.exec(body)?.[1];
const redeemUrl = (code: string) => `/portal/redeem?code=${encodeURIComponent(code)}`;
const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const redemptions = async (invitationId: string) =>
  (await t.ctx.db.selectFrom('redemptions').select('id').where('invitation_id', '=', invitationId).execute()).length;

async function withSetting(name: string, value: string, fn: () => Promise<void>) {
  const before = (await t.api('GET', `site-settings/${encodeURIComponent(name)}`)).json().value as string;
  await make.setting(name, value);
  try {
    await fn();
  } finally {
    await make.setting(name, before);
  }
}

describe('the language follows the invitee', () => {
  it('a Danish contact invited without a locale gets a Danish redeem page in an English browser', async () => {
    const dane = await make.contact({ locale: 'da' });
    const inv = await make.invitation({ type: 'single', invitedContactIds: [dane.id] });
    const r = await visitor().get(redeemUrl(inv.code), EN);
    expectHtml(r, 200);
    expect(langOf(r.body)).toBe('da');
    expect(r.body).toContain(dictionary('da').redeem.existing);
  });

  it("the invitation's locale comes before the contact's; ?lang= is the visitor's choice now, and remembered", async () => {
    const dane = await make.contact({ locale: 'da' });
    const inv = await make.invitation({ type: 'single', invitedContactIds: [dane.id], locale: 'en' });
    const client = visitor();
    expect(langOf((await client.get(redeemUrl(inv.code), { 'accept-language': 'da' })).body)).toBe('en');
    expect(langOf((await client.get(`${redeemUrl(inv.code)}&lang=da`, EN)).body)).toBe('da');
    // Remembered: a page without an invitation, in an English browser, stays Danish.
    expect(langOf((await client.get('/portal/sign-in', EN)).body)).toBe('da');
    // …but the invitation's language still comes first on its own page.
    expect(langOf((await client.get(redeemUrl(inv.code), EN)).body)).toBe('en');
  });

  it('the signed-in contact comes before Accept-Language and the site; a group invitation has no invited contact', async () => {
    const me = await make.contactWithPassword(PASSWORD, { locale: 'da' });
    const client = await signInThroughPage(visitor(), me, PASSWORD);
    const group = await make.invitation({ type: 'group' });
    expect(langOf((await client.get(redeemUrl(group.code), EN)).body)).toBe('da');
    expect(langOf((await visitor().get(redeemUrl(group.code), EN)).body)).toBe('en');
    await withSetting('Site/DefaultLocale', 'da', async () => {
      expect(langOf((await visitor().get(redeemUrl(group.code))).body)).toBe('da');
    });
  });

  it('the classic links keep lang on their redirect', async () => {
    const inv = await make.invitation({ type: 'group' });
    const code = encodeURIComponent(inv.code);
    for (const path of [
      `/register?invitation=${code}&lang=da`,
      `/Account/Login/RedeemInvitation?InvitationCode=${code}&lang=da`,
      `/Account/Login/Register?invitationCode=${code}&LANG=da`,
    ]) {
      const r = await visitor().get(path);
      expect(r.statusCode).toBe(302);
      expect(r.headers.location).toBe(`/portal/redeem?code=${code}&lang=da`);
    }
  });

  it('the confirmation page opened from a Danish email is Danish in an English browser', async () => {
    const dane = await make.contact({ locale: 'da', firstName: null, lastName: null });
    const inv = await make.invitation({ type: 'single', invitedContactIds: [dane.id] });
    const client = visitor();
    const page = await client.get(redeemUrl(inv.code), EN);
    const other = `other.${newId()}@example.com`;
    const r = await client.request('POST', '/portal/sign-up', {
      headers: EN,
      form: { _csrf: csrfOf(page), code: inv.code, email: other, password: PASSWORD },
    });
    expectHtml(r, 200);
    expect(langOf(r.body)).toBe('da');
    const mail = await mailAsSent(t.ctx, { address: other });
    expect(mail.html).toContain('<html lang="da">');
    const link = /https?:\/\/[^\s"]+\/portal\/confirm-email\?token=[\w-]+/.exec(mail.text)?.[0] as string;
    const confirm = await visitor().get(link.slice(link.indexOf('/portal')), EN);
    expectHtml(confirm, 200);
    expect(langOf(confirm.body)).toBe('da');
    expect(confirm.body).toContain(dictionary('da').confirm.submit);
  });
});

describe('errors are seen where they happen', () => {
  it('a wrong password: the summary takes focus, links the field, and the field has aria-invalid and aria-describedby', async () => {
    const me = await make.contactWithPassword(PASSWORD);
    const inv = await make.invitation({ type: 'group' });
    const client = visitor();
    const page = await client.get(redeemUrl(inv.code), EN);
    expect(page.body).toContain('<main id="main" tabindex="-1"');
    expect(page.body).toContain('href="#sign-in"');
    const r = await client.request('POST', '/portal/redeem/sign-in', {
      headers: EN,
      form: { _csrf: csrfOf(page), code: inv.code, login: me.emailaddress1, password: 'Wrong-password-1' },
    });
    expectHtml(r, 401);
    expect(r.body).toMatch(
      /<div class="notice problem" role="alert" data-code="unauthorized" data-error-summary tabindex="-1" autofocus/,
    );
    expect(r.body).toContain('<a href="#signin-password">');
    expect(r.body).toMatch(/id="signin-password"[^>]*aria-invalid="true" aria-describedby="signin-password-error"/);
    expect(r.body).not.toContain(dictionary('en').signInFirst.title);
    expect(r.body).toContain(dictionary('en').errors.unauthorized.title);
    // Only one autofocus on the page: the summary.
    expect(r.body.match(/autofocus/g)).toHaveLength(1);
    expect(await redemptions(inv.id)).toBe(0);
  });

  it('a sign-up error names each field with a link to it; a single invitation prefills the invited address', async () => {
    const invited = await make.contact();
    const inv = await make.invitation({ type: 'single', invitedContactIds: [invited.id] });
    const client = visitor();
    const page = await client.get(redeemUrl(inv.code), EN);
    expect(page.body).toMatch(new RegExp(`id="signup-email"[^>]*value="${invited.emailaddress1}"`));
    const r = await client.request('POST', '/portal/sign-up', {
      headers: EN,
      form: { _csrf: csrfOf(page), code: inv.code, email: 'not-an-address', password: 'short' },
    });
    expectHtml(r, 422);
    expect(r.body).toContain('<a href="#signup-email">');
    expect(r.body).toContain('<a href="#signup-password">');
    expect(r.body).toMatch(/id="signup-email"[^>]*aria-invalid="true" aria-describedby="signup-email-error"/);
    expect(r.body).toContain('data-error-summary ');
  });
});

describe('no dead ends', () => {
  it('a staff-set password marks nothing; sign-in offers "Send the link again", whose link confirms', async () => {
    const c = await make.contact();
    expect((await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } })).statusCode).toBe(204);
    expect((await t.api('GET', `contacts/${c.id}`)).json().emailConfirmed).toBe(false);
    const client = visitor();
    const page = await client.get('/portal/sign-in', EN);
    const refused = await client.request('POST', '/portal/sign-in', {
      headers: EN,
      form: { _csrf: csrfOf(page), login: c.emailaddress1, password: PASSWORD },
    });
    expectHtml(refused, 403);
    expect(refused.body).toContain('action="/portal/confirm-email/resend"');
    expect(refused.body).toContain(dictionary('en').signIn.resendSubmit);
    const sent = await client.request('POST', '/portal/confirm-email/resend', {
      headers: EN,
      form: { _csrf: csrfOf(page), login: c.emailaddress1 },
    });
    const unknown = await client.request('POST', '/portal/confirm-email/resend', {
      headers: EN,
      form: { _csrf: csrfOf(page), login: `nobody.${newId()}@example.com` },
    });
    expectHtml(sent, 200);
    expectHtml(unknown, 200);
    const answer = (b: string) => /data-notice="link-resent">([^<]+)</.exec(b)?.[1];
    expect(answer(sent.body)).toBe(dictionary('en').signIn.resendSent);
    expect(answer(unknown.body)).toBe(answer(sent.body));
    const mail = await mailAsSent(t.ctx, { address: c.emailaddress1 });
    const token = /confirm-email\?token=([\w-]+)/.exec(mail.text)?.[1] as string;
    const confirmPage = await client.get(`/portal/confirm-email?token=${token}`);
    const confirmed = await client.request('POST', '/portal/confirm-email', {
      form: { _csrf: csrfOf(confirmPage), token },
    });
    expect(confirmed.statusCode).toBe(303);
    expect((await t.api('GET', `contacts/${c.id}`)).json().emailConfirmed).toBe(true);
  });

  it('"Send the link again" is rate-limited per client', async () => {
    await withSetting('Authentication/RateLimit/SignIn/Count', '2', async () => {
      const client = visitor();
      const page = await client.get('/portal/sign-in');
      const send = () =>
        client.request('POST', '/portal/confirm-email/resend', {
          form: { _csrf: csrfOf(page), login: 'x@example.com' },
        });
      expect((await send()).statusCode).toBe(200);
      expect((await send()).statusCode).toBe(200);
      const third = await send();
      expectHtml(third, 429);
      expect(dataCode(third)).toContain('rate-limited');
    });
  });

  it('refusal pages carry the same help in both languages, from the dictionary, never a service detail', async () => {
    const inviter = await make.contact({ firstName: 'Ingrid', lastName: 'Inviter' });
    const contactEmail = `help.${newId()}@example.com`;
    const expired = await make.invitation({ type: 'group', inviterContactId: inviter.id });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', expired.id)
      .execute();
    const inactive = await make.invitation({ type: 'group', inviterContactId: inviter.id });
    await t.ctx.db.updateTable('invitations').set({ status: 'inactive' }).where('id', '=', inactive.id).execute();
    const full = await make.invitation({ type: 'group', maxRedemptions: 1, inviterContactId: inviter.id });
    await t.ctx.db.updateTable('invitations').set({ redemption_count: 1 }).where('id', '=', full.id).execute();
    const single = await make.invitation({ type: 'single', invitedContactIds: [(await make.contact()).id] });
    await t.ctx.db
      .updateTable('invitations')
      .set({ redemption_count: 1, status: 'redeemed' })
      .where('id', '=', single.id)
      .execute();
    await withSetting('Site/ContactEmail', contactEmail, async () => {
      const cases = [
        { code: expired.code, error: 'invitation-expired', help: 'contact', status: 410 },
        { code: inactive.code, error: 'invitation-inactive', help: 'contact' },
        { code: full.code, error: 'max-redemptions-reached', help: 'contact' },
        { code: single.code, error: 'invitation-redeemed', help: 'was-it-you' },
        { code: `NOPE-${newId().slice(0, 8)}`, error: 'invitation-not-found', help: 'check-code', status: 404 },
      ] as const;
      for (const c of cases) {
        const shown: Record<string, string[]> = {};
        for (const lang of ['en', 'da'] as const) {
          const r = await visitor().get(`${redeemUrl(c.code)}&lang=${lang}`);
          expect(r.statusCode).toBeGreaterThanOrEqual(400);
          if ('status' in c) expect(r.statusCode).toBe(c.status);
          const d = dictionary(lang);
          expect(dataCode(r)).toContain(c.error);
          expect(r.body).toContain(html(d.errors[c.error].body));
          expect(r.body).toContain(`data-help="${c.help}"`);
          if (c.help === 'contact') {
            expect(r.body).toContain(`mailto:${contactEmail}`);
            expect(r.body).toContain(html(d.help.invitedBy('Ingrid Inviter')));
          }
          if (c.help === 'check-code') expect(r.body).toContain('name="code"');
          if (c.help === 'was-it-you') expect(r.body).toContain('/portal/sign-in?next=%2Fportal%2Fprofile');
          shown[lang] = [...r.body.matchAll(/data-help="([^"]+)"/g)].map((m) => m[1] as string);
        }
        expect(shown.en).toEqual(shown.da);
      }
    });
    // A refusal never spends the invitation.
    expect(await redemptions(expired.id)).toBe(0);
  });

  it('signed in as someone else: both addresses, nothing redeemed until the explicit confirmation', async () => {
    const me = await make.contactWithPassword(PASSWORD);
    const invited = await make.contact();
    const inv = await make.invitation({ type: 'single', invitedContactIds: [invited.id] });
    const client = await signInThroughPage(visitor(), me, PASSWORD);
    const page = await client.get(redeemUrl(inv.code), EN);
    expectHtml(page, 200);
    expect(page.body).toContain('data-other-address');
    expect(page.body).toContain(`data-field="sent-to">${invited.emailaddress1}<`);
    expect(page.body).toContain(`data-field="signed-in-as">${me.emailaddress1}<`);
    expect(page.body).toContain(`name="next" value="${html(redeemUrl(inv.code))}"`);
    const unconfirmed = await client.request('POST', '/portal/redeem', {
      form: { _csrf: csrfOf(page), code: inv.code },
    });
    expectHtml(unconfirmed, 422);
    expect(await redemptions(inv.id)).toBe(0);
    const accepted = await client.request('POST', '/portal/redeem', {
      form: { _csrf: csrfOf(page), code: inv.code, confirmOther: 'yes' },
    });
    expect(accepted.statusCode).toBe(303);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redeemedContactIds).toEqual([me.id]);
  });

  it('"Sign out and continue" returns to the invitation; with an invited-email binding accepting is not offered', async () => {
    const me = await make.contactWithPassword(PASSWORD);
    const invited = await make.contact();
    const inv = await make.invitation({ type: 'single', invitedContactIds: [invited.id], binding: 'invited-email' });
    const client = await signInThroughPage(visitor(), me, PASSWORD);
    const page = await client.get(redeemUrl(inv.code), EN);
    expect(page.body).not.toContain('name="confirmOther"');
    expect(page.body).toContain(dictionary('en').redeem.other.onlyInvited);
    const out = await client.request('POST', '/portal/sign-out', {
      form: { _csrf: csrfOf(page), next: redeemUrl(inv.code) },
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe(redeemUrl(inv.code));
    const after = await client.get(redeemUrl(inv.code), EN);
    expect(after.body).toContain('action="/portal/redeem/sign-in"');
    expect(await redemptions(inv.id)).toBe(0);
  });
});

describe('Site/Name, Site/ContactEmail and the emails', () => {
  it('the pages and the portal emails name the portal; the default name is translated', async () => {
    const en = await visitor().get('/portal/sign-in', EN);
    expect(en.body).toContain('· Customer portal</title>');
    expect((await visitor().get('/portal/sign-in?lang=da')).body).toContain('· Kundeportal</title>');
    await withSetting('Site/Name', 'Fabrikam Partner Hub', async () => {
      const r = await visitor().get('/portal/sign-in?lang=da');
      expect(r.body).toContain('· Fabrikam Partner Hub</title>');
      const c = await make.contactWithPassword(PASSWORD, { locale: 'da' });
      const client = visitor();
      const page = await client.get('/portal/forgot-password');
      await client.request('POST', '/portal/forgot-password', {
        form: { _csrf: csrfOf(page), email: c.emailaddress1 },
      });
      const mail = await mailAsSent(t.ctx, { address: c.emailaddress1 });
      expect(mail.subject).toBe('Nulstil din adgangskode til Fabrikam Partner Hub');
      expect(mail.html).toMatch(/^<!doctype html>\n<html lang="da">/);
      expect(mail.html).toContain('<title>Nulstil din adgangskode til Fabrikam Partner Hub</title>');
    });
  });

  it('Site/Name and Site/ContactEmail are checked against their bounds', async () => {
    for (const [name, value] of [
      ['Site/Name', ''],
      ['Site/Name', 'x'.repeat(101)],
      ['Site/ContactEmail', 'not an address'],
    ] as const) {
      const r = await t.api('PUT', `site-settings/${encodeURIComponent(name)}`, { body: { value } });
      expect(r.statusCode, `${name}=${value}`).toBe(422);
    }
    await withSetting('Site/ContactEmail', '', async () => {});
  });

  it('the shipped invitation templates name the portal and the inviter, give the redeem page, and have lang and title', async () => {
    const wf = await t.ctx.db
      .selectFrom('workflows')
      .select('id')
      .where('key', '=', 'send-invitation')
      .executeTakeFirstOrThrow();
    const templates = (await t.api('GET', `email-templates?workflowId=${wf.id}`)).json().items as Array<{
      id: string;
      locale: string;
    }>;
    const inviter = await make.contact({ firstName: 'Ingrid', lastName: 'Inviter' });
    const invited = await make.contact();
    const inv = await make.invitation({
      type: 'single',
      invitedContactIds: [invited.id],
      inviterContactId: inviter.id,
    });
    await withSetting('Site/ContactEmail', 'help@fabrikam.example', async () => {
      for (const tpl of templates) {
        const r = await t.api('POST', `email-templates/${tpl.id}/preview`, {
          body: { invitationId: inv.id, contactId: invited.id },
        });
        expect(r.statusCode, r.body).toBe(200);
        const out = r.json();
        const site = tpl.locale === 'da' ? 'Kundeportal' : 'Customer portal';
        expect(out.subject).toContain(`Ingrid Inviter`);
        expect(out.subject).toContain(site);
        expect(out.html).toContain(`<html lang="${tpl.locale}">`);
        expect(out.html).toMatch(/<title>[^<]*Ingrid Inviter[^<]*<\/title>/);
        expect(out.html).toContain('/portal/redeem"');
        expect(out.html).toContain('white-space:nowrap');
        expect(out.html).toContain('mailto:help@fabrikam.example');
        expect(out.text).toMatch(/\/portal\/redeem[ ,]/);
      }
    });
  });

  it('migration 0017 updates a template only while it is exactly the shipped first edition', async () => {
    const wf = await t.ctx.db
      .selectFrom('workflows')
      .select('id')
      .where('key', '=', 'send-invitation')
      .executeTakeFirstOrThrow();
    const row = (locale: string) =>
      t.ctx.db
        .selectFrom('email_templates')
        .selectAll()
        .where('workflow_id', '=', wf.id)
        .where('locale', '=', locale)
        .executeTakeFirstOrThrow();
    const set = (locale: string, v: { subject: string; html: string; text: string }) =>
      t.ctx.db
        .updateTable('email_templates')
        .set(v)
        .where('workflow_id', '=', wf.id)
        .where('locale', '=', locale)
        .execute();
    const [en, da] = [await row('en'), await row('da')];
    expect(en.html).toBe(m0017.EN_HTML);
    expect(da.html).toBe(m0017.DA_HTML);
    try {
      await set('en', { subject: m0017.OLD_EN_SUBJECT, html: m0017.OLD_EN_HTML, text: m0017.OLD_EN_TEXT });
      await set('da', {
        subject: m0017.OLD_DA_SUBJECT,
        html: `${m0017.OLD_DA_HTML}<!-- edited -->`,
        text: m0017.OLD_DA_TEXT,
      });
      await m0017.up(t.ctx.db);
      expect((await row('en')).html).toBe(m0017.EN_HTML);
      expect((await row('da')).html).toBe(`${m0017.OLD_DA_HTML}<!-- edited -->`);
    } finally {
      await set('en', en);
      await set('da', da);
    }
  });
});
