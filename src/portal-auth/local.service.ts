// Local accounts: sign-up (with or without an invitation code), sign-in with lockout, email
// confirmation and password reset. Routes and pages call these; nothing here knows HTTP.
import type { AppContext } from '../context.ts';
import type { ContactRow, InvitationRow } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';
import { AppError, conflict, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { isoPlus, nowIso } from '../shared/time.ts';
import { randomToken } from '../shared/crypto.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../shared/passwords.ts';
import {
  openRegistrationAllowed,
  settingFlag,
  settingInt,
  settingValue,
  settingValueIn,
} from '../site-settings/site-settings.service.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { timespanMs, type SettingName } from '../site-settings/site-settings.definitions.ts';
import { takeAttempt } from '../rate-limit/rate-limit.service.ts';
import {
  assertSignInMethod,
  checkBinding,
  inRedemptionTransaction,
  lookUpCode,
  precheck,
  redeemInTransaction,
  redemptionResult,
  type Client,
  type RedeemResult,
  unavailableReason,
} from '../redemption/redemption.service.ts';
import { queuePortalEmail } from './portal-emails.ts';
import type { Locale } from '../shared/locale.ts';
import { insertCreatedContact, newContactRow } from '../contacts/contacts.service.ts';
import {
  contactsWithEmail,
  contactWithPasswordByUsername,
  countFailedSignIn,
  findContact,
  recordSignIn,
  updateContactColumns,
} from '../contacts/contacts.repo.ts';
import { findInvitation, invitedContactIdsOf } from '../invitations/invitations.repo.ts';
import {
  findContactToken,
  insertContactToken,
  markContactTokenUsed,
  type ContactTokenPurpose,
} from './contact-tokens.repo.ts';
import { hasExternalLogin } from './external-logins.repo.ts';
import { endSessionsOfContact } from './sessions.repo.ts';

const S = {
  enabled: 'Authentication/Registration/Enabled',
  invitation: 'Authentication/Registration/InvitationEnabled',
  local: 'Authentication/Registration/LocalLoginEnabled',
  confirm: 'Authentication/Registration/RequiresConfirmation',
  unique: 'Authentication/Registration/RequireUniqueEmail',
  maxFailed: 'Authentication/UserManager/MaxFailedAccessAttemptsBeforeLockout',
  lockout: 'Authentication/UserManager/DefaultAccountLockoutTimeSpan',
} as const satisfies Record<string, SettingName>;

const CONFIRM_TTL_MS = 24 * 3600_000;
const RESET_TTL_MS = 3600_000;

export type SignUpOutcome =
  /** The identity may sign in now (its email is verified, or confirmation is off). */
  | { kind: 'signed-in'; contactId: string; redemption: RedeemResult | null }
  /** A confirmation link was emailed; sign-in (and, where pending, the redemption) follow its use. */
  | { kind: 'confirmation-sent'; contactId: string | null; redemption: RedeemResult | null };

export interface SignUpInput {
  email: string;
  password: string;
  invitationCode?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  locale: Locale;
  client: Client;
}

/**
 * What a confirmation link completes when it is used. It lives in the token's `data`, so that an
 * unproven sign-up changes nothing on an existing contact until its link comes back.
 */
interface PendingConfirmation {
  /** Attach this password to the contact (a sign-up whose email matched a contact without an account). */
  passwordHash?: string;
  /** With the password: turn sign-in on (a single invitation's sign-up does). */
  enableLogin?: boolean;
  /** With the password: names and language to fill where the contact has none. */
  profile?: ProfileFill;
  /** Redeem this invitation once the email is proven. */
  invitationId?: string;
  signInMethod?: string;
  /**
   * Make this address the primary email once the link (sent to it) proves it: a single invitation's
   * sign-up with another address than the invited one. Until then `emailaddress1` stays as staff entered it.
   */
  newEmail?: string;
}

interface ProfileFill {
  firstName?: string | undefined;
  lastName?: string | undefined;
  locale?: string | undefined;
}

const normEmail = (e: string) => e.trim().toLowerCase();

type Redeemed = { invitationId: string; contactId: string };

/** Completes an outcome whose redemption committed: the account and web roles it answers with. */
async function withResult<T extends { redemption: Redeemed | null }>(
  ctx: AppContext,
  outcome: T,
): Promise<Omit<T, 'redemption'> & { redemption: RedeemResult | null }> {
  return { ...outcome, redemption: outcome.redemption ? await redemptionResult(ctx.db, outcome.redemption) : null };
}

async function hasIdentity(db: Db | Tx, contact: ContactRow): Promise<boolean> {
  if (contact.password_hash) return true;
  return hasExternalLogin(db, contact.id);
}

/** Contacts whose primary email is `email` (any letter case), those with a portal identity first. */
async function contactsByEmail(db: Db | Tx, email: string): Promise<ContactRow[]> {
  const rows = await contactsWithEmail(db, email);
  return rows.sort((a, b) => Number(Boolean(b.password_hash)) - Number(Boolean(a.password_hash)));
}

async function assertEmailFree(
  ctx: AppContext,
  db: Db | Tx,
  email: string,
  exceptContactId: string | null,
): Promise<void> {
  if (!(await settingFlag(ctx, S.unique))) return;
  await assertNoOtherIdentity(db, email, exceptContactId);
}

async function assertNoOtherIdentity(db: Db | Tx, email: string, exceptContactId: string | null): Promise<void> {
  for (const c of await contactsByEmail(db, email)) {
    if (c.id !== exceptContactId && (await hasIdentity(db, c)))
      throw conflict(
        'An account with this email address already exists. Sign in instead, or reset your password.',
        'email-taken',
      );
  }
}

async function issueToken(
  tx: Tx,
  contactId: string,
  purpose: 'confirm-email' | 'reset-password',
  ttlMs: number,
  data: PendingConfirmation | null,
  hash: (t: string) => string,
): Promise<string> {
  const token = randomToken(32);
  await insertContactToken(tx, {
    id: newId(),
    contact_id: contactId,
    purpose,
    token_hash: hash(token),
    data: data ? JSON.stringify(data) : null,
    expires_at: isoPlus(ttlMs),
    used_at: null,
    created_at: nowIso(),
  });
  return token;
}

const tokenHasher = (ctx: AppContext) => (t: string) => ctx.secrets.hash('contact-token', t);

/** Emails a confirmation link (also "Send the link again", resend-confirmation.ts). */
export async function sendConfirmation(
  ctx: AppContext,
  tx: Tx,
  contactId: string,
  address: string,
  locale: Locale,
  data: PendingConfirmation | null,
): Promise<void> {
  const token = await issueToken(tx, contactId, 'confirm-email', CONFIRM_TTL_MS, data, tokenHasher(ctx));
  await queuePortalEmail(
    ctx,
    tx,
    'confirm-email',
    { contactId, address, locale },
    `${ctx.config.publicUrl}/portal/confirm-email?token=${token}`,
  );
}

function signUpContactRow(
  email: string,
  input: SignUpInput,
  passwordHash: string,
  emailConfirmed: boolean,
): ContactRow {
  return newContactRow({
    first_name: input.firstName?.trim() || null,
    last_name: input.lastName?.trim() || null,
    emailaddress1: email,
    locale: input.locale,
    password_hash: passwordHash,
    email_confirmed: emailConfirmed ? 1 : 0,
  });
}

/** Checks the switches that apply to every local sign-up. */
async function assertLocalSignUpOpen(ctx: AppContext, withCode: boolean): Promise<void> {
  if (!(await settingFlag(ctx, S.enabled)))
    throw new AppError('registration-closed', 'Sign-up is turned off on this portal.', { reason: 'sign-up-off' });
  if (!(await settingFlag(ctx, S.local)))
    throw new AppError(
      'forbidden',
      'Sign-up with a password is turned off on this portal; use one of the sign-in providers.',
      { reason: 'password-login-off' },
    );
  if (withCode && !(await settingFlag(ctx, S.invitation)))
    throw new AppError('registration-closed', 'Sign-up with an invitation is turned off on this portal.');
  if (!withCode && !(await openRegistrationAllowed(ctx)))
    throw new AppError(
      'registration-closed',
      'Sign-up is open only through an invitation. Use the link or code from your invitation.',
    );
}

export async function signUp(ctx: AppContext, input: SignUpInput): Promise<SignUpOutcome> {
  const withCode = Boolean(input.invitationCode?.trim());
  await assertLocalSignUpOpen(ctx, withCode);
  await takeAttempt(ctx, 'signUp', input.client.ip ?? 'unknown');
  const email = input.email.trim();
  const problem = passwordProblem(input.password);
  if (problem) throw validationFailed('password', problem);
  const requiresConfirmation = await settingFlag(ctx, S.confirm);

  if (!withCode) {
    await assertEmailFree(ctx, ctx.db, email, null);
    const passwordHash = await hashPassword(input.password);
    const existing = (await contactsByEmail(ctx.db, email))[0];
    return ctx.db.transaction().execute(async (tx) => {
      if (existing && !(await hasIdentity(tx, existing))) {
        // A contact with this email exists: it is never taken over on an unproven email.
        await sendConfirmation(ctx, tx, existing.id, email, input.locale, { passwordHash, signInMethod: 'local' });
        return { kind: 'confirmation-sent', contactId: null, redemption: null };
      }
      const row = signUpContactRow(email, input, passwordHash, false);
      await insertCreatedContact(tx, row);
      if (requiresConfirmation) {
        await sendConfirmation(ctx, tx, row.id, email, input.locale, null);
        return { kind: 'confirmation-sent', contactId: row.id, redemption: null };
      }
      return { kind: 'signed-in', contactId: row.id, redemption: null };
    });
  }

  const invitation = await lookUpCode(ctx, input.invitationCode as string, input.client);
  const reason = unavailableReason(invitation);
  if (reason) throw reason;
  assertSignInMethod(invitation, 'local');
  const passwordHash = await hashPassword(input.password);
  return invitation.type === 'single'
    ? signUpSingle(ctx, input, email, invitation, passwordHash, requiresConfirmation)
    : signUpGroup(ctx, input, email, invitation, passwordHash, requiresConfirmation);
}

/** The names and language a sign-up fills on a contact that has none. */
function profileFill(contact: ContactRow, p: ProfileFill): Partial<ContactRow> {
  const changes: Partial<ContactRow> = {};
  if (p.firstName?.trim() && !contact.first_name) changes.first_name = p.firstName.trim();
  if (p.lastName?.trim() && !contact.last_name) changes.last_name = p.lastName.trim();
  if (p.locale && !contact.locale) changes.locale = p.locale;
  return changes;
}

/**
 * A single invitation's code proves the invited mailbox: the identity goes on the invited contact.
 * With another address than the invited one, that address becomes the contact's primary email only
 * when its link proves it; until then `emailaddress1` stays as staff entered it (see PendingConfirmation).
 */
async function signUpSingle(
  ctx: AppContext,
  input: SignUpInput,
  email: string,
  invitation: InvitationRow,
  passwordHash: string,
  requiresConfirmation: boolean,
): Promise<SignUpOutcome> {
  const invitedId = (await invitedContactIdsOf(ctx.db, [invitation.id])).get(invitation.id)?.[0];
  const invited = invitedId ? await findContact(ctx.db, invitedId) : undefined;
  if (!invited) throw new AppError('invitation-not-found', 'This invitation has no invited contact.');
  if (await hasIdentity(ctx.db, invited))
    throw conflict(
      'The invited person already has an account. Sign in with it, then redeem the code.',
      'invited-has-account',
    );
  const provesMailbox = normEmail(invited.emailaddress1 ?? '') === normEmail(email);
  const profile: ProfileFill = { firstName: input.firstName, lastName: input.lastName, locale: input.locale };
  const identity = (): Partial<ContactRow> => ({
    ...profileFill(invited, profile),
    password_hash: passwordHash,
    login_enabled: 1,
    updated_at: nowIso(),
  });
  // Another address is checked against the binding as claimed now (to refuse early) and proven by its link.
  await precheck(ctx.db, invitation, invited.id, [normEmail(email)]);
  await assertEmailFree(ctx, ctx.db, email, invited.id);
  const locale = (invited.locale as Locale | null) ?? input.locale;

  if (!provesMailbox && (requiresConfirmation || invitation.binding !== 'any')) {
    // Nothing on the contact changes yet: the identity, the redemption and the new address wait in the link.
    return ctx.db.transaction().execute(async (tx) => {
      await requestEmailChange(ctx, tx, invited, email, locale, {
        newEmail: email,
        passwordHash,
        enableLogin: true,
        profile,
        invitationId: invitation.id,
        signInMethod: 'local',
      });
      return { kind: 'confirmation-sent', contactId: invited.id, redemption: null };
    });
  }
  const outcome = await inRedemptionTransaction(ctx, async (tx) => {
    // The guarded claim comes first in the transaction; the identity is attached only if it wins.
    const redemption = await redeemInTransaction(ctx, tx, {
      invitation,
      contactId: invited.id,
      client: input.client,
      signInMethod: 'local',
    });
    if (provesMailbox) {
      await updateContactColumns(tx, invited.id, { ...identity(), email_confirmed: 1 });
    } else {
      // Confirmation is off and anyone holding the code may redeem: signed in now on the invited
      // contact, whose primary email changes only when the link to the new address is used.
      await updateContactColumns(tx, invited.id, identity());
      await requestEmailChange(ctx, tx, invited, email, locale, { newEmail: email });
    }
    return { kind: 'signed-in' as const, contactId: invited.id, redemption };
  });
  return withResult(ctx, outcome);
}

/** Emails a link to `newEmail` whose use makes it the contact's primary email; audited. */
async function requestEmailChange(
  ctx: AppContext,
  tx: Tx,
  contact: ContactRow,
  newEmail: string,
  locale: Locale,
  pending: PendingConfirmation & { newEmail: string },
): Promise<void> {
  await sendConfirmation(ctx, tx, contact.id, newEmail, locale, pending);
  await writeAudit(tx, {
    actor: { type: 'contact', id: contact.id },
    action: 'request-email-change',
    recordType: 'contact',
    recordId: contact.id,
    details: { from: contact.emailaddress1, to: newEmail, invitationId: pending.invitationId ?? null },
  });
}

type Addresses = Pick<ContactRow, 'emailaddress1' | 'emailaddress2' | 'emailaddress3'>;

/**
 * A contact's addresses once `newEmail` is its primary one: the old primary is kept in the first
 * free of `emailaddress2` and `emailaddress3` (none free: it is not kept, and only the audit entry
 * still has it); a secondary slot that held the new address is freed, since that address moved up.
 */
export function promotedAddresses(
  c: Addresses,
  newEmail: string,
): { addresses: Addresses; oldKeptAs: 'emailaddress2' | 'emailaddress3' | null } {
  const same = (a: string | null, b: string | null) => Boolean(a && b && normEmail(a) === normEmail(b));
  let second = same(c.emailaddress2, newEmail) ? null : c.emailaddress2 || null;
  let third = same(c.emailaddress3, newEmail) ? null : c.emailaddress3 || null;
  const old = c.emailaddress1 || null;
  let oldKeptAs: 'emailaddress2' | 'emailaddress3' | null = null;
  if (old && !same(old, newEmail)) {
    if (same(second, old)) oldKeptAs = 'emailaddress2';
    else if (same(third, old)) oldKeptAs = 'emailaddress3';
    else if (!second) [second, oldKeptAs] = [old, 'emailaddress2'];
    else if (!third) [third, oldKeptAs] = [old, 'emailaddress3'];
  }
  return { addresses: { emailaddress1: newEmail, emailaddress2: second, emailaddress3: third }, oldKeptAs };
}

/** The changes that make a proven `newEmail` the contact's primary email, audited (none if it already is). */
async function promoteEmail(tx: Tx, contact: ContactRow, newEmail: string): Promise<Partial<ContactRow>> {
  if (normEmail(contact.emailaddress1 ?? '') === normEmail(newEmail)) return {};
  // Another identity may have taken the address since the sign-up.
  if ((await settingValueIn(tx, S.unique)) === 'true') await assertNoOtherIdentity(tx, newEmail, contact.id);
  const { addresses, oldKeptAs } = promotedAddresses(contact, newEmail);
  await writeAudit(tx, {
    actor: { type: 'contact', id: contact.id },
    action: 'change-email',
    recordType: 'contact',
    recordId: contact.id,
    details: { from: contact.emailaddress1, to: newEmail, oldKeptAs },
  });
  return addresses;
}

/** A group code proves no one's mailbox: an existing contact is reached only through its emailed link. */
async function signUpGroup(
  ctx: AppContext,
  input: SignUpInput,
  email: string,
  invitation: InvitationRow,
  passwordHash: string,
  requiresConfirmation: boolean,
): Promise<SignUpOutcome> {
  const claimed = [normEmail(email)];
  // Binding is checked on the address as claimed now (to refuse early) and proven by the link.
  await checkBinding(ctx.db, invitation, claimed);
  await assertEmailFree(ctx, ctx.db, email, null);
  const existing = (await contactsByEmail(ctx.db, email))[0];
  if (existing) {
    await precheck(ctx.db, invitation, existing.id, claimed);
    return ctx.db.transaction().execute(async (tx) => {
      await sendConfirmation(ctx, tx, existing.id, email, (existing.locale as Locale | null) ?? input.locale, {
        passwordHash,
        invitationId: invitation.id,
        signInMethod: 'local',
      });
      return { kind: 'confirmation-sent', contactId: null, redemption: null };
    });
  }
  if (invitation.binding !== 'any') {
    // A binding needs a proven address: the contact is made now, the redemption when the link is used.
    return ctx.db.transaction().execute(async (tx) => {
      const row = signUpContactRow(email, input, passwordHash, false);
      await insertCreatedContact(tx, row);
      await sendConfirmation(ctx, tx, row.id, email, input.locale, {
        invitationId: invitation.id,
        signInMethod: 'local',
      });
      return { kind: 'confirmation-sent', contactId: row.id, redemption: null };
    });
  }
  const outcome = await inRedemptionTransaction(ctx, async (tx) => {
    const row = signUpContactRow(email, input, passwordHash, false);
    await insertCreatedContact(tx, row);
    const redemption = await redeemInTransaction(ctx, tx, {
      invitation,
      contactId: row.id,
      client: input.client,
      signInMethod: 'local',
    });
    if (requiresConfirmation) {
      await sendConfirmation(ctx, tx, row.id, email, input.locale, null);
      return { kind: 'confirmation-sent' as const, contactId: row.id, redemption };
    }
    return { kind: 'signed-in' as const, contactId: row.id, redemption };
  });
  return withResult(ctx, outcome);
}

// A real argon2id hash of a random password: unknown logins cost the same time as wrong passwords.
let dummyHash: Promise<string> | undefined;
const timingDummy = () => (dummyHash ??= hashPassword(randomToken(16)));

const invalidCredentials = () => new AppError('unauthorized', 'The email, username or password is not right.');

export interface SignInInput {
  login: string;
  password: string;
  client: Client;
}

/** Checks a local sign-in; returns the contact to start a session for. */
export async function signIn(ctx: AppContext, input: SignInInput): Promise<ContactRow> {
  if (!(await settingFlag(ctx, S.local)))
    throw new AppError('forbidden', 'Sign-in with a password is turned off on this portal.', {
      reason: 'password-login-off',
    });
  await takeAttempt(ctx, 'signIn', input.client.ip ?? 'unknown');
  const login = input.login.trim();
  const byUsername = await contactWithPasswordByUsername(ctx.db, login);
  const contact = byUsername ?? (await contactsByEmail(ctx.db, login)).find((c) => c.password_hash);
  if (!contact) {
    await verifyPassword(await timingDummy(), input.password);
    throw invalidCredentials();
  }
  const now = Date.now();
  const passwordRight = await verifyPassword(contact.password_hash, input.password);
  if (contact.lockout_end && Date.parse(contact.lockout_end) > now) {
    // Only someone who knows the password learns that the account is locked: to everyone else a
    // locked account answers like an unknown one.
    if (!passwordRight) throw invalidCredentials();
    throw new AppError(
      'unauthorized',
      `Too many failed sign-ins: the account is locked until ${contact.lockout_end.slice(11, 16)} UTC. Try again then, or reset your password.`,
      { reason: 'account-locked' },
    );
  }
  if (!passwordRight) {
    const max = await settingInt(ctx, S.maxFailed);
    const lockMs = timespanMs(await settingValue(ctx, S.lockout));
    // One guarded statement: concurrent failures all count, and the lockout starts at the limit.
    await countFailedSignIn(ctx.db, contact.id, max, new Date(now + lockMs).toISOString());
    throw invalidCredentials();
  }
  if (contact.login_enabled !== 1)
    throw new AppError('forbidden', 'Sign-in is disabled for this account. Contact the portal administrator.', {
      reason: 'sign-in-disabled',
    });
  if ((await settingFlag(ctx, S.confirm)) && contact.email_confirmed !== 1) {
    throw new AppError('forbidden', 'Confirm your email address first: follow the link in the email we sent you.', {
      reason: 'confirm-email-first',
    });
  }
  await recordSignIn(ctx.db, contact.id, nowIso());
  return contact;
}

/** The contact a token was issued to (a token goes with its contact). */
async function contactOfToken(tx: Tx, contactId: string): Promise<ContactRow> {
  const contact = await findContact(tx, contactId);
  if (!contact) throw new Error(`the contact ${contactId} of a contact token is missing`);
  return contact;
}

async function useToken(ctx: AppContext, tx: Tx, token: string, purpose: ContactTokenPurpose) {
  const row = await findContactToken(tx, tokenHasher(ctx)(token), purpose);
  if (!row || row.used_at || Date.parse(row.expires_at) <= Date.now()) return undefined;
  // Single use: the guarded update decides when two uses race.
  return (await markContactTokenUsed(tx, row.id, nowIso())) ? row : undefined;
}

export interface ConfirmOutcome {
  contactId: string;
  redemption: RedeemResult | null;
  /** Set when a pending redemption could not be made (the invitation changed meanwhile). */
  redemptionProblem: AppError | null;
}

const alreadyHasAccount = () => conflict('This contact already has an account. Sign in with it.');

const badLink = () =>
  new AppError('not-found', 'This link is not valid any more. Sign in, or ask for a new link.', {
    reason: 'link-invalid',
  });

/** Uses an emailed confirmation link: the email is proven; a pending identity or redemption completes. */
export async function confirmEmail(ctx: AppContext, token: string, client: Client): Promise<ConfirmOutcome> {
  try {
    const outcome = await inRedemptionTransaction(ctx, async (tx) => {
      const row = await useToken(ctx, tx, token, 'confirm-email');
      if (!row) throw badLink();
      const pending = (row.data ? JSON.parse(row.data) : {}) as PendingConfirmation;
      const contact = await contactOfToken(tx, row.contact_id);
      if (pending.passwordHash && (await hasIdentity(tx, contact))) throw alreadyHasAccount();
      // Checked before the contact changes: a binding compares with the invited addresses as they were.
      const invitation = pending.invitationId ? await findInvitation(tx, pending.invitationId) : undefined;
      if (invitation)
        await precheck(tx, invitation, contact.id, [normEmail(pending.newEmail ?? contact.emailaddress1 ?? '')]);
      await confirmContact(tx, contact, pending);
      const redemption: Redeemed | null = invitation
        ? await redeemInTransaction(ctx, tx, {
            invitation,
            contactId: contact.id,
            client,
            signInMethod: pending.signInMethod ?? 'local',
          })
        : null;
      return { contactId: contact.id, redemption, redemptionProblem: null };
    });
    return await withResult(ctx, outcome);
  } catch (err) {
    if (
      !(err instanceof AppError) ||
      err.code === 'not-found' ||
      err.code === 'conflict' ||
      err.code === 'internal-error'
    )
      throw err;
    // The email is proven even when the invitation can no longer be redeemed: confirm, and say why.
    const outcome = await confirmWithoutRedemption(ctx, token);
    return { ...outcome, redemptionProblem: err };
  }
}

async function confirmWithoutRedemption(
  ctx: AppContext,
  token: string,
): Promise<{ contactId: string; redemption: null }> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await useToken(ctx, tx, token, 'confirm-email');
    if (!row) throw badLink();
    const pending = (row.data ? JSON.parse(row.data) : {}) as PendingConfirmation;
    await confirmContact(tx, await contactOfToken(tx, row.contact_id), pending);
    return { contactId: row.contact_id, redemption: null };
  });
}

