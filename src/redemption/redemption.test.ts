import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestApp, useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { mailAsSent } from '../../test/helpers/mail.ts';
import { csrfOf, visitors } from '../../test/helpers/portal.ts';
import { listAudit } from '../audit/audit.repo.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

const t = useTestApp();
const PASSWORD = 'Portal-password-1';
const visitor = visitors(t, '10.0');

const make = factories(t, { contact: { firstName: 'Rita', lastName: 'Redeemer' }, invitation: { name: 'Join us' } });
const { contact, invitation } = make;

/** A contact with a confirmed email and a password, signed in on its own client. */
async function signedIn(body: Record<string, unknown> = {}) {
  const c = await make.contactWithPassword(PASSWORD, body);
  const client = visitor();
  await client.start();
  const r = await client.post('/portal/api/sign-in', { email: c.emailaddress1, password: PASSWORD });
  expect(r.statusCode).toBe(200);
  return { contact: c, client };
}

const emailsTo = async (address: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom('emails')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('to_address', '=', address)
        .executeTakeFirstOrThrow()
    ).n,
  );
/** A contact's audit entries about its email address, oldest first. */
const emailAuditOf = async (contactId: string) =>
  (await listAudit(t.ctx.db, contactId))
    .filter((a) => a.action.includes('email'))
    .map((a) => ({ action: a.action, details: a.details ? JSON.parse(a.details) : null }));

const count = async (table: 'redemptions' | 'contacts', where?: [string, string]) => {
  let q = t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (where) q = q.where(sql.ref(where[0]), '=', where[1]);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

describe('preview', () => {
  it('shows who invites to what until when, and changes nothing', async () => {
    const inviter = await contact({ firstName: 'Ian', lastName: 'Inviter' });
    const account = await make.account({ name: 'Northwind' });
    const invitee = await contact({ emailaddress1: 'preview.person@example.com' });
    const expiresAt = new Date(Date.now() + 86400_000).toISOString();
    const inv = await invitation({
      type: 'single',
      invitedContactIds: [invitee.id],
      inviterContactId: inviter.id,
      assignToAccountId: account.id,
      expiresAt,
    });
    const client = visitor();
    const before = await t.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', inv.id)
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) {
      const r = await client.get(`/portal/api/invitations/preview?code=${encodeURIComponent(inv.code.toLowerCase())}`);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({
        name: 'Join us',
        type: 'single',
        inviterName: 'Ian Inviter',
        accountName: 'Northwind',
        expiresAt,
        invitedEmailHint: 'p***@example.com',
      });
    }
    const after = await t.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', inv.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect(await count('redemptions', ['invitation_id', inv.id])).toBe(0);
  });

  it('answers an unknown code with 404 invitation-not-found as a problem document', async () => {
    const r = await visitor().get('/portal/api/invitations/preview?code=NOPE-NOPE');
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json().code).toBe('invitation-not-found');
  });
});

