// The records the OpenAPI contract's examples (test/openapi-examples.ts) refer to, made once per run,
// and the portal session the contract test signs in with.
import type { TestApp } from './helpers/app.ts';
import { factories } from './helpers/factories.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

export const MISSING = '0190a0a0-0000-7000-8000-000000000000';
export const PASSWORD = 'Contract-password-1';

/** The records examples refer to, made once. */
export async function fixtures(t: TestApp) {
  const f = factories(t, { contact: { firstName: 'Cora', lastName: 'Tract' } });
  const post = async (path: string, body: unknown) => (await t.api('POST', path, { body })).json() as Json;
  const account = await f.account();
  const role = await f.webRole();
  const contact = await f.contact({ parentAccountId: account.id });
  const signer = await f.contactWithPassword(PASSWORD);
  const invitation = await f.invitation({ invitedContactIds: [contact.id] });
  const group = await f.invitation({ type: 'group', maxRedemptions: 50 });
  const workflow = await post('workflows', { name: 'Contract flow', primaryEntity: 'contact', steps: [] });
  const template = await post('email-templates', {
    workflowId: workflow.id,
    name: 'Hello',
    subject: 'Hi',
    html: '<p>Hi</p>',
    text: 'Hi',
    locale: 'da',
  });
  const active = await post('workflows', { name: 'Contract active', primaryEntity: 'contact', steps: [] });
  await t.api('POST', `workflows/${active.id}/activate`);
  const runs = await post(`workflows/${active.id}/run`, { targetIds: [contact.id] });
  const page = await post('content-pages', { slug: 'contract', title: 'Contract', body: 'Hello' });
  // An email whose delivery failed (the portal's confirmation email of a sign-up), so it can be resent.
  await f.setting('Authentication/Registration/OpenRegistrationEnabled', 'true');
  const me = await t.app.inject({ url: '/portal/api/me' });
  await t.app.inject({
    method: 'POST',
    url: '/portal/api/sign-up',
    headers: { cookie: String(me.headers['set-cookie']).split(';')[0] ?? '', 'x-csrf-token': me.json().csrfToken },
    payload: { email: 'mailed@example.com', password: PASSWORD },
  });
  const email = (await t.api('GET', 'emails')).json().items[0];
  await t.ctx.db.updateTable('emails').set({ status: 'failed' }).where('id', '=', email.id).execute();
  const provider = await post('identity-providers', {
    type: 'oidc',
    name: 'Contract ID',
    issuer: 'https://login.example.com',
    clientId: 'contract',
  });
  // A webhook endpoint on every event, then an event (a new invitation) so that it has a delivery.
  const hook = await post('webhook-endpoints', { url: 'https://hooks.example.com/x', events: ['*'] });
  const single = await f.invitation({ invitedContactIds: [contact.id] });
  const delivery = (await t.api('GET', `webhook-deliveries?endpointId=${hook.id}`)).json().items[0];
  const partners = await partnerFixtures(t, f, account.id);
  return {
    f,
    post,
    account,
    role,
    contact,
    signer,
    invitation,
    group,
    workflow,
    template,
    active,
    run: runs.items[0],
    page,
    email,
    provider,
    hook,
    single,
    delivery,
    ...partners,
  };
}

/** A portal session's cookie and CSRF token, signed in as `email` when given. */
export async function portalSession(t: TestApp, email?: string) {
  const me = await t.app.inject({ url: '/portal/api/me' });
  let cookie = String(me.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  let csrf = me.json().csrfToken as string;
  if (email) {
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/portal/api/sign-in',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { email, password: PASSWORD },
    });
    cookie = String(signedIn.headers['set-cookie'] ?? '').split(';')[0] ?? cookie;
    csrf = signedIn.json().csrfToken;
  }
  return { cookie, csrf };
}

/** A partner admin (a web role with canInvite, in an account) and two invitations they made. */
async function partnerFixtures(t: TestApp, f: ReturnType<typeof factories>, accountId: string) {
  await f.setting('Invitations/Portal/OwnerUserId', t.staffId);
  const inviterRole = await f.webRole({ canInvite: true });
  const inviter = await f.contactWithPassword(PASSWORD, { parentAccountId: accountId, webRoleIds: [inviterRole.id] });
  const s = await portalSession(t, inviter.emailaddress1);
  const invite = async (email: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/portal/api/invitations',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        payload: { email, webRoleIds: [] },
      })
    ).json() as Json;
  return {
    inviter,
    mine: await invite('colleague.one@example.com'),
    mineToDeactivate: await invite('colleague.two@example.com'),
  };
}
