// contact.created from every place outside the contacts API that makes a contact: the portal's local
// sign-up (open, and with a group code), an external identity signing up, a partner inviting a
// colleague. One event per contact made, with the API's payload, delivered to a real loopback
// receiver; none for a refused sign-up or one whose transaction rolled back. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { PortalClient } from '../../test/helpers/portal.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { createLocalStoreTransport } from '../email/transport.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { inviteColleague } from '../partner-invitations/partner-invitations.service.ts';
import { finishExternalSignIn } from '../portal-auth/external-sign-in.service.ts';
import { newId } from '../shared/ids.ts';
import { startHookReceiver, type HookReceiver } from './testing/hook-receiver.ts';

const t = useTestApp();
const make = factories(t);
const PASSWORD = 'Sign-up-password-1';
let receiver: HookReceiver;
let endpointId = '';
let n = 0;
const visitor = () => new PortalClient(t.app, `10.77.0.${++n}`);

beforeAll(async () => {
  await make.setting('Webhooks/AllowPrivateNetworks', 'true');
  await make.setting('Authentication/Registration/OpenRegistrationEnabled', 'true');
  await make.setting('Authentication/Registration/RequiresConfirmation', 'false');
  receiver = await startHookReceiver();
  const r = await t.api('POST', 'webhook-endpoints', { body: { url: receiver.url, events: ['contact.created'] } });
  expect(r.statusCode, r.body).toBe(201);
  receiver.secret = r.json().secret;
  endpointId = r.json().id;
});
afterAll(async () => receiver?.close());

/** The contact ids of this endpoint's contact.created deliveries (written with the change). */
async function createdEvents(): Promise<string[]> {
  const r = await t.api('GET', `webhook-deliveries?endpointId=${endpointId}&limit=500`);
  expect(r.statusCode, r.body).toBe(200);
  const ids: string[] = [];
  for (const d of r.json().items) {
    expect(d.eventType).toBe('contact.created');
    ids.push(d.eventId);
  }
  return ids;
}

/** Delivers what is due and returns the contact ids the receiver got (verified signatures only). */
async function delivered(expected: number): Promise<string[]> {
  const transport = createLocalStoreTransport(t.ctx.config.dataDir);
  const handlers = jobHandlers(t.ctx, transport, {}, { retryScheduleMs: [0, 0, 0], timeoutMs: 2000 });
  await waitUntil(
    async () => {
      await runDueJobsOnce(t.ctx, handlers, { pollMs: 10 });
      return receiver.received.length >= expected;
    },
    15_000,
    `${expected} contact.created deliveries`,
  );
  for (const r of receiver.received) expect(r.verified).toBe(true);
  return receiver.received.map((r) => r.body.data.contactId as string);
}

async function signUp(body: Record<string, string>) {
  const c = visitor();
  await c.start();
  return c.post('/portal/api/sign-up', body);
}

