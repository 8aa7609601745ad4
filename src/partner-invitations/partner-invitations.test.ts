// Partners invite their own colleagues through /portal/api/invitations (issue #19), end to end on a
// real SMTP server: the colleague gets the email naming the inviter, signs up with its code and ends
// with the granted role in the inviter's account; and every refusal, with its stable code. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { type PortalClient, visitors } from '../../test/helpers/portal.ts';
import { createSmtpTransport, type MailTransport } from '../email/transport.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../email/testing/smtp-test-server.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { newId } from '../shared/ids.ts';
import { inviteColleague } from './partner-invitations.service.ts';

const t = useTestApp();
const make = factories(t, { contact: { firstName: 'Pia', lastName: 'Partner' } });
const visitor = visitors(t, '10.19');
const PASSWORD = 'Partner-password-1';
let smtp: TestSmtpServer;
let transport: MailTransport;
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, read freely
let r: Record<string, any>;

const fast = { pollMs: 20, leaseMs: 2_000, backoff: { baseMs: 20, maxMs: 100 } };
const runJobs = () => runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport), fast);

/** A contact who can sign in, signed in through the portal API. */
async function signedIn(overrides: Record<string, unknown>) {
  const c = await make.contactWithPassword(PASSWORD, overrides);
  const client = visitor();
  await client.start();
  const s = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: PASSWORD });
  expect(s.statusCode, s.body).toBe(200);
  return { contact: c, client };
}

const invite = (client: PortalClient, body: Record<string, unknown>) => client.post('/portal/api/invitations', body);
const invitationsOf = async (inviterId: string) =>
  (await t.api('GET', `invitations?inviterContactId=${inviterId}&limit=500`)).json().items;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  transport = createSmtpTransport(smtp.url);
  await make.setting('Invitations/Portal/OwnerUserId', t.staffId);
  const member = await make.webRole({ name: `Member ${newId()}` });
  const secret = await make.webRole({ name: `Secret ${newId()}` });
  const other = await make.webRole({ name: `Other ${newId()}` });
  const admin = await make.webRole({ name: `Partner admin ${newId()}`, canInvite: true });
  const patched = await t.api('PATCH', `web-roles/${admin.id}`, {
    body: { grantableWebRoleIds: [member.id, secret.id, admin.id] },
  });
  expect(patched.json().grantableWebRoleIds.sort()).toEqual([member.id, secret.id, admin.id].sort());
  const account = await make.account({ name: 'Contoso Partner' });
  const otherAccount = await make.account({ name: 'Fabrikam' });
  const inviter = await signedIn({
    firstName: 'Ingrid',
    lastName: 'Inviter',
    parentAccountId: account.id,
    webRoleIds: [admin.id, member.id, other.id],
  });
  r = { member, secret, other, admin, account, otherAccount, inviter };
});
afterAll(async () => {
  await transport.close();
  await smtp.close();
});

