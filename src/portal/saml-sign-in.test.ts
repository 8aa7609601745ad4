// SAML 2.0 through the portal, against a test IdP on 127.0.0.1: the button's start, the IdP's
// auto-post form to the ACS (posted cross-site, so without the SameSite=Lax session cookie), the
// same-site continuation, and redemption of single and group invitations through it. Every refusal
// is a 400 page (403 for a binding), no session, nothing redeemed, the reason in the log.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { type PortalClient, csrfOf, dataCode, expectHtml, visitors } from '../../test/helpers/portal.ts';
import {
  type SamlResponseOptions,
  type SamlTestUser,
  TestSamlIdp,
  autoPostForm,
  samlId,
} from '../../test/helpers/saml-idp.ts';
import { pendingSignInAwaitingAnswer } from '../portal-auth/pending-sign-ins.ts';
import { newId } from '../shared/ids.ts';

const t = useTestApp({ captureLogs: true });
const visitor = visitors(t, '10.16');
const { contact, invitation } = factories(t, { contact: { firstName: 'Sam', lastName: 'Saml' } });
const idp = new TestSamlIdp();
let trusted = '';
let untrusted = '';

async function samlProvider(name: string, trustEmail: boolean): Promise<string> {
  const res = await t.api('POST', 'identity-providers', {
    body: {
      type: 'saml',
      name,
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      certificate: idp.certificatePem,
      trustEmail,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

beforeAll(async () => {
  await idp.start();
  trusted = await samlProvider('Corp SSO', true);
  untrusted = await samlProvider('Partner SSO', false);
});
afterAll(() => idp.close());

type Knobs = Partial<Omit<SamlResponseOptions, 'user'>>;
interface RoundTrip {
  start: LightMyRequestResponse;
  /** The ACS's form fields as the IdP's page posts them. */
  fields: Record<string, string>;
  acs: LightMyRequestResponse;
  /** The same-site continuation (when the ACS accepted). */
  done?: LightMyRequestResponse;
}

/** Posts the IdP's form to the ACS as a cross-site POST: no cookie, no CSRF token. */
const postAcs = (action: string, fields: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: new URL(action).pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://idp.test' },
    payload: new URLSearchParams(fields).toString(),
    remoteAddress: '10.16.250.1',
  });

/** Button → IdP (real HTTP) → ACS → continuation, as a browser goes; `code` redeems. */
async function roundTrip(
  client: PortalClient,
  providerId: string,
  user: SamlTestUser,
  options: { code?: string; knobs?: Knobs; stopAtAcs?: boolean; button?: boolean } = {},
): Promise<RoundTrip> {
  const page = await client.get(
    options.code ? `/portal/redeem?code=${encodeURIComponent(options.code)}` : '/portal/sign-in',
  );
  // The provider's button is on the page (unless the invitation names another method).
  if (options.button !== false) expect(page.body).toContain(`action="/portal/auth/saml/${providerId}/start"`);
  const form: Record<string, string> = { _csrf: csrfOf(page), intent: options.code ? 'redeem' : 'sign-in' };
  if (options.code) form.code = options.code;
  const start = await client.request('POST', `/portal/auth/saml/${providerId}/start`, { form });
  expect(start.statusCode, start.body.slice(0, 500)).toBe(303);
  const location = String(start.headers.location);
  expect(location.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
  idp.next = { user, ...options.knobs };
  const idpPage = await fetch(location);
  expect(idpPage.status).toBe(200);
  const { action, fields } = autoPostForm(await idpPage.text());
  const acs = await postAcs(action, fields);
  // Never a cookie from the ACS: it would replace the session cookie this POST did not carry.
  expect(acs.headers['set-cookie']).toBeUndefined();
  if (acs.statusCode !== 303 || options.stopAtAcs) return { start, fields, acs };
  expect(String(acs.headers.location)).toMatch(new RegExp(`^/portal/auth/saml/${providerId}/continue\\?state=`));
  return { start, fields, acs, done: await client.get(String(acs.headers.location)) };
}

const me = async (client: PortalClient) => (await client.get('/portal/api/me')).json();
const invitationOf = async (id: string) => (await t.api('GET', `invitations/${id}`)).json();
const loginsOf = (contactId: string) =>
  t.ctx.db.selectFrom('external_logins').selectAll().where('contact_id', '=', contactId).execute();
const logged = (text: string) => t.logs.some((line) => line.includes(text));

function expectRefused(res: LightMyRequestResponse, status = 400, code = 'external-sign-in-failed'): void {
  expectHtml(res, status);
  expect(dataCode(res)).toContain(code);
  expect(res.headers['set-cookie'] ?? '').not.toMatch(/portal_session=[^;]+;.*Max-Age=43200/);
}

describe('redemption through SAML', () => {
  it('redeems a single invitation: the external login goes on the invited contact', async () => {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id], binding: 'invited-email' });
    const client = visitor();
    const r = await roundTrip(
      client,
      trusted,
      { nameId: invitee.emailaddress1, attributes: { givenName: 'Sam' } },
      { code: inv.code },
    );
    expect(r.done?.statusCode, r.done?.body.slice(0, 800)).toBe(303);
    const after = await invitationOf(inv.id);
    expect(after.redeemedContactIds).toEqual([invitee.id]);
    expect((await me(client)).contact?.id ?? (await me(client)).contactId).toBe(invitee.id);
    const logins = await loginsOf(invitee.id);
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ provider_id: trusted, subject: invitee.emailaddress1 });
  });

  it('redeems a group invitation: a new contact from the assertion', async () => {
    const inv = await invitation({ type: 'group', maxRedemptions: 5 });
    const email = `group.${newId()}@example.com`;
    const client = visitor();
    const r = await roundTrip(
      client,
      trusted,
      { nameId: email, attributes: { givenName: 'Grete', sn: 'Gruppe' } },
      { code: inv.code },
    );
    expect(r.done?.statusCode, r.done?.body.slice(0, 800)).toBe(303);
    const after = await invitationOf(inv.id);
    expect(after.redemptionCount).toBe(1);
    const made = await t.ctx.db.selectFrom('contacts').selectAll().where('emailaddress1', '=', email).execute();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ first_name: 'Grete', last_name: 'Gruppe', email_confirmed: 1 });
    expect(after.redeemedContactIds).toEqual([made[0]!.id]);
  });
});

