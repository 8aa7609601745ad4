import { describe, expect, it } from 'vitest';
import { mailAsSent } from '../../test/helpers/mail.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { listAudit } from '../audit/audit.repo.ts';
import {
  confirmEmail,
  promotedAddresses,
  requestPasswordReset,
  resetPassword,
  signIn,
  signUp,
} from './local.service.ts';

const t = useTestApp();
const PASSWORD = 'Portal-password-1';
let ip = 1;
const client = () => ({ ip: `10.9.0.${ip++}`, userAgent: 'test' });

const { contact, invitation, setting } = factories(t, {
  contact: { firstName: 'Lena', lastName: 'Local' },
  invitation: { name: 'Local' },
});

/** The token in the last link emailed to `address`. */
async function emailedToken(address: string, path: string): Promise<string> {
  const mail = await mailAsSent(t.ctx, { address });
  const m = new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  expect(m).not.toBeNull();
  return (m as RegExpExecArray)[1] as string;
}
const row = (id: string) => t.ctx.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('group sign-up', () => {
  it('never takes over an existing contact on an unproven email: the link attaches the identity and redeems', async () => {
    const existing = await contact();
    const inv = await invitation({ type: 'group', invitedContactIds: [existing.id] });
    const outcome = await signUp(t.ctx, {
      email: existing.emailaddress1.toUpperCase(),
      password: PASSWORD,
      invitationCode: inv.code,
      locale: 'en',
      client: client(),
    });
    expect(outcome).toEqual({ kind: 'confirmation-sent', contactId: null, redemption: null });
    expect((await row(existing.id)).password_hash).toBeNull();
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);

    const token = await emailedToken(existing.emailaddress1.toUpperCase(), '/portal/confirm-email');
    const confirmed = await confirmEmail(t.ctx, token, client());
    expect(confirmed.contactId).toBe(existing.id);
    expect(confirmed.redemption).toMatchObject({ invitationId: inv.id, contactId: existing.id });
    const after = await row(existing.id);
    expect(after.password_hash).toMatch(/^\$argon2id\$/);
    expect(after.email_confirmed).toBe(1);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redeemedContactIds).toEqual([existing.id]);
    // The link works once.
    await expect(confirmEmail(t.ctx, token, client())).rejects.toMatchObject({ code: 'not-found' });
    expect((await signIn(t.ctx, { login: existing.emailaddress1, password: PASSWORD, client: client() })).id).toBe(
      existing.id,
    );
  });

  it('with an email-domain binding makes the new contact now and redeems when the link proves the address', async () => {
    const inv = await invitation({ type: 'group', binding: 'email-domain', allowedDomains: ['domain.example'] });
    const email = `newbie.${newId()}@domain.example`;
    const outcome = await signUp(t.ctx, {
      email,
      password: PASSWORD,
      invitationCode: inv.code,
      locale: 'da',
      client: client(),
    });
    expect(outcome.kind).toBe('confirmation-sent');
    expect(outcome.redemption).toBeNull();
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);
    const mail = await t.ctx.db
      .selectFrom('emails')
      .select('subject')
      .where('to_address', '=', email)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Bekræft din e-mailadresse til Kundeportal');
    const confirmed = await confirmEmail(t.ctx, await emailedToken(email, '/portal/confirm-email'), client());
    expect(confirmed.redemption?.invitationId).toBe(inv.id);
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(1);
  });

  it('refuses a claimed address outside the binding and creates nothing', async () => {
    const inv = await invitation({ type: 'group', binding: 'email-domain', allowedDomains: ['domain.example'] });
    const invitedOnly = await invitation({
      type: 'group',
      binding: 'invited-email',
      invitedContactIds: [(await contact()).id],
    });
    const before = await t.ctx.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      signUp(t.ctx, {
        email: `x.${newId()}@elsewhere.example`,
        password: PASSWORD,
        invitationCode: inv.code,
        locale: 'en',
        client: client(),
      }),
    ).rejects.toMatchObject({
      code: 'binding-mismatch',
    });
    await expect(
      signUp(t.ctx, {
        email: `y.${newId()}@example.com`,
        password: PASSWORD,
        invitationCode: invitedOnly.code,
        locale: 'en',
        client: client(),
      }),
    ).rejects.toMatchObject({
      code: 'binding-mismatch',
    });
    const after = await t.ctx.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('with binding any redeems at once for a new address', async () => {
    const inv = await invitation({ type: 'group', maxRedemptions: 2 });
    const outcome = await signUp(t.ctx, {
      email: `anyone.${newId()}@example.com`,
      password: PASSWORD,
      invitationCode: inv.code,
      locale: 'en',
      client: client(),
    });
    expect(outcome.kind).toBe('confirmation-sent');
    expect(outcome.redemption?.invitationId).toBe(inv.id);
  });
});

