// Everything after an identity provider vouched for someone (OIDC and SAML alike): find the
// contact, or link, or create one; redeem a pending invitation through the redemption service in
// the same transaction; answer what the session must hold. Nothing here knows HTTP or the protocol.
import type { AppContext } from '../context.ts';
import type { ContactRow, InvitationRow } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { contactsWithEmail, findContact, updateContactColumns } from '../contacts/contacts.repo.ts';
import { insertCreatedContact, newContactRow } from '../contacts/contacts.service.ts';
import { providerForSignIn } from '../identity-providers/identity-providers.service.ts';
import { invitedContactIdsOf } from '../invitations/invitations.repo.ts';
import {
  assertSignInMethod,
  checkBinding,
  type Client,
  externalSignInMethod,
  inRedemptionTransaction,
  lookUpCode,
  precheck,
  redeemInTransaction,
  redemptionResult,
  type RedeemResult,
  unavailableReason,
  verifiedEmailsOf,
} from '../redemption/redemption.service.ts';
import { AppError, conflict } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Locale } from '../shared/locale.ts';
import { nowIso } from '../shared/time.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { findExternalLogin, hasExternalLogin, insertExternalLogin } from './external-logins.repo.ts';
import type { PendingSignIn } from './pending-sign-ins.ts';
import type { SessionData } from './sessions.ts';

/** What the protocol (OIDC callback, SAML ACS) established, after every check of its own. */
export interface ExternalIdentity {
  providerId: string;
  /** The provider's stable id of the person (OIDC `sub`, SAML NameID). */
  subject: string;
  email: string | null;
  /** Only when the provider vouches for it (OIDC `email_verified: true`; SAML `trustEmail`). */
  emailVerified: boolean;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
}

export interface FinishExternalSignInInput {
  identity: ExternalIdentity;
  /** The pending sign-in, already used (consumePendingSignIn). */
  pending: PendingSignIn;
  client: Client;
  /** The page's language, for a contact made now. */
  locale: Locale;
}

export interface ExternalSignInOutcome {
  /** Start a session for this contact with `session` as its data. */
  contactId: string;
  session: SessionData;
  /** The redemption that committed, when the pending sign-in carried a code. */
  redemption: RedeemResult | null;
  /** Why the pending invitation was not redeemed; the person is signed in anyway, nothing was spent. */
  redemptionProblem: AppError | null;
  /** A contact was made now / the identity became a sign-in method of an existing contact now. */
  created: boolean;
  linked: boolean;
}

const norm = (e: string) => e.trim().toLowerCase();

const S = {
  enabled: 'Authentication/Registration/Enabled',
  open: 'Authentication/Registration/OpenRegistrationEnabled',
  invitation: 'Authentication/Registration/InvitationEnabled',
  unique: 'Authentication/Registration/RequireUniqueEmail',
} as const;

async function hasIdentity(db: Db | Tx, c: ContactRow): Promise<boolean> {
  return Boolean(c.password_hash) || (await hasExternalLogin(db, c.id));
}

/**
 * Finishes an external sign-in (OIDC callback, SAML ACS) once the protocol has verified the
 * identity and used the pending sign-in. In order:
 * 1. an external login with this provider + subject: that contact (with intent `link`, it must be
 *    the signed-in one, else `conflict` external-identity-linked-elsewhere);
 * 2. intent `link`: the identity becomes a sign-in method of the signed-in contact;
 * 3. a VERIFIED email equal to a contact's `emailaddress1`: linked to that contact (never on an
 *    unverified email);
 * 4. otherwise a new identity: with a pending invitation, a single invitation attaches it to the
 *    invited contact (no second contact) and a group one makes a contact where its binding allows;
 *    without one, a contact is made only where open registration and the provider's
 *    `allowRegistration` allow (else `registration-closed`).
 * A pending invitation is redeemed through the redemption service in the same transaction, with the
 * refusals of local accounts (binding on verified emails only, `sign-in-method-required` when the
 * invitation names another provider). For a contact found in 1–3 a refused redemption is returned
 * as `redemptionProblem` (signed in, nothing spent); for a new identity it is thrown and nothing is
 * created. Throws AppError for every refusal; the caller then starts no session.
 */