describe('a refused SAML sign-in: a page, no session, nothing redeemed', () => {
  /** A fresh single invitation, and after the attempt: nothing redeemed, nobody signed in. */
  async function attempt(knobs: Knobs, providerId = trusted, binding = 'any') {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id], binding });
    const client = visitor();
    const r = await roundTrip(client, providerId, { nameId: invitee.emailaddress1 }, { code: inv.code, knobs });
    const unchanged = async () => {
      expect((await invitationOf(inv.id)).redemptionCount).toBe(0);
      expect(await loginsOf(invitee.id)).toHaveLength(0);
      const who = await me(client);
      expect(who.contact ?? who.contactId ?? null).toBeNull();
    };
    return { r, client, inv, invitee, unchanged };
  }

  it('an unsigned response', async () => {
    const { r, unchanged } = await attempt({ sign: 'none' });
    expectRefused(r.acs);
    await unchanged();
    expect(logged('SAML response refused (signature)')).toBe(true);
  });

  it('a response tampered with after signing', async () => {
    const { r, unchanged } = await attempt({
      sign: 'both',
      tamper: (xml) => xml.replace(/(<saml:NameID[^>]*>)[^<]+/, '$1mallory@example.com'),
    });
    expectRefused(r.acs);
    await unchanged();
  });

  it('a replayed assertion: the same form posted again, and its id in a later response', async () => {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id] });
    const client = visitor();
    const first = await roundTrip(
      client,
      trusted,
      { nameId: invitee.emailaddress1 },
      { code: inv.code, stopAtAcs: true },
    );
    expect(first.acs.statusCode).toBe(303);
    // The same post again before the browser continued: the assertion was accepted once already.
    const again = await postAcs(`http://x/portal/auth/saml/${trusted}/acs`, first.fields);
    expectRefused(again);
    expect(logged('SAML response refused (replay)')).toBe(true);
    // The first one still finishes, once; a post after it finds its sign-in used.
    expect((await client.get(String(first.acs.headers.location))).statusCode).toBe(303);
    expect((await invitationOf(inv.id)).redeemedContactIds).toEqual([invitee.id]);
    expectRefused(await postAcs(`http://x/portal/auth/saml/${trusted}/acs`, first.fields));
    expectRefused(await client.get(String(first.acs.headers.location)));
    // An IdP presenting an assertion id it used before, for a new request.
    const reuse = samlId();
    const one = await attempt({ assertionId: reuse });
    expect(one.r.acs.statusCode).toBe(303);
    const two = await attempt({ assertionId: reuse });
    expectRefused(two.r.acs);
    await two.unchanged();
  });

  it('an assertion for another audience', async () => {
    const { r, unchanged } = await attempt({ audience: 'https://another-sp.test/metadata' });
    expectRefused(r.acs);
    await unchanged();
    expect(logged('SAML response refused (audience)')).toBe(true);
  });

  it('an expired assertion', async () => {
    const past = new Date(Date.now() - 10 * 60_000);
    const { r, unchanged } = await attempt({ notOnOrAfter: past, subjectNotOnOrAfter: past });
    expectRefused(r.acs);
    await unchanged();
    expect(logged('SAML response refused (time-window)')).toBe(true);
  });

  it('an unverified email (trustEmail off) where the binding needs one', async () => {
    const { r, unchanged } = await attempt({}, untrusted, 'invited-email');
    expect(r.acs.statusCode).toBe(303);
    expectRefused(r.done!, 403, 'binding-mismatch');
    await unchanged();
  });

  it('another method than the invitation names (signInProviderId)', async () => {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id], signInProviderId: trusted });
    const client = visitor();
    const page = await client.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    expect(page.body).toContain(`action="/portal/auth/saml/${trusted}/start"`);
    expect(page.body).not.toContain(`action="/portal/auth/saml/${untrusted}/start"`);
    // Through the other provider's start anyway (a new identity there): refused, nothing made.
    const r = await roundTrip(client, untrusted, { nameId: invitee.emailaddress1 }, { code: inv.code, button: false });
    expectRefused(r.done!, 403, 'sign-in-method-required');
    expect((await invitationOf(inv.id)).redemptionCount).toBe(0);
    expect(await loginsOf(invitee.id)).toHaveLength(0);
    const who = await me(client);
    expect(who.contact ?? who.contactId ?? null).toBeNull();
  });

  it('an IdP error', async () => {
    const { r, unchanged } = await attempt({ status: 'Responder', sign: 'response' });
    expectRefused(r.acs);
    await unchanged();
  });

  it('a response posted into another browser (login CSRF) signs no one in there', async () => {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id] });
    const attacker = visitor();
    const page = await attacker.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const start = await attacker.request('POST', `/portal/auth/saml/${trusted}/start`, {
      form: { _csrf: csrfOf(page), intent: 'redeem', code: inv.code },
    });
    idp.next = { user: { nameId: invitee.emailaddress1 } };
    const { action, fields } = autoPostForm(await (await fetch(String(start.headers.location))).text());
    const acs = await postAcs(action, fields);
    expect(acs.statusCode).toBe(303);
    const victim = visitor();
    await victim.start();
    expectRefused(await victim.get(String(acs.headers.location)));
    expect((await invitationOf(inv.id)).redemptionCount).toBe(0);
    expect((await me(victim)).contact ?? (await me(victim)).contactId ?? null).toBeNull();
  });

  it('an answer to no request of ours (unsolicited, or an unknown RelayState)', async () => {
    const body = idp.response({
      user: { nameId: 'x@example.com' },
      inResponseTo: null,
      acsUrl: `${t.ctx.config.publicUrl}/portal/auth/saml/${trusted}/acs`,
      audience: `${t.ctx.config.publicUrl}/portal/auth/saml/${trusted}/metadata`,
    });
    expectRefused(await postAcs(`http://x/portal/auth/saml/${trusted}/acs`, { SAMLResponse: body }));
    expectRefused(
      await postAcs(`http://x/portal/auth/saml/${trusted}/acs`, { SAMLResponse: body, RelayState: 'nope' }),
    );
  });
});