async function saml() {
  const now = new Date().toISOString();
  const id = newId();
  await t.ctx.db
    .insertInto('identity_providers')
    .values({
      id,
      type: 'saml',
      name: 'Test SAML',
      config: '{}',
      secret_encrypted: null,
      enabled: 1,
      allow_registration: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

describe('contact.created outside the contacts API', () => {
  it('fires once per contact made by local sign-up, external sign-up and a partner’s colleague, with the API payload', async () => {
    const before = (await createdEvents()).length;
    const email = `open.${newId()}@example.com`;
    const open = await signUp({ email, password: PASSWORD });
    expect(open.statusCode, open.body).toBe(200);
    const openId = open.json().contactId as string;

    const group = await make.invitation({ type: 'group', binding: 'any' });
    const joined = await signUp({
      email: `group.${newId()}@example.com`,
      password: PASSWORD,
      invitationCode: group.code,
    });
    expect(joined.statusCode, joined.body).toBe(200);
    const groupId = joined.json().contactId as string;

    const providerId = await saml();
    const external = await finishExternalSignIn(t.ctx, {
      identity: {
        providerId,
        subject: `s-${newId()}`,
        email: `ext.${newId()}@example.com`,
        emailVerified: true,
        firstName: 'Eva',
        lastName: 'Ekstern',
      },
      pending: {
        id: newId(),
        providerId,
        intent: 'sign-up',
        contactId: null,
        invitationCode: null,
        returnPath: null,
        state: 's',
        nonce: 'n',
        codeVerifier: 'v',
      },
      client: { ip: '10.77.1.1', userAgent: 'test' },
      locale: 'da',
    });
    expect(external.created).toBe(true);

    await make.setting('Invitations/Portal/OwnerUserId', t.adminId);
    const role = await make.webRole({ canInvite: true });
    const account = await make.account();
    const inviter = await make.contact({ parentAccountId: account.id, webRoleIds: [role.id] });
    const colleagueEmail = `colleague.${newId()}@example.com`;
    const invited = await inviteColleague(t.ctx, inviter.id, {
      email: colleagueEmail,
      firstName: 'Kim',
      webRoleIds: [],
    });
    const colleague = (await t.api('GET', `contacts?email=${encodeURIComponent(colleagueEmail)}`)).json().items[0];
    expect(invited.id).toBeTruthy();

    // The inviter was made through the contacts API, which fires the event too.
    const made = [openId, groupId, external.contactId, inviter.id, colleague.id];
    expect((await createdEvents()).length - before).toBe(made.length);
    const got = await delivered(before + made.length);
    expect([...got].sort()).toEqual([...made].sort());
    const ext = receiver.received.find((r) => r.body.data.contactId === external.contactId)?.body.data;
    expect(ext?.contact).toMatchObject({ id: external.contactId, firstName: 'Eva', lastName: 'Ekstern' });
    const col = receiver.received.find((r) => r.body.data.contactId === colleague.id)?.body.data;
    expect(col?.contact).toMatchObject({
      id: colleague.id,
      firstName: 'Kim',
      emailaddress1: colleagueEmail,
      parentAccountId: account.id,
    });
    const own = receiver.received.find((r) => r.body.data.contactId === openId)?.body.data;
    expect(own?.contact).toMatchObject({ id: openId, emailaddress1: email, lastName: null });
  });

  it('fires nothing for a refused sign-up, and exactly once for two racing for a group’s last place', async () => {
    const taken = await make.contactWithPassword(PASSWORD);
    const before = await createdEvents();
    const off = await make.invitation({ type: 'group', binding: 'any' });
    expect((await t.api('POST', `invitations/${off.id}/deactivate`)).statusCode).toBe(200);
    const refused = await signUp({
      email: `late.${newId()}@example.com`,
      password: PASSWORD,
      invitationCode: off.code,
    });
    expect(refused.json().code).toBe('invitation-inactive');
    const again = await signUp({ email: taken.emailaddress1, password: PASSWORD });
    expect(again.statusCode, again.body).toBe(409);
    expect((await createdEvents()).length).toBe(before.length);

    // Two sign-ups for one place: the loser's contact is rolled back with its event (or refused first).
    const last = await make.invitation({ type: 'group', binding: 'any', maxRedemptions: 1 });
    const raced = await Promise.all(
      [1, 2].map(() => signUp({ email: `race.${newId()}@example.com`, password: PASSWORD, invitationCode: last.code })),
    );
    const won = raced.filter((r) => r.statusCode === 200);
    expect(won, raced.map((r) => r.body).join('\n')).toHaveLength(1);
    expect(raced.filter((r) => r.statusCode === 409).map((r) => r.json().code)).toEqual(['max-redemptions-reached']);
    expect((await createdEvents()).length).toBe(before.length + 1);
    const contacts = (await t.api('GET', 'contacts?q=race.&limit=500')).json().items;
    expect(contacts).toHaveLength(1);
  });
});