describe('sign-up with a single invitation', () => {
  it('attaches the identity to the invited contact (no second contact), redeems, and signs in', async () => {
    const role = await make.webRole({ name: `Members ${newId()}` });
    const account = await make.account({ name: 'Tailspin' });
    const invitee = await contact({ emailaddress1: `Single.${newId()}@Example.com` });
    const inv = await invitation({
      type: 'single',
      invitedContactIds: [invitee.id],
      webRoleIds: [role.id],
      assignToAccountId: account.id,
    });
    const contactsBefore = await count('contacts');
    const client = visitor();
    await client.start();
    const r = await client.post('/portal/api/sign-up', {
      email: invitee.emailaddress1.toLowerCase(),
      password: PASSWORD,
      invitationCode: inv.code.replace(/-/g, ''),
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      contactId: invitee.id,
      confirmationRequired: false,
      redemption: { invitationId: inv.id, contactId: invitee.id, accountId: account.id, webRoleIds: [role.id] },
    });
    expect(await count('contacts')).toBe(contactsBefore);
    const row = await t.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.email_confirmed).toBe(1);
    const me = (await client.get('/portal/api/me')).json();
    expect(me).toMatchObject({ contactId: invitee.id, accountId: account.id });
    expect(me.webRoles.map((w: { id: string }) => w.id)).toContain(role.id);
    const read = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(read).toMatchObject({ status: 'redeemed', redemptionCount: 1, redeemedContactIds: [invitee.id] });
    const redemptions = (await t.api('GET', `invitations/${inv.id}/redemptions`)).json().items;
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0]).toMatchObject({
      contactId: invitee.id,
      signInMethod: 'local',
      ipAddress: expect.any(String),
    });

    const again = visitor();
    await again.start();
    const second = await again.post('/portal/api/sign-up', {
      email: `other.${newId()}@example.com`,
      password: PASSWORD,
      invitationCode: inv.code,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('invitation-redeemed');
  });

  it('with invited-email binding refuses another address and creates nothing', async () => {
    const invitee = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id], binding: 'invited-email' });
    const contactsBefore = await count('contacts');
    const client = visitor();
    await client.start();
    const r = await client.post('/portal/api/sign-up', {
      email: `stranger.${newId()}@example.com`,
      password: PASSWORD,
      invitationCode: inv.code,
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().code).toBe('binding-mismatch');
    expect(await count('contacts')).toBe(contactsBefore);
    const row = await t.ctx.db
      .selectFrom('contacts')
      .select('password_hash')
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);
  });

  it('with another address changes nothing on the invited contact until that address is confirmed; then it is primary and the old one emailaddress2', async () => {
    const staffEmail = `staff.entered.${newId()}@example.com`;
    const invitee = await contact({ emailaddress1: staffEmail });
    const inv = await invitation({ type: 'single', invitedContactIds: [invitee.id] });
    const before = await t.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    const client = visitor();
    await client.start();
    const newEmail = `Moved.${newId()}@example.com`;
    const r = await client.post('/portal/api/sign-up', {
      email: newEmail,
      password: PASSWORD,
      invitationCode: inv.code,
      firstName: 'Renamed',
    });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ contactId: invitee.id, confirmationRequired: true, redemption: null });
    // The staff-entered record is as it was: no address, identity or redemption on an unproven email.
    const pending = await t.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    expect(pending).toEqual(before);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);
    // The link goes to the new address, which the visitor typed and must prove; none to the old one.
    const mail = await mailAsSent(t.ctx, { address: newEmail });
    const token = /\/portal\/confirm-email\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] as string;
    expect(token).toBeDefined();
    expect(await emailsTo(staffEmail)).toBe(0);
    expect((await client.get('/portal/api/me')).json().contactId).toBeNull();
    // Neither address signs in before the link is used.
    for (const email of [newEmail, staffEmail]) {
      const early = visitor();
      await early.start();
      expect((await early.post('/portal/api/sign-in', { email, password: PASSWORD })).statusCode, email).toBe(401);
    }
    expect(await emailAuditOf(invitee.id)).toEqual([
      { action: 'request-email-change', details: { from: staffEmail, to: newEmail, invitationId: inv.id } },
    ]);

    const shown = await client.get(`/portal/confirm-email?token=${token}`);
    const confirmed = await client.request('POST', '/portal/confirm-email', { form: { _csrf: csrfOf(shown), token } });
    expect(confirmed.statusCode, confirmed.body.slice(0, 500)).toBe(303);
    const after = await t.ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', invitee.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      emailaddress1: newEmail,
      emailaddress2: staffEmail,
      emailaddress3: null,
      email_confirmed: 1,
      login_enabled: 1,
      // Names staff entered stay; the sign-up fills only empty ones.
      first_name: before.first_name,
    });
    expect(after.password_hash).toMatch(/^\$argon2id\$/);
    expect((await t.api('GET', `invitations/${inv.id}`)).json()).toMatchObject({
      status: 'redeemed',
      redeemedContactIds: [invitee.id],
    });
    expect((await client.get('/portal/api/me')).json()).toMatchObject({ contactId: invitee.id, email: newEmail });
    expect(await emailAuditOf(invitee.id)).toEqual([
      { action: 'request-email-change', details: { from: staffEmail, to: newEmail, invitationId: inv.id } },
      { action: 'change-email', details: { from: staffEmail, to: newEmail, oldKeptAs: 'emailaddress2' } },
    ]);
    const again = visitor();
    await again.start();
    expect((await again.post('/portal/api/sign-in', { email: newEmail, password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('redeeming as a signed-in contact', () => {
  it('redeems a group invitation once per contact: the second time is already-redeemed-by-contact', async () => {
    const inv = await invitation({ type: 'group' });
    const { client, contact: c } = await signedIn();
    const first = await client.post('/portal/api/redeem', { code: inv.code });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ invitationId: inv.id, contactId: c.id });
    const second = await client.post('/portal/api/redeem', { code: inv.code });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('already-redeemed-by-contact');
    expect(await count('redemptions', ['invitation_id', inv.id])).toBe(1);
  });

  it('ten racers for a group with maximum 3: exactly 3 win, 7 get max-redemptions-reached', async () => {
    const inv = await invitation({ type: 'group', maxRedemptions: 3 });
    const racers = await Promise.all(Array.from({ length: 10 }, () => signedIn()));
    const results = await Promise.all(
      racers.map(({ client }) => client.post('/portal/api/redeem', { code: inv.code })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('max-redemptions-reached');
    const read = (await t.api('GET', `invitations/${inv.id}`)).json();
    expect(read).toMatchObject({ status: 'redeemed', redemptionCount: 3 });
    expect(read.redeemedContactIds).toHaveLength(3);
    expect(await count('redemptions', ['invitation_id', inv.id])).toBe(3);
  });

  it('refuses expired and inactive invitations with their codes and statuses', async () => {
    const { client } = await signedIn();
    const expired = await invitation({ type: 'group', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await t.ctx.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', expired.id)
      .execute();
    const e = await client.post('/portal/api/redeem', { code: expired.code });
    expect(e.statusCode).toBe(410);
    expect(e.json().code).toBe('invitation-expired');
    const inactive = await invitation({ type: 'group' });
    await t.api('POST', `invitations/${inactive.id}/deactivate`);
    const i = await client.post('/portal/api/redeem', { code: inactive.code });
    expect(i.statusCode).toBe(409);
    expect(i.json().code).toBe('invitation-inactive');
    const preview = await client.get(`/portal/api/invitations/preview?code=${inactive.code}`);
    expect(preview.statusCode).toBe(409);
    expect(preview.json().code).toBe('invitation-inactive');
  });

  it('invited-email binding matches the verified email in any letter case and refuses others', async () => {
    const email = `Bound.${newId()}@Example.COM`;
    const invitee = await contact({ emailaddress1: email });
    const inv = await invitation({ type: 'group', invitedContactIds: [invitee.id], binding: 'invited-email' });
    const { client: other } = await signedIn();
    const refused = await other.post('/portal/api/redeem', { code: inv.code });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('binding-mismatch');
    const { client: same, contact: sameContact } = await signedIn({ emailaddress1: email.toLowerCase() });
    const ok = await same.post('/portal/api/redeem', { code: inv.code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().contactId).toBe(sameContact.id);
  });

  it('email-domain binding admits verified addresses at the listed domains only', async () => {
    const inv = await invitation({ type: 'group', binding: 'email-domain', allowedDomains: ['partner.example'] });
    const { client: outsider } = await signedIn();
    expect((await outsider.post('/portal/api/redeem', { code: inv.code })).json().code).toBe('binding-mismatch');
    const { client: partner } = await signedIn({ emailaddress1: `Pat.${newId()}@PARTNER.example` });
    expect((await partner.post('/portal/api/redeem', { code: inv.code })).statusCode).toBe(200);
  });

  it('gives the account and web roles; the contact sees them; a workflow run is queued only when activated', async () => {
    const account = await make.account({ name: 'Litware' });
    const role = await make.webRole({ name: `Resellers ${newId()}` });
    const wfId = newId();
    await t.ctx.db
      .insertInto('workflows')
      .values({
        id: wfId,
        key: null,
        name: 'Welcome',
        description: null,
        primary_entity: 'contact',
        state: 'activated',
        steps: '[]',
        webhook_secret_encrypted: null,
        created_at: nowIso(),
        updated_at: nowIso(),
      })
      .execute();
    const inv = await invitation({
      type: 'group',
      assignToAccountId: account.id,
      webRoleIds: [role.id],
      redeemWorkflowId: wfId,
    });
    const { client, contact: c } = await signedIn();
    const r = await client.post('/portal/api/redeem', { code: inv.code });
    expect(r.json()).toEqual({ invitationId: inv.id, contactId: c.id, accountId: account.id, webRoleIds: [role.id] });
    const me = (await client.get('/portal/api/me')).json();
    expect(me.accountId).toBe(account.id);
    expect(me.webRoles).toContainEqual({ id: role.id, name: role.name });
    const runs = await t.ctx.db.selectFrom('workflow_runs').selectAll().where('workflow_id', '=', wfId).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ target_id: c.id, status: 'queued', trigger: 'redemption' });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('record_id', '=', inv.id)
      .where('action', '=', 'redeem')
      .execute();
    expect(audit).toHaveLength(1);

    await t.ctx.db.updateTable('workflows').set({ state: 'draft' }).where('id', '=', wfId).execute();
    const { client: second } = await signedIn();
    expect((await second.post('/portal/api/redeem', { code: inv.code })).statusCode).toBe(200);
    expect(
      await t.ctx.db.selectFrom('workflow_runs').selectAll().where('workflow_id', '=', wfId).execute(),
    ).toHaveLength(1);
  });

  it('needs a signed-in contact and the CSRF token', async () => {
    const inv = await invitation({ type: 'group' });
    const anonymous = visitor();
    await anonymous.start();
    expect((await anonymous.post('/portal/api/redeem', { code: inv.code })).json().code).toBe('unauthorized');
    const { client } = await signedIn();
    const noCsrf = await client.post('/portal/api/redeem', { code: inv.code }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('csrf-invalid');
    expect(await count('redemptions', ['invitation_id', inv.id])).toBe(0);
  });
});

describe('limits', () => {
  it('refuses the 21st lookup after 20 unknown codes from one client, valid codes included, with Retry-After', async () => {
    const inv = await invitation({ type: 'group' });
    const client = visitor();
    for (let i = 0; i < 20; i++) {
      const r = await client.get(`/portal/api/invitations/preview?code=WRONG-${i}`);
      expect(r.statusCode).toBe(404);
    }
    const limited = await client.get(`/portal/api/invitations/preview?code=${inv.code}`);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await visitor().get(`/portal/api/invitations/preview?code=${inv.code}`)).statusCode).toBe(200);
  });
});

describe('behind a trusted proxy', () => {
  it('limits unknown codes per forwarded client address, not per proxy', async () => {
    const proxied = await createTestApp({ config: { trustProxy: ['127.0.0.1'] } });
    try {
      const lookup = (forwardedFor: string) =>
        proxied.app.inject({
          method: 'GET',
          url: '/portal/api/invitations/preview?code=NOT-A-CODE',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': forwardedFor },
        });
      for (let i = 0; i < 20; i++) expect((await lookup('203.0.113.7')).statusCode).toBe(404);
      expect((await lookup('203.0.113.7')).statusCode).toBe(429);
      // Another client behind the same proxy is not limited.
      expect((await lookup('203.0.113.8')).statusCode).toBe(404);
    } finally {
      await proxied.close();
    }
  });
});