describe('single sign-up', () => {
  it('is refused with conflict when the invited contact already has an account', async () => {
    const c = await contact();
    await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } });
    const inv = await invitation({ type: 'single', invitedContactIds: [c.id] });
    await expect(
      signUp(t.ctx, {
        email: c.emailaddress1,
        password: PASSWORD,
        invitationCode: inv.code,
        locale: 'en',
        client: client(),
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await t.api('GET', `invitations/${inv.id}`)).json().redemptionCount).toBe(0);
  });

  it('with another address and confirmation off signs in and redeems at once, but the address waits for its link', async () => {
    const c = await contact({ emailaddress2: `second.${newId()}@example.com` });
    const inv = await invitation({ type: 'single', invitedContactIds: [c.id] });
    const newEmail = `elsewhere.${newId()}@example.com`;
    await setting('Authentication/Registration/RequiresConfirmation', 'false');
    try {
      const outcome = await signUp(t.ctx, {
        email: newEmail,
        password: PASSWORD,
        invitationCode: inv.code,
        locale: 'en',
        client: client(),
      });
      expect(outcome).toMatchObject({ kind: 'signed-in', contactId: c.id, redemption: { invitationId: inv.id } });
      const now = await row(c.id);
      expect(now).toMatchObject({ emailaddress1: c.emailaddress1, emailaddress2: c.emailaddress2, email_confirmed: 0 });
      expect(now.password_hash).toMatch(/^\$argon2id\$/);
      // Signed in on the invited address (still the primary one); the new one is nobody's yet.
      expect((await signIn(t.ctx, { login: c.emailaddress1, password: PASSWORD, client: client() })).id).toBe(c.id);
      await expect(signIn(t.ctx, { login: newEmail, password: PASSWORD, client: client() })).rejects.toMatchObject({
        code: 'unauthorized',
      });

      const confirmed = await confirmEmail(t.ctx, await emailedToken(newEmail, '/portal/confirm-email'), client());
      expect(confirmed).toMatchObject({ contactId: c.id, redemption: null, redemptionProblem: null });
      // emailaddress2 was taken: the old primary address goes to emailaddress3.
      expect(await row(c.id)).toMatchObject({
        emailaddress1: newEmail,
        emailaddress2: c.emailaddress2,
        emailaddress3: c.emailaddress1,
        email_confirmed: 1,
      });
      expect((await signIn(t.ctx, { login: newEmail, password: PASSWORD, client: client() })).id).toBe(c.id);
      const audit = (await listAudit(t.ctx.db, c.id)).filter((a) => a.action.includes('email'));
      expect(audit.map((a) => [a.action, JSON.parse(a.details ?? 'null')])).toEqual([
        ['request-email-change', { from: c.emailaddress1, to: newEmail, invitationId: null }],
        ['change-email', { from: c.emailaddress1, to: newEmail, oldKeptAs: 'emailaddress3' }],
      ]);
    } finally {
      await setting('Authentication/Registration/RequiresConfirmation', 'true');
    }
  });

  it('with both other addresses set, the old primary is kept in the audit log only', async () => {
    const c = await contact({
      emailaddress2: `two.${newId()}@example.com`,
      emailaddress3: `three.${newId()}@example.com`,
    });
    const inv = await invitation({ type: 'single', invitedContactIds: [c.id] });
    const newEmail = `full.${newId()}@example.com`;
    const outcome = await signUp(t.ctx, {
      email: newEmail,
      password: PASSWORD,
      invitationCode: inv.code,
      locale: 'en',
      client: client(),
    });
    expect(outcome).toEqual({ kind: 'confirmation-sent', contactId: c.id, redemption: null });
    await confirmEmail(t.ctx, await emailedToken(newEmail, '/portal/confirm-email'), client());
    expect(await row(c.id)).toMatchObject({
      emailaddress1: newEmail,
      emailaddress2: c.emailaddress2,
      emailaddress3: c.emailaddress3,
    });
    const changed = (await listAudit(t.ctx.db, c.id)).find((a) => a.action === 'change-email');
    expect(JSON.parse(changed?.details ?? 'null')).toEqual({ from: c.emailaddress1, to: newEmail, oldKeptAs: null });
  });

  it('with an email-domain binding takes another address at an allowed domain and redeems when its link proves it', async () => {
    const c = await contact();
    const inv = await invitation({
      type: 'single',
      invitedContactIds: [c.id],
      binding: 'email-domain',
      allowedDomains: ['partner.example'],
    });
    const base = { password: PASSWORD, invitationCode: inv.code, locale: 'en' as const };
    await expect(
      signUp(t.ctx, { ...base, email: `out.${newId()}@elsewhere.example`, client: client() }),
    ).rejects.toMatchObject({ code: 'binding-mismatch' });
    const newEmail = `in.${newId()}@partner.example`;
    await setting('Authentication/Registration/RequiresConfirmation', 'false');
    try {
      // Even with confirmation off, a binding needs the proven address: nothing changes before the link.
      const outcome = await signUp(t.ctx, { ...base, email: newEmail, client: client() });
      expect(outcome).toEqual({ kind: 'confirmation-sent', contactId: c.id, redemption: null });
    } finally {
      await setting('Authentication/Registration/RequiresConfirmation', 'true');
    }
    expect(await row(c.id)).toMatchObject({ emailaddress1: c.emailaddress1, password_hash: null });
    const confirmed = await confirmEmail(t.ctx, await emailedToken(newEmail, '/portal/confirm-email'), client());
    expect(confirmed.redemption).toMatchObject({ invitationId: inv.id, contactId: c.id });
    expect(await row(c.id)).toMatchObject({ emailaddress1: newEmail, emailaddress2: c.emailaddress1 });
  });
});