/**
 * What a used confirmation link changes on its contact: the email is confirmed, a pending identity
 * is attached (left out if the contact got one meanwhile), and a pending new address becomes the
 * primary one.
 */
async function confirmContact(tx: Tx, contact: ContactRow, pending: PendingConfirmation): Promise<void> {
  const changes: Partial<ContactRow> = { email_confirmed: 1, updated_at: nowIso() };
  if (pending.passwordHash) {
    if (await hasIdentity(tx, contact)) {
      // The new address came with the pending identity: it never goes to the one that got there first.
      if (pending.newEmail) throw alreadyHasAccount();
    } else {
      Object.assign(changes, profileFill(contact, pending.profile ?? {}), { password_hash: pending.passwordHash });
      if (pending.enableLogin) changes.login_enabled = 1;
    }
  }
  if (pending.newEmail) Object.assign(changes, await promoteEmail(tx, contact, pending.newEmail));
  await updateContactColumns(tx, contact.id, changes);
}

/** Sends a reset link when the address belongs to an account; answers the same either way. */
export async function requestPasswordReset(
  ctx: AppContext,
  email: string,
  locale: Locale,
  client: Client,
): Promise<void> {
  await takeAttempt(ctx, 'signIn', client.ip ?? 'unknown');
  const contact = (await contactsByEmail(ctx.db, email.trim())).find((c) => c.password_hash);
  if (!contact?.emailaddress1) return;
  await ctx.db.transaction().execute(async (tx) => {
    const token = await issueToken(tx, contact.id, 'reset-password', RESET_TTL_MS, null, tokenHasher(ctx));
    await queuePortalEmail(
      ctx,
      tx,
      'reset-password',
      {
        contactId: contact.id,
        address: contact.emailaddress1 as string,
        locale: (contact.locale as Locale | null) ?? locale,
      },
      `${ctx.config.publicUrl}/portal/reset-password?token=${token}`,
    );
  });
}

/** Uses a reset link once: a new password, the lockout lifted, every session of the contact ended. */
export async function resetPassword(ctx: AppContext, token: string, password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw validationFailed('password', problem);
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await useToken(ctx, tx, token, 'reset-password');
    if (!row) throw badLink();
    // The link came to the mailbox, so the address is proven as well.
    await updateContactColumns(tx, row.contact_id, {
      password_hash: passwordHash,
      access_failed_count: 0,
      lockout_end: null,
      email_confirmed: 1,
      security_stamp: randomToken(16),
      updated_at: nowIso(),
    });
    await endSessionsOfContact(tx, row.contact_id);
    return row.contact_id;
  });
}
