// Sign-in with OpenID Connect against a real issuer (oidc-provider on 127.0.0.1), the whole
// authorization-code flow with PKCE over HTTP: redeeming a single and a group invitation, linking
// on the profile, and the refusals (wrong state, wrong nonce, replay, an IdP error, an unverified
// email where the binding needs one, another method than the invitation's signInProviderId), each
// with a clear page, no session, and nothing created or redeemed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { startOidcProvider, type TestOidcProvider } from '../../../test/helpers/oidc-provider.ts';
import {
  type PortalClient,
  csrfOf,
  dataCode,
  expectHtml,
  signInThroughPage,
  visitors,
} from '../../../test/helpers/portal.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const f = factories(t);
const visitor = visitors(t, '10.16');
let idp: TestOidcProvider;
let providerA: string;
let providerB: string;

beforeAll(async () => {
  const make = async (name: string) => {
    const r = await t.api('POST', 'identity-providers', {
      body: { type: 'oidc', name, issuer: 'http://127.0.0.1:1/', clientId: 'x', clientSecret: 'y' },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; callbackUrl: string };
  };
  const a = await make('Contoso ID');
  const b = await make('Fabrikam ID');
  providerA = a.id;
  providerB = b.id;
  idp = await startOidcProvider({ redirectUris: [a.callbackUrl, b.callbackUrl] });
  for (const id of [providerA, providerB]) {
    const r = await t.api('PATCH', `identity-providers/${id}`, {
      body: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
    });
    expect(r.statusCode, r.body).toBe(200);
  }
});
afterAll(() => idp?.close());

/** An IdP user of its own per test (so tests never meet on an email). */
function user(verified: boolean, email = `u.${newId()}@example.com`): string {
  const login = `u-${newId()}`;
  idp.users[login] = { email, email_verified: verified, given_name: 'Eve', family_name: 'External' };
  return login;
}

async function start(client: PortalClient, provider: string, form: Record<string, string>) {
  const page = await client.get('/portal/sign-in');
  const res = await client.request('POST', `/portal/auth/oidc/${provider}/start`, {
    form: { _csrf: csrfOf(page), ...form },
  });
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  return new URL(res.headers.location as string);
}
const callback = (client: PortalClient, url: URL) => client.get(`${url.pathname}${url.search}`);

async function flow(client: PortalClient, login: string, form: Record<string, string>, provider = providerA) {
  const auth = await start(client, provider, form);
  const back = await idp.signIn(auth.href, login);
  expect(back.origin).toBe(t.ctx.config.publicUrl);
  return callback(client, back);
}

const me = async (client: PortalClient) => (await client.get('/portal/api/me')).json().contactId as string | null;
const loginsOf = (contactId: string) =>
  t.ctx.db.selectFrom('external_logins').selectAll().where('contact_id', '=', contactId).execute();
const redemptionsOf = (invitationId: string) =>
  t.ctx.db.selectFrom('redemptions').selectAll().where('invitation_id', '=', invitationId).execute();
const loginsOfSubject = (subject: string) =>
  t.ctx.db.selectFrom('external_logins').selectAll().where('subject', '=', subject).execute();

describe('OpenID Connect sign-in', () => {
  it('redeems a single invitation: the login goes on the invited contact, no second contact', async () => {
    const invited = await f.contact();
    const inv = await f.invitation({ invitedContactIds: [invited.id] });
    const login = user(true);
    const client = visitor();
    const auth = await start(client, providerA, { intent: 'redeem', code: inv.code });
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code')).toBeNull();
    expect(auth.href).not.toContain(inv.code);
    const res = await callback(client, await idp.signIn(auth.href, login));
    expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
    expect(res.headers.location).toBe('/portal/profile');
    expect(await me(client)).toBe(invited.id);
    expect((await loginsOf(invited.id)).map((l) => l.subject)).toEqual([login]);
    const [r] = await redemptionsOf(inv.id);
    expect(r).toMatchObject({ contact_id: invited.id, sign_in_method: `oidc:${providerA}` });
    const others = await t.ctx.db
      .selectFrom('contacts')
      .select('id')
      .where('emailaddress1', '=', idp.users[login]?.email as string)
      .execute();
    expect(others).toEqual([]);
    const profile = await client.get('/portal/profile');
    expect(profile.body).toContain('Contoso ID');
  });

  it('redeems a group invitation as a new contact with the verified email; the next sign-in finds it', async () => {
    const inv = await f.invitation({
      type: 'group',
      maxRedemptions: 5,
      binding: 'email-domain',
      allowedDomains: ['example.com'],
    });
    const login = user(true);
    const client = visitor();
    const res = await flow(client, login, { intent: 'redeem', code: inv.code });
    expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
    const contactId = (await me(client)) as string;
    const contact = await t.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', contactId)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ emailaddress1: idp.users[login]?.email, email_confirmed: 1, first_name: 'Eve' });
    expect((await redemptionsOf(inv.id)).map((r) => r.contact_id)).toEqual([contactId]);
    const again = visitor();
    expect((await flow(again, login, { intent: 'sign-in' })).statusCode).toBe(303);
    expect(await me(again)).toBe(contactId);
  });

  it('refuses a wrong state and a replayed callback: 400, no session, nothing redeemed', async () => {
    const inv = await f.invitation({ type: 'group' });
    const login = user(true);
    const client = visitor();
    const auth = await start(client, providerA, { intent: 'redeem', code: inv.code });
    const back = await idp.signIn(auth.href, login);
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state');
    const bad = await callback(client, forged);
    expectHtml(bad, 400);
    expect(dataCode(bad)).toContain('external-sign-in-failed');
    expect(await me(client)).toBeNull();
    expect(await redemptionsOf(inv.id)).toEqual([]);
    expect(await loginsOfSubject(login)).toEqual([]);

    // The real answer still works once; its replay does not.
    expect((await callback(client, back)).statusCode).toBe(303);
    const other = visitor();
    const replay = await callback(other, back);
    expectHtml(replay, 400);
    expect(await me(other)).toBeNull();
    const replaySame = await callback(client, back);
    expect(replaySame.statusCode).toBe(400);
    expect((await redemptionsOf(inv.id)).length).toBe(1);
  });

  it('refuses a wrong nonce (an ID token made for another pending sign-in)', async () => {
    const inv = await f.invitation({ type: 'group' });
    const login = user(true);
    const client = visitor();
    const first = await start(client, providerA, { intent: 'redeem', code: inv.code });
    const second = await start(client, providerA, { intent: 'redeem', code: inv.code });
    // The first request's nonce comes back under the second's state.
    const mixed = new URL(first);
    mixed.searchParams.set('state', second.searchParams.get('state') as string);
    const res = await callback(client, await idp.signIn(mixed.href, login));
    expectHtml(res, 400);
    expect(dataCode(res)).toContain('external-sign-in-failed');
    expect(await me(client)).toBeNull();
    expect(await redemptionsOf(inv.id)).toEqual([]);
    expect(await loginsOfSubject(login)).toEqual([]);
  });

  it('shows the provider’s error response as a failure page', async () => {
    const client = visitor();
    const auth = await start(client, providerA, { intent: 'sign-in' });
    const url = new URL(auth.searchParams.get('redirect_uri') as string);
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('state', auth.searchParams.get('state') as string);
    url.searchParams.set('iss', idp.issuer);
    const res = await callback(client, url);
    expectHtml(res, 400);
    expect(dataCode(res)).toContain('external-sign-in-failed');
    expect(await me(client)).toBeNull();
  });

  it('refuses an unverified email where the binding needs one: nothing redeemed, no contact, no session', async () => {
    const email = `inv.${newId()}@example.com`;
    const invited = await f.contact({ emailaddress1: email });
    const inv = await f.invitation({ invitedContactIds: [invited.id], binding: 'invited-email' });
    const login = user(false, email);
    const client = visitor();
    const res = await flow(client, login, { intent: 'redeem', code: inv.code });
    expectHtml(res, 403);
    expect(dataCode(res)).toContain('binding-mismatch');
    expect(await me(client)).toBeNull();
    expect(await redemptionsOf(inv.id)).toEqual([]);
    expect(await loginsOf(invited.id)).toEqual([]);
  });

  it('an invitation naming a provider: the redeem page offers only it; another method is refused (403)', async () => {
    const invited = await f.contact();
    const inv = await f.invitation({ invitedContactIds: [invited.id], signInProviderId: providerB });
    const page = await visitor().get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    expect(page.body).toContain(`data-provider="${providerB}"`);
    expect(page.body).not.toContain(`data-provider="${providerA}"`);

    const client = visitor();
    const res = await flow(client, user(true), { intent: 'redeem', code: inv.code }, providerA);
    expectHtml(res, 403);
    expect(dataCode(res)).toContain('sign-in-method-required');
    expect(await me(client)).toBeNull();
    expect(await redemptionsOf(inv.id)).toEqual([]);

    // A local account is refused the same way, signed in, and nothing is spent (past the confirmation
    // that it redeems as itself, which a contact signed in as someone else than the invitee must give).
    const local = await f.contactWithPassword('Local-password-1');
    const signedIn = await signInThroughPage(visitor(), local, 'Local-password-1');
    const form = await signedIn.get(`/portal/redeem?code=${encodeURIComponent(inv.code)}`);
    const refused = await signedIn.request('POST', '/portal/redeem', {
      form: { _csrf: csrfOf(form), code: inv.code, confirmOther: 'yes' },
    });
    expect(refused.statusCode).toBe(403);
    expect(dataCode(refused)).toContain('sign-in-method-required');
    const api = await t.api('GET', `invitations/${inv.id}`);
    expect(api.json()).toMatchObject({ redemptionCount: 0, signInProviderId: providerB });

    // Through the named provider it works.
    const ok = visitor();
    expect((await flow(ok, user(true), { intent: 'redeem', code: inv.code }, providerB)).statusCode).toBe(303);
    expect(await me(ok)).toBe(invited.id);
  });

  it('without an invitation: registration closed creates nothing; a signed-in contact adds a sign-in method', async () => {
    const client = visitor();
    const login = user(true);
    const closed = await flow(client, login, { intent: 'sign-up' });
    expectHtml(closed, 403);
    expect(dataCode(closed)).toContain('registration-closed');
    expect(await me(client)).toBeNull();
    expect(await loginsOfSubject(login)).toEqual([]);

    const local = await f.contactWithPassword('Local-password-1');
    const signedIn = await signInThroughPage(visitor(), local, 'Local-password-1');
    const profile = await signedIn.get('/portal/profile');
    expect(profile.body).toContain('data-external-sign-in="link"');
    const linked = await flow(signedIn, login, { intent: 'link' });
    expect(linked.statusCode, linked.body.slice(0, 500)).toBe(303);
    expect((await loginsOf(local.id)).map((l) => l.subject)).toEqual([login]);
    const fresh = visitor();
    expect((await flow(fresh, login, { intent: 'sign-in' })).statusCode).toBe(303);
    expect(await me(fresh)).toBe(local.id);
  });
});