describe('a pending new address', () => {
  it('whose contact got an account meanwhile changes nothing when its link is used', async () => {
    const c = await contact();
    const inv = await invitation({ type: 'single', invitedContactIds: [c.id] });
    const newEmail = `late.${newId()}@example.com`;
    const base = { password: PASSWORD, invitationCode: inv.code, locale: 'en' as const };
    expect((await signUp(t.ctx, { ...base, email: newEmail, client: client() })).kind).toBe('confirmation-sent');
    // The invited person signs up with the invited address: verified by the code, redeemed.
    expect((await signUp(t.ctx, { ...base, email: c.emailaddress1, client: client() })).kind).toBe('signed-in');
    const before = await row(c.id);
    const token = await emailedToken(newEmail, '/portal/confirm-email');
    await expect(confirmEmail(t.ctx, token, client())).rejects.toMatchObject({ code: 'conflict' });
    expect(await row(c.id)).toEqual(before);
    expect((await listAudit(t.ctx.db, c.id)).filter((a) => a.action === 'change-email')).toEqual([]);
  });
});

describe('promotedAddresses', () => {
  const a = (
    emailaddress1: string | null,
    emailaddress2: string | null = null,
    emailaddress3: string | null = null,
  ) => ({
    emailaddress1,
    emailaddress2,
    emailaddress3,
  });
  it('keeps the old primary address in the first free secondary slot, or not at all', () => {
    expect(promotedAddresses(a('old@x.example'), 'new@x.example')).toEqual({
      addresses: a('new@x.example', 'old@x.example'),
      oldKeptAs: 'emailaddress2',
    });
    expect(promotedAddresses(a('old@x.example', 'two@x.example'), 'new@x.example')).toEqual({
      addresses: a('new@x.example', 'two@x.example', 'old@x.example'),
      oldKeptAs: 'emailaddress3',
    });
    expect(promotedAddresses(a('old@x.example', 'two@x.example', 'three@x.example'), 'new@x.example')).toEqual({
      addresses: a('new@x.example', 'two@x.example', 'three@x.example'),
      oldKeptAs: null,
    });
  });
  it('frees a secondary slot that held the new address, and never writes an address twice', () => {
    expect(promotedAddresses(a('old@x.example', 'NEW@x.example', 'three@x.example'), 'new@x.example')).toEqual({
      addresses: a('new@x.example', 'old@x.example', 'three@x.example'),
      oldKeptAs: 'emailaddress2',
    });
    expect(promotedAddresses(a('old@x.example', 'two@x.example', 'Old@x.example'), 'new@x.example')).toEqual({
      addresses: a('new@x.example', 'two@x.example', 'Old@x.example'),
      oldKeptAs: 'emailaddress3',
    });
    expect(promotedAddresses(a(null, ''), 'new@x.example')).toEqual({ addresses: a('new@x.example'), oldKeptAs: null });
  });
});