describe('the SAML addresses', () => {
  it('start needs the CSRF token; the ACS is the one exemption', async () => {
    const client = visitor();
    await client.start();
    const start = await client.request('POST', `/portal/auth/saml/${trusted}/start`, { form: { intent: 'sign-in' } });
    expectRefused(start, 403, 'csrf-invalid');
  });

  it('the ACS finds a pending request by its state alone: this provider’s, within its ten minutes', async () => {
    const client = visitor();
    const page = await client.get('/portal/sign-in');
    const start = await client.request('POST', `/portal/auth/saml/${trusted}/start`, {
      form: { _csrf: csrfOf(page), intent: 'sign-in' },
    });
    const state = new URL(String(start.headers.location)).searchParams.get('RelayState') ?? '';
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await pendingSignInAwaitingAnswer(t.ctx, { state, providerId: trusted })).toHaveProperty('createdAt');
    const later = new Date(Date.now() + 11 * 60_000);
    await expect(pendingSignInAwaitingAnswer(t.ctx, { state, providerId: trusted, now: later })).rejects.toMatchObject({
      reason: 'external-sign-in-expired',
    });
    await expect(pendingSignInAwaitingAnswer(t.ctx, { state, providerId: untrusted })).rejects.toMatchObject({
      reason: 'external-response-invalid',
    });
  });

  it('serves the SP metadata, for a disabled provider too, not for an unknown one', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/portal/auth/saml/${trusted}/metadata` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/samlmetadata+xml; charset=utf-8');
    const provider = (await t.api('GET', `identity-providers/${trusted}`)).json();
    expect(res.body).toContain(`entityID="${provider.spEntityId}"`);
    expect(res.body).toContain(`Location="${provider.acsUrl}"`);
    await t.api('PATCH', `identity-providers/${untrusted}`, { body: { enabled: false } });
    const off = await t.app.inject({ method: 'GET', url: `/portal/auth/saml/${untrusted}/metadata` });
    expect(off.statusCode).toBe(200);
    await t.api('PATCH', `identity-providers/${untrusted}`, { body: { enabled: true } });
    const unknown = await t.app.inject({ method: 'GET', url: `/portal/auth/saml/${newId()}/metadata` });
    expect(unknown.statusCode).toBe(404);
  });
});