export async function finishExternalSignIn(
  ctx: AppContext,
  input: FinishExternalSignInInput,
): Promise<ExternalSignInOutcome> {
  const { identity, pending } = input;
  if (identity.providerId !== pending.providerId) throw new Error('the identity and the pending sign-in differ');
  const provider = await providerForSignIn(ctx, identity.providerId);
  const method = externalSignInMethod(provider.type, provider.id);
  const email = identity.email?.trim() || null;
  const vouched = identity.emailVerified && email ? [norm(email)] : [];
  const session: SessionData = { signInMethod: method, vouchedEmails: vouched };
  const invitation = pending.invitationCode ? await lookUpCode(ctx, pending.invitationCode, input.client) : null;
  const loginRow = () => ({
    id: newId(),
    contact_id: '',
    provider_id: provider.id,
    subject: identity.subject,
    email,
    created_at: nowIso(),
  });

  // 1–3: someone we know.
  let contact: ContactRow | undefined;
  let link = false;
  const existing = await findExternalLogin(ctx.db, provider.id, identity.subject);
  if (existing) {
    if (pending.intent === 'link' && pending.contactId && existing.contact_id !== pending.contactId)
      throw conflict(
        'This identity is already a sign-in method of another account.',
        'external-identity-linked-elsewhere',
      );
    contact = await findContact(ctx.db, existing.contact_id);
  } else if (pending.intent === 'link' && pending.contactId) {
    contact = await findContact(ctx.db, pending.contactId);
    if (!contact) throw new AppError('unauthorized', 'Sign in again.');
    link = true;
  } else if (email && vouched.length > 0) {
    const matches = await contactsWithEmail(ctx.db, email);
    contact = matches.find((c) => c.password_hash) ?? matches[0];
    link = contact !== undefined;
  }
  if (contact) {
    const known = contact;
    if (known.login_enabled !== 1 && (await hasIdentity(ctx.db, known)))
      throw new AppError('forbidden', 'Sign-in is disabled for this account. Contact the portal administrator.', {
        reason: 'sign-in-disabled',
      });
    const attach = async (tx: Tx) => {
      if (link) {
        await insertExternalLogin(tx, { ...loginRow(), contact_id: known.id });
        await writeAudit(tx, {
          actor: { type: 'contact', id: known.id },
          action: 'add-external-login',
          recordType: 'contact',
          recordId: known.id,
          details: { providerId: provider.id, matchedBy: pending.intent === 'link' ? 'signed-in' : 'verified-email' },
        });
      }
      const changes: Partial<ContactRow> = { last_sign_in_at: nowIso() };
      if (known.login_enabled !== 1) changes.login_enabled = 1;
      await updateContactColumns(tx, known.id, changes);
    };
    let redemptionProblem: AppError | null = null;
    if (invitation) {
      try {
        await precheck(ctx.db, invitation, known.id, verifiedEmailsOf(known, vouched));
        assertSignInMethod(invitation, method);
        const redeemed = await guarded(() =>
          inRedemptionTransaction(ctx, async (tx) => {
            await attach(tx);
            return redeemInTransaction(ctx, tx, {
              invitation,
              contactId: known.id,
              client: input.client,
              signInMethod: method,
            });
          }),
        );
        return {
          contactId: known.id,
          session,
          redemption: await redemptionResult(ctx.db, redeemed),
          redemptionProblem,
          created: false,
          linked: link,
        };
      } catch (err) {
        if (!(err instanceof AppError) || err.reason === 'external-identity-linked-elsewhere') throw err;
        redemptionProblem = err;
      }
    }
    await guarded(() => ctx.db.transaction().execute(attach));
    return { contactId: known.id, session, redemption: null, redemptionProblem, created: false, linked: link };
  }

  // 4: a new identity.
  if (!(await settingFlag(ctx, S.enabled)))
    throw new AppError('registration-closed', 'Sign-up is turned off on this portal.', { reason: 'sign-up-off' });
  if (email && (await settingFlag(ctx, S.unique))) {
    for (const c of await contactsWithEmail(ctx.db, email))
      if (await hasIdentity(ctx.db, c))
        throw conflict(
          'An account with this email address already exists. Sign in with it, then add this sign-in method on your profile.',
          'email-taken',
        );
  }
  if (invitation) {
    if (!(await settingFlag(ctx, S.invitation)))
      throw new AppError('registration-closed', 'Sign-up with an invitation is turned off on this portal.');
    const reason = unavailableReason(invitation);
    if (reason) throw reason;
    assertSignInMethod(invitation, method);
    const outcome =
      invitation.type === 'single'
        ? await newOnSingle(ctx, input, invitation, vouched, method, loginRow)
        : await newOnGroup(ctx, input, invitation, vouched, method, loginRow);
    return {
      ...outcome,
      session,
      redemption: await redemptionResult(ctx.db, outcome.redeemed),
      redemptionProblem: null,
      linked: false,
    };
  }
  if (!(await settingFlag(ctx, S.open)) || !provider.allowRegistration)
    throw new AppError(
      'registration-closed',
      'Sign-up is open only through an invitation. Use the link or code from your invitation.',
    );
  const row = contactRowFor(identity, email, vouched, input.locale);
  await guarded(() =>
    ctx.db.transaction().execute(async (tx) => {
      await insertCreatedContact(tx, row);
      await insertExternalLogin(tx, { ...loginRow(), contact_id: row.id });
    }),
  );
  return { contactId: row.id, session, redemption: null, redemptionProblem: null, created: true, linked: false };
}

