// The "Invite a colleague" pages (issue #19): the navigation link for contacts with the right, the
// form with only the roles one may hand on, inviting, the list with Resend and Deactivate, and the
// refusals as readable pages with the API's status and code, in English and Danish. Both databases.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/app.ts';
import { factories } from '../../../test/helpers/factories.ts';
import { csrfOf, dataCode, expectHtml, signInThroughPage, visitors } from '../../../test/helpers/portal.ts';
import { newId } from '../../shared/ids.ts';

const t = useTestApp();
const make = factories(t, { contact: { firstName: 'Paula', lastName: 'Page' } });
const visitor = visitors(t, '10.20');
const PASSWORD = 'Partner-password-1';
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, read freely
let r: Record<string, any>;

async function signedIn(overrides: Record<string, unknown>) {
  const c = await make.contactWithPassword(PASSWORD, overrides);
  return { contact: c, client: await signInThroughPage(visitor(), c, PASSWORD) };
}

beforeAll(async () => {
  await make.setting('Invitations/Portal/OwnerUserId', t.adminId);
  const member = await make.webRole({ name: `Member ${newId()}` });
  const secret = await make.webRole({ name: `Secret ${newId()}` });
  const admin = await make.webRole({ name: `Admin ${newId()}`, canInvite: true });
  await t.api('PATCH', `web-roles/${admin.id}`, { body: { grantableWebRoleIds: [member.id, secret.id] } });
  const account = await make.account({ name: 'Northwind Partner' });
  const other = await make.account({ name: 'Elsewhere' });
  const inviter = await signedIn({ firstName: 'Ida', parentAccountId: account.id, webRoleIds: [admin.id, member.id] });
  r = { member, secret, admin, account, other, inviter };
});

const post = async (
  client: Awaited<ReturnType<typeof signedIn>>['client'],
  url: string,
  form: Record<string, string>,
) => {
  const page = await client.get('/portal/colleagues');
  return client.request('POST', url, { form: { _csrf: csrfOf(page), ...form } });
};

describe('Invite a colleague pages', () => {
  it('shows the link and a form with just the roles one holds and may grant; inviting lands on the list with a notice', async () => {
    const profile = await r.inviter.client.get('/portal/profile');
    expect(profile.body).toContain('href="/portal/colleagues"');
    const page = await r.inviter.client.get('/portal/colleagues');
    expectHtml(page, 200);
    expect(page.body).toContain('Northwind Partner');
    expect(page.body).toContain(`value="${r.member.id}"`);
    expect(page.body).not.toContain(`value="${r.secret.id}"`);
    expect(page.body).toMatch(/type="date"[^>]*max="\d{4}-\d{2}-\d{2}"/);

    const email = `page.${newId()}@example.com`;
    const done = await post(r.inviter.client, '/portal/colleagues', {
      email,
      firstName: 'Pat',
      webRoleIds: r.member.id,
    });
    expect(done.statusCode, done.body.slice(0, 800)).toBe(303);
    expect(done.headers.location).toBe('/portal/colleagues');
    const list = await r.inviter.client.get('/portal/colleagues');
    expect(list.body).toContain('data-notice="colleague-invited"');
    expect(list.body).toContain(email);
    const inv = (await t.api('GET', `invitations?inviterContactId=${r.inviter.contact.id}`)).json().items.at(-1);
    expect(inv).toMatchObject({ webRoleIds: [r.member.id], assignToAccountId: r.account.id });
    // The last day offered ends at the maximum itself (14 days), not later.
    expect(Date.parse(inv.expiresAt)).toBeLessThanOrEqual(Date.now() + 14 * 86_400_000);

    const off = await post(r.inviter.client, `/portal/colleagues/${inv.id}/deactivate`, {});
    expect(off.statusCode).toBe(303);
    const after = await r.inviter.client.get('/portal/colleagues');
    expect(after.body).toContain('data-notice="colleague-deactivated"');
    expect(after.body).toContain(`data-invitation="${inv.id}" data-status="inactive"`);
  });

  it('shows refusals on the page with the API’s status and code: another account’s email (409), a role one cannot grant (403)', async () => {
    const theirs = await make.contact({ emailaddress1: `theirs.${newId()}@example.com`, parentAccountId: r.other.id });
    const taken = await post(r.inviter.client, '/portal/colleagues', { email: theirs.emailaddress1 });
    expectHtml(taken, 409);
    expect(dataCode(taken)).toContain('conflict');
    expect(taken.body).toContain('belongs to someone outside your company');
    expect(taken.body).toContain(`value="${theirs.emailaddress1}"`);
    const role = await post(r.inviter.client, '/portal/colleagues', {
      email: `x.${newId()}@example.com`,
      webRoleIds: r.secret.id,
    });
    expectHtml(role, 403);
    expect(dataCode(role)).toContain('forbidden');
    const bad = await post(r.inviter.client, '/portal/colleagues', { email: 'not an email' });
    expectHtml(bad, 422);
  });

  it('is a 403 page without the right, a 404 page for someone else’s invitation, and speaks Danish', async () => {
    const plain = await signedIn({ parentAccountId: r.account.id, webRoleIds: [r.member.id] });
    expect((await plain.client.get('/portal/profile')).body).not.toContain('href="/portal/colleagues"');
    const refused = await plain.client.get('/portal/colleagues');
    expectHtml(refused, 403);
    expect(dataCode(refused)).toContain('forbidden');

    const mine = (
      await r.inviter.client.request('POST', '/portal/api/invitations', {
        body: { email: `mine.${newId()}@example.com`, webRoleIds: [] },
        headers: { 'x-csrf-token': csrfOf(await r.inviter.client.get('/portal/colleagues')) },
      })
    ).json();
    const other = await signedIn({ parentAccountId: r.account.id, webRoleIds: [r.admin.id] });
    const notFound = await post(other.client, `/portal/colleagues/${mine.id}/resend`, {});
    expectHtml(notFound, 404);
    expect(dataCode(notFound)).toContain('not-found');

    const da = await r.inviter.client.get('/portal/colleagues?lang=da');
    expect(da.body).toContain('<html lang="da"');
    expect(da.body).toContain('Inviter en kollega');
    const visitorPage = await visitor().get('/portal/colleagues');
    expect(visitorPage.statusCode).toBe(303);
    expect(visitorPage.headers.location).toContain('/portal/sign-in?next=');
  });
});