describe('site settings', () => {
  it('open registration with confirmation off signs in at once; the master switch closes all sign-up', async () => {
    await setting('Authentication/Registration/OpenRegistrationEnabled', 'true');
    await setting('Authentication/Registration/RequiresConfirmation', 'false');
    try {
      const outcome = await signUp(t.ctx, {
        email: `open.${newId()}@example.com`,
        password: PASSWORD,
        locale: 'en',
        client: client(),
      });
      expect(outcome.kind).toBe('signed-in');
      await setting('Authentication/Registration/Enabled', 'false');
      await expect(
        signUp(t.ctx, { email: `closed.${newId()}@example.com`, password: PASSWORD, locale: 'en', client: client() }),
      ).rejects.toMatchObject({ code: 'registration-closed' });
    } finally {
      await setting('Authentication/Registration/Enabled', 'true');
      await setting('Authentication/Registration/OpenRegistrationEnabled', 'false');
      await setting('Authentication/Registration/RequiresConfirmation', 'true');
    }
  });

  it('with local login off refuses password sign-in', async () => {
    const c = await contact();
    await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } });
    await setting('Authentication/Registration/LocalLoginEnabled', 'false');
    try {
      await expect(
        signIn(t.ctx, { login: c.emailaddress1, password: PASSWORD, client: client() }),
      ).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      await setting('Authentication/Registration/LocalLoginEnabled', 'true');
    }
  });

  it('a weak password is refused naming password', async () => {
    const inv = await invitation({ type: 'group' });
    await expect(
      signUp(t.ctx, {
        email: `weak.${newId()}@example.com`,
        password: 'short',
        invitationCode: inv.code,
        locale: 'en',
        client: client(),
      }),
    ).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [{ field: 'password', message: expect.stringContaining('at least') }],
    });
  });
});

describe('password reset', () => {
  it('emails a single-use link that sets a new password and lifts the lockout; unknown addresses get nothing', async () => {
    const c = await contact();
    await t.api('POST', `contacts/${c.id}/password`, { body: { password: PASSWORD } });
    await t.ctx.db
      .updateTable('contacts')
      .set({ lockout_end: new Date(Date.now() + 3600_000).toISOString(), access_failed_count: 3 })
      .where('id', '=', c.id)
      .execute();
    await requestPasswordReset(t.ctx, c.emailaddress1.toUpperCase(), 'en', client());
    const token = await emailedToken(c.emailaddress1, '/portal/reset-password');
    expect(await resetPassword(t.ctx, token, 'Brand-new-pass-2')).toBe(c.id);
    await expect(resetPassword(t.ctx, token, 'Another-pass-3')).rejects.toMatchObject({ code: 'not-found' });
    expect((await signIn(t.ctx, { login: c.emailaddress1, password: 'Brand-new-pass-2', client: client() })).id).toBe(
      c.id,
    );
    await expect(signIn(t.ctx, { login: c.emailaddress1, password: PASSWORD, client: client() })).rejects.toMatchObject(
      { code: 'unauthorized' },
    );

    const before = await t.ctx.db
      .selectFrom('emails')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await requestPasswordReset(t.ctx, `ghost.${newId()}@example.com`, 'en', client());
    const after = await t.ctx.db
      .selectFrom('emails')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
