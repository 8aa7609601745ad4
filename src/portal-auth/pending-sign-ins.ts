// Pending external sign-ins: what a round trip to an identity provider must find again when it
// comes back (state, nonce, PKCE verifier, the invitation code, the intent, where to return).
// Kept server-side, bound to the browser's portal session, single use (a guarded update decides)
// and short-lived; the secrets in it are encrypted (purpose `external-sign-in`).
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import { randomToken } from '../shared/crypto.ts';
import { newId } from '../shared/ids.ts';

/** How long a sign-in at the provider may take. */
export const PENDING_TTL_MS = 10 * 60_000;

export type SignInIntent = 'sign-in' | 'sign-up' | 'redeem' | 'link';

export interface PendingSignIn {
  id: string;
  providerId: string;
  intent: SignInIntent;
  /** With `link`: the signed-in contact the identity becomes a sign-in method of. */
  contactId: string | null;
  /** The invitation code as the person gave it (redeemed after the sign-in), or null. */
  invitationCode: string | null;
  /** A checked path on this portal to go to afterwards, or null. */
  returnPath: string | null;
  /** Random values for the protocol: OIDC `state` (also SAML RelayState), `nonce`, PKCE verifier. */
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface NewPendingSignIn {
  providerId: string;
  /** The browser's portal session id (PortalSession.id) the sign-in is bound to. */
  sessionId: string;
  intent: SignInIntent;
  contactId?: string | null;
  invitationCode?: string | null;
  returnPath?: string | null;
  now?: Date;
}

interface Sealed {
  state: string;
  nonce: string;
  codeVerifier: string;
  invitationCode: string | null;
}

const hashOf = (ctx: AppContext, kind: string, value: string) =>
  ctx.secrets.hash('external-sign-in', `${kind}:${value}`);

/** Starts a pending sign-in; the caller sends the person to the provider with its state, nonce and verifier. */
export async function createPendingSignIn(ctx: AppContext, input: NewPendingSignIn): Promise<PendingSignIn> {
  const now = input.now ?? new Date();
  const sealed: Sealed = {
    state: randomToken(32),
    nonce: randomToken(32),
    // 43 characters of base64url: a valid PKCE code verifier (RFC 7636: 43 to 128).
    codeVerifier: randomToken(32),
    invitationCode: input.invitationCode?.trim() || null,
  };
  const id = newId();
  await ctx.db.transaction().execute(async (tx) => {
    // Old ones are only clutter (they can no longer be used): tidied as new ones are made.
    await tx
      .deleteFrom('pending_external_sign_ins')
      .where('expires_at', '<', new Date(now.getTime() - 24 * 3600_000).toISOString())
      .execute();
    await tx
      .insertInto('pending_external_sign_ins')
      .values({
        id,
        provider_id: input.providerId,
        session_hash: hashOf(ctx, 'session', input.sessionId),
        state_hash: hashOf(ctx, 'state', sealed.state),
        intent: input.intent,
        contact_id: input.intent === 'link' ? (input.contactId ?? null) : null,
        secrets_encrypted: ctx.secrets.encrypt('external-sign-in', JSON.stringify(sealed)),
        return_path: input.returnPath ?? null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + PENDING_TTL_MS).toISOString(),
        used_at: null,
      })
      .execute();
  });
  return {
    id,
    providerId: input.providerId,
    intent: input.intent,
    contactId: input.intent === 'link' ? (input.contactId ?? null) : null,
    invitationCode: sealed.invitationCode,
    returnPath: input.returnPath ?? null,
    state: sealed.state,
    nonce: sealed.nonce,
    codeVerifier: sealed.codeVerifier,
  };
}

const invalid = (why: string) =>
  new AppError('external-sign-in-failed', `The answer names no sign-in of this browser (${why}).`, {
    reason: 'external-response-invalid',
  });

const expired = (why: string) =>
  new AppError('external-sign-in-failed', `The sign-in is not pending any more (${why}); start it again.`, {
    reason: 'external-sign-in-expired',
  });

/**
 * Uses the pending sign-in the provider's answer names by `state`, once: it must be this
 * provider's, this browser session's, unused and not expired. Otherwise `external-sign-in-failed`:
 * reason external-response-invalid (unknown state, another provider's or browser's) or
 * external-sign-in-expired (used, expired); the detail, safe to log, says which.
 */
export async function consumePendingSignIn(
  ctx: AppContext,
  input: { state: string; sessionId: string; providerId: string; now?: Date },
): Promise<PendingSignIn> {
  const now = (input.now ?? new Date()).toISOString();
  if (!input.state) throw invalid('no state');
  const row = await ctx.db
    .selectFrom('pending_external_sign_ins')
    .selectAll()
    .where('state_hash', '=', hashOf(ctx, 'state', input.state))
    .executeTakeFirst();
  if (!row) throw invalid('unknown state');
  if (row.provider_id !== input.providerId) throw invalid('another provider’s state');
  if (row.session_hash !== hashOf(ctx, 'session', input.sessionId)) throw invalid('another browser session');
  if (row.used_at) throw expired('already used');
  if (row.expires_at <= now) throw expired('expired');
  // Single use: of two answers racing with the same state, the guarded update lets one through.
  const used = await ctx.db
    .updateTable('pending_external_sign_ins')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) throw expired('already used');
  const sealed = JSON.parse(ctx.secrets.decrypt('external-sign-in', row.secrets_encrypted)) as Sealed;
  return {
    id: row.id,
    providerId: row.provider_id,
    intent: row.intent,
    contactId: row.contact_id,
    invitationCode: sealed.invitationCode,
    returnPath: row.return_path,
    state: sealed.state,
    nonce: sealed.nonce,
    codeVerifier: sealed.codeVerifier,
  };
}

/**
 * The pending sign-in an answer names by `state`, read without using it and without the session:
 * the SAML ACS is reached by a cross-site POST, which brings no SameSite=Lax cookie. It must be this
 * provider's, unused and not expired (the same refusals as consumePendingSignIn); the same-site
 * continuation then uses it with consumePendingSignIn, where the session must match.
 */
export async function pendingSignInAwaitingAnswer(
  ctx: AppContext,
  input: { state: string; providerId: string; now?: Date },
): Promise<{ id: string; createdAt: string }> {
  const now = (input.now ?? new Date()).toISOString();
  if (!input.state) throw invalid('no state');
  const row = await ctx.db
    .selectFrom('pending_external_sign_ins')
    .select(['id', 'provider_id', 'created_at', 'expires_at', 'used_at'])
    .where('state_hash', '=', hashOf(ctx, 'state', input.state))
    .executeTakeFirst();
  if (!row) throw invalid('unknown state');
  if (row.provider_id !== input.providerId) throw invalid('another provider’s state');
  if (row.used_at) throw expired('already used');
  if (row.expires_at <= now) throw expired('expired');
  return { id: row.id, createdAt: row.created_at };
}