function contactRowFor(
  identity: ExternalIdentity,
  email: string | null,
  vouched: string[],
  locale: Locale,
): ContactRow {
  return newContactRow({
    first_name: identity.firstName?.trim() || null,
    last_name: identity.lastName?.trim() || null,
    emailaddress1: email,
    email_confirmed: email && vouched.includes(norm(email)) ? 1 : 0,
    locale,
    last_sign_in_at: nowIso(),
  });
}

type LoginRow = () => {
  id: string;
  contact_id: string;
  provider_id: string;
  subject: string;
  email: string | null;
  created_at: string;
};

/** A single invitation's code: the identity goes on the invited contact, which gets no second one. */
async function newOnSingle(
  ctx: AppContext,
  input: FinishExternalSignInInput,
  invitation: InvitationRow,
  vouched: string[],
  method: string,
  loginRow: LoginRow,
) {
  const invitedId = (await invitedContactIdsOf(ctx.db, [invitation.id])).get(invitation.id)?.[0];
  const invited = invitedId ? await findContact(ctx.db, invitedId) : undefined;
  if (!invited) throw new AppError('invitation-not-found', 'This invitation has no invited contact.');
  if (await hasIdentity(ctx.db, invited))
    throw conflict(
      'The invited person already has an account. Sign in with it, then redeem the code.',
      'invited-has-account',
    );
  // Binding: only what the provider vouched for counts (the code alone proves no mailbox here).
  await precheck(ctx.db, invitation, invited.id, vouched);
  const { identity } = input;
  const redeemed = await guarded(() =>
    inRedemptionTransaction(ctx, async (tx) => {
      const redeemed = await redeemInTransaction(ctx, tx, {
        invitation,
        contactId: invited.id,
        client: input.client,
        signInMethod: method,
      });
      const changes: Partial<ContactRow> = { login_enabled: 1, last_sign_in_at: nowIso(), updated_at: nowIso() };
      if (identity.firstName?.trim() && !invited.first_name) changes.first_name = identity.firstName.trim();
      if (identity.lastName?.trim() && !invited.last_name) changes.last_name = identity.lastName.trim();
      if (invited.emailaddress1 && vouched.includes(norm(invited.emailaddress1))) changes.email_confirmed = 1;
      await updateContactColumns(tx, invited.id, changes);
      await insertExternalLogin(tx, { ...loginRow(), contact_id: invited.id });
      return redeemed;
    }),
  );
  return { contactId: invited.id, redeemed, created: false };
}

/** A group code proves no one's mailbox: a new contact where the binding allows, on verified email. */
async function newOnGroup(
  ctx: AppContext,
  input: FinishExternalSignInInput,
  invitation: InvitationRow,
  vouched: string[],
  method: string,
  loginRow: LoginRow,
) {
  await checkBinding(ctx.db, invitation, vouched);
  const row = contactRowFor(input.identity, input.identity.email?.trim() || null, vouched, input.locale);
  const redeemed = await guarded(() =>
    inRedemptionTransaction(ctx, async (tx) => {
      await insertCreatedContact(tx, row);
      await insertExternalLogin(tx, { ...loginRow(), contact_id: row.id });
      return redeemInTransaction(ctx, tx, {
        invitation,
        contactId: row.id,
        client: input.client,
        signInMethod: method,
      });
    }),
  );
  return { contactId: row.id, redeemed, created: true };
}

/** Two callbacks of the same identity racing: the unique (provider, subject) lets one link it. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (
      isUniqueViolation(err) &&
      /external_logins/.test(String((err as Error).message) + String((err as { constraint?: string }).constraint ?? ''))
    )
      throw conflict(
        'This identity was linked at the same moment; sign in again.',
        'external-identity-linked-elsewhere',
      );
    throw err;
  }
}
