import { describe, expect, it } from 'vitest';
import { mailAsSent } from '../../test/helpers/mail.ts';
import { useTestApp } from '../../test/helpers/app.ts';
import { factories } from '../../test/helpers/factories.ts';
import { newId } from '../shared/ids.ts';
import { confirmEmail, requestPasswordReset, resetPassword, signIn, signUp } from './local.service.ts';

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
    expect(mail.subject).toBe('Bekræft din e-mailadresse');
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
