// SAML sign-in as the portal's routes use it: a provider's SP metadata, the AuthnRequest address, and
// the ACS's verification with its replay record, each refusal an `external-sign-in-failed` AppError
// (reason `external-response-invalid` or `external-provider-error`; the SAML reason in its detail).
import type { AppContext } from '../../context.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { findProvider } from '../identity-providers.repo.ts';
import type { SamlConfig } from '../identity-providers.service.ts';
import { acceptAssertionOnce, takeVerifiedIdentity } from './saml-assertions.repo.ts';
import {
  SamlFailure,
  type SamlFailureReason,
  type SamlIdentity,
  type SamlProviderSettings,
  samlServiceProvider,
} from './saml-config.ts';
import { samlAuthnRequestUrl, samlMetadataXml } from './saml-request.ts';
import { verifySamlResponse } from './saml-response.ts';

export const samlSettingsOf = (p: { id: string; saml: SamlConfig }): SamlProviderSettings => ({
  id: p.id,
  entityId: p.saml.entityId,
  ssoUrl: p.saml.ssoUrl,
  certificate: p.saml.certificate,
  emailAttribute: p.saml.emailAttribute ?? null,
  trustEmail: p.saml.trustEmail === true,
});

/**
 * The AuthnRequest ID of a pending sign-in: its random state (base64url) made an xs:ID. The response
 * must name it in InResponseTo; the state itself travels as the RelayState.
 */
export const samlRequestId = (state: string): string => `_${state}`;

/** The refusal a page shows for a SAML failure; the SAML reason stays in the detail for the log. */
export function samlRefusal(reason: SamlFailureReason, detail: string): AppError {
  return new AppError('external-sign-in-failed', `SAML response refused (${reason}): ${detail}`, {
    reason: reason === 'idp-error' ? 'external-provider-error' : 'external-response-invalid',
  });
}

/**
 * The SP metadata of a SAML provider, enabled or not (an IdP is set up before the provider is
 * switched on); not-found for an unknown id or an OIDC provider.
 */
export async function samlMetadata(ctx: AppContext, id: string): Promise<string> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findProvider(ctx.db, id) : undefined;
  if (row?.type !== 'saml') throw notFound('The SAML identity provider');
  const settings = samlSettingsOf({ id: row.id, saml: JSON.parse(row.config) as SamlConfig });
  return samlMetadataXml(settings, samlServiceProvider(ctx.config.publicUrl, row.id));
}

/** Where to send the browser: the IdP's SSO URL with our AuthnRequest `requestId` and `relayState`. */
export function samlRequestUrl(
  ctx: AppContext,
  provider: SamlProviderSettings,
  requestId: string,
  relayState: string,
): Promise<string> {
  return samlAuthnRequestUrl(provider, samlServiceProvider(ctx.config.publicUrl, provider.id), requestId, relayState);
}

/**
 * The ACS: verifies the posted response as the answer to `request` and records its assertion, once
 * (a second post of it is a `replay`). The identity then waits for `takeSamlIdentity`.
 */
export async function acceptSamlResponse(
  ctx: AppContext,
  provider: SamlProviderSettings,
  samlResponse: string,
  request: { id: string; issuedAt: string; lifetimeMs: number },
  now: Date = new Date(),
): Promise<SamlIdentity> {
  const sp = samlServiceProvider(ctx.config.publicUrl, provider.id);
  let verified: Awaited<ReturnType<typeof verifySamlResponse>>;
  try {
    verified = await verifySamlResponse({ provider, sp, samlResponse, request, now });
  } catch (err) {
    if (err instanceof SamlFailure) throw samlRefusal(err.reason, err.message);
    throw err;
  }
  const fresh = await ctx.db.transaction().execute((tx) =>
    acceptAssertionOnce(
      tx,
      {
        providerId: provider.id,
        assertionId: verified.assertionId,
        requestId: request.id,
        identity: verified.identity,
        acceptableUntil: verified.acceptableUntil,
      },
      now,
    ),
  );
  if (!fresh) throw samlRefusal('replay', 'the assertion (or an answer to this request) was accepted before');
  return verified.identity;
}

/** The identity the ACS verified for this request, once; `external-sign-in-expired` otherwise. */
export async function takeSamlIdentity(
  ctx: AppContext,
  providerId: string,
  requestId: string,
  now: Date = new Date(),
): Promise<SamlIdentity> {
  const identity = await takeVerifiedIdentity(ctx.db, providerId, requestId, now);
  if (!identity)
    throw new AppError('external-sign-in-failed', 'The SAML sign-in was already used or took too long.', {
      reason: 'external-sign-in-expired',
    });
  return identity;
}