describe('a partner admin invites a colleague', () => {
  it('creates the colleague in the admin’s account, emails them naming the inviter, and their sign-up redeems the role and account', async () => {
    const email = `Colleague.${newId()}@Example.com`;
    const created = await invite(r.inviter.client, {
      email,
      firstName: 'Carl',
      lastName: 'Colleague',
      webRoleIds: [r.member.id],
    });
    expect(created.statusCode, created.body).toBe(201);
    const item = created.json();
    expect(item).toMatchObject({
      status: 'new',
      email,
      firstName: 'Carl',
      webRoles: [{ id: r.member.id, name: r.member.name }],
    });
    expect(item).not.toHaveProperty('code');
    const inv = (await t.api('GET', `invitations/${item.id}`)).json();
    expect(inv).toMatchObject({
      type: 'single',
      inviterContactId: r.inviter.contact.id,
      assignToAccountId: r.account.id,
      ownerId: t.staffId,
      binding: 'invited-email',
      webRoleIds: [r.member.id],
      invitedContactIds: [item.contactId],
    });
    // The default expiry is the maximum: 14 days.
    const days = (Date.parse(inv.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.99);
    expect(days).toBeLessThanOrEqual(14);
    const colleague = (await t.api('GET', `contacts/${item.contactId}`)).json();
    expect(colleague).toMatchObject({ emailaddress1: email, parentAccountId: r.account.id, firstName: 'Carl' });
    // Staff see who invited: the filter, and the audit entry's actor.
    expect((await invitationsOf(r.inviter.contact.id)).map((i: { id: string }) => i.id)).toContain(item.id);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('record_id', '=', item.id).execute();
    expect(audit.map((a) => [a.actor_type, a.actor_id, a.action])).toEqual([
      ['contact', r.inviter.contact.id, 'create'],
    ]);

    // Send Invitation runs at once: the run is queued with the invitation; the mail names the inviter.
    await runJobs();
    const mail = smtp.received.find((m) => m.to.includes(email.toLowerCase()) || m.to.includes(email));
    expect(mail, 'the colleague received the invitation').toBeDefined();
    expect(mail!.subject).toBe('Ingrid Inviter invites you to Customer portal');
    expect(mail!.text).toContain('Ingrid Inviter has invited you');
    const code = new URL(
      /(http:\/\/localhost:3000\/portal\/redeem\?code=\S+)/.exec(mail!.text ?? '')![1]!,
    ).searchParams.get('code')!;
    expect((await t.api('GET', `invitations/${item.id}`)).json().status).toBe('sent');

    const newcomer = visitor();
    await newcomer.start();
    const up = await newcomer.post('/portal/api/sign-up', {
      email,
      password: 'Colleague-pass-1',
      invitationCode: code,
    });
    expect(up.statusCode, up.body).toBeLessThan(300);
    expect(up.json().redemption).toMatchObject({
      contactId: item.contactId,
      accountId: r.account.id,
      webRoleIds: [r.member.id],
    });
    expect((await t.api('GET', `contacts/${item.contactId}`)).json()).toMatchObject({
      parentAccountId: r.account.id,
      webRoleIds: [r.member.id],
    });
    const mine = (await r.inviter.client.get('/portal/api/invitations')).json().items;
    const seen = mine.find((i: { id: string }) => i.id === item.id);
    expect(seen).toMatchObject({ status: 'redeemed', open: false });
    expect(seen.redeemedAt).not.toBeNull();
  });

  it('matches an existing contact of the same account by emailaddress1 in any letter case, and changes nothing of it', async () => {
    const existing = await make.contact({
      firstName: 'Bo',
      emailaddress1: `Bo.${newId()}@example.com`,
      parentAccountId: r.account.id,
    });
    const res = await invite(r.inviter.client, {
      email: existing.emailaddress1.toUpperCase(),
      firstName: 'Other',
      webRoleIds: [],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().contactId).toBe(existing.id);
    expect((await t.api('GET', `contacts/${existing.id}`)).json()).toMatchObject({
      firstName: 'Bo',
      updatedAt: existing.updatedAt,
    });
  });

  it('never touches another account’s contact with that email: 409 conflict at email, nothing created', async () => {
    const theirs = await make.contact({
      emailaddress1: `taken.${newId()}@example.com`,
      parentAccountId: r.otherAccount.id,
    });
    const before = (await invitationsOf(r.inviter.contact.id)).length;
    const res = await invite(r.inviter.client, { email: theirs.emailaddress1, webRoleIds: [r.member.id] });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'conflict', errors: [{ field: 'email' }] });
    expect(res.body).not.toContain(theirs.id);
    expect((await t.api('GET', `contacts/${theirs.id}`)).json()).toMatchObject({
      parentAccountId: r.otherAccount.id,
      updatedAt: theirs.updatedAt,
    });
    expect(await invitationsOf(r.inviter.contact.id)).toHaveLength(before);
  });

  it('refuses roles outside the grantable set or not held (403), another account and unknown fields (422), an expiry past the maximum (422)', async () => {
    const before = (await invitationsOf(r.inviter.contact.id)).length;
    const email = `never.${newId()}@example.com`;
    for (const role of [r.secret.id, r.other.id, newId()]) {
      const res = await invite(r.inviter.client, { email, webRoleIds: [r.member.id, role] });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden', errors: [{ field: 'webRoleIds' }] });
    }
    const account = await invite(r.inviter.client, { email, webRoleIds: [], assignToAccountId: r.otherAccount.id });
    expect(account.statusCode).toBe(422);
    expect(account.json().errors.map((e: { field: string }) => e.field)).toContain('assignToAccountId');
    const late = await invite(r.inviter.client, {
      email,
      webRoleIds: [],
      expiresAt: new Date(Date.now() + 15 * 86_400_000).toISOString(),
    });
    expect(late.statusCode).toBe(422);
    expect(late.json().errors[0].field).toBe('expiresAt');
    expect(await invitationsOf(r.inviter.contact.id)).toHaveLength(before);
    expect((await t.api('GET', `contacts?email=${encodeURIComponent(email)}`)).json().items).toEqual([]);
  });

  it('gives 403 to a contact without the right or without an account, 401 to a visitor, 403 without the CSRF token, 404 while off', async () => {
    const plain = await signedIn({ parentAccountId: r.account.id, webRoleIds: [r.member.id] });
    for (const res of [
      await plain.client.get('/portal/api/invitations'),
      await invite(plain.client, { email: 'x@example.com', webRoleIds: [] }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
    const homeless = await signedIn({ webRoleIds: [r.admin.id] });
    expect((await invite(homeless.client, { email: 'x@example.com', webRoleIds: [] })).statusCode).toBe(403);
    const anon = visitor();
    await anon.start();
    expect((await anon.get('/portal/api/invitations')).json().code).toBe('unauthorized');
    const noToken = await r.inviter.client.post(
      '/portal/api/invitations',
      { email: 'x@example.com', webRoleIds: [] },
      { csrf: false },
    );
    expect(noToken.json().code).toBe('csrf-invalid');
    await make.setting('Invitations/Portal/OwnerUserId', '');
    try {
      expect((await r.inviter.client.get('/portal/api/invitations')).statusCode).toBe(404);
    } finally {
      await make.setting('Invitations/Portal/OwnerUserId', t.staffId);
    }
  });

  it('resends and deactivates one’s own open invitations, and finds nobody else’s (404)', async () => {
    const created = (await invite(r.inviter.client, { email: `re.${newId()}@example.com`, webRoleIds: [] })).json();
    const resent = await r.inviter.client.post(`/portal/api/invitations/${created.id}/resend`);
    expect(resent.statusCode, resent.body).toBe(202);
    const runs = await t.ctx.db.selectFrom('workflow_runs').selectAll().where('target_id', '=', created.id).execute();
    expect(runs.map((x) => x.trigger)).toEqual(['portal', 'portal']);

    const colleague = await signedIn({ parentAccountId: r.account.id, webRoleIds: [r.admin.id, r.member.id] });
    for (const action of ['resend', 'deactivate']) {
      const res = await colleague.client.post(`/portal/api/invitations/${created.id}/${action}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not-found');
    }
    expect((await colleague.client.get('/portal/api/invitations')).json().items).toEqual([]);

    const off = await r.inviter.client.post(`/portal/api/invitations/${created.id}/deactivate`);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ status: 'inactive', open: false });
    for (const action of ['resend', 'deactivate']) {
      const again = await r.inviter.client.post(`/portal/api/invitations/${created.id}/${action}`);
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('conflict');
    }
  });

  it('limits invitations per inviter and per account per 24 hours with 429 and Retry-After, also when they race', async () => {
    const account = await make.account({ name: `Limited ${newId()}` });
    const one = await signedIn({ parentAccountId: account.id, webRoleIds: [r.admin.id] });
    const two = await signedIn({ parentAccountId: account.id, webRoleIds: [r.admin.id] });
    await make.setting('Invitations/Portal/DailyLimit', '2');
    await make.setting('Invitations/Portal/AccountDailyLimit', '3');
    try {
      const racing = await Promise.all(
        Array.from({ length: 5 }, () => invite(one.client, { email: `race.${newId()}@example.com`, webRoleIds: [] })),
      );
      expect(racing.map((x) => x.statusCode).sort()).toEqual([201, 201, 429, 429, 429]);
      const limited = racing.find((x) => x.statusCode === 429)!;
      expect(limited.json().code).toBe('rate-limited');
      const wait = Number(limited.headers['retry-after']);
      expect(wait).toBeGreaterThan(86_000);
      expect(wait).toBeLessThanOrEqual(86_400);
      expect((await invite(two.client, { email: `t.${newId()}@example.com`, webRoleIds: [] })).statusCode).toBe(201);
      const accountFull = await invite(two.client, { email: `t.${newId()}@example.com`, webRoleIds: [] });
      expect(accountFull.statusCode).toBe(429);
      expect(Number(accountFull.headers['retry-after'])).toBeGreaterThan(0);
      // A day later the places are free again (the clock moved by passing `now`).
      const later = await inviteColleague(
        t.ctx,
        one.contact.id,
        { email: `later.${newId()}@example.com`, webRoleIds: [] },
        {
          now: new Date(Date.now() + 25 * 3600_000),
        },
      );
      expect(later.status).toBe('new');
    } finally {
      await make.setting('Invitations/Portal/DailyLimit', '20');
      await make.setting('Invitations/Portal/AccountDailyLimit', '100');
    }
  });
});
