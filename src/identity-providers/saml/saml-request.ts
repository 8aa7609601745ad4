// The service provider's side of SP-initiated SAML 2.0 with @node-saml/node-saml: the AuthnRequest
// (HTTP-Redirect binding; the response comes back by HTTP-POST to the ACS) and the SP metadata.
import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo, generateServiceProviderMetadata, type CacheProvider } from '@node-saml/node-saml';
import {
  SAML_CLOCK_SKEW_MS,
  certificatesOf,
  type SamlProviderSettings,
  type SamlServiceProvider,
} from './saml-config.ts';

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/**
 * A new AuthnRequest ID: an xs:ID (starts with a letter or underscore), 160 random bits. The caller
 * keeps it with the pending sign-in; the response's InResponseTo must name it.
 */
export const newSamlRequestId = (): string => `_${randomBytes(20).toString('hex')}`;

/**
 * A cache that knows exactly one request: node-saml checks InResponseTo (on the Response and on the
 * assertion's SubjectConfirmationData) against it. The pending sign-in is the real record of the
 * request; this only hands its id to node-saml for the one validation.
 */
function oneRequest(requestId: string, issuedAt: string): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (key === requestId ? issuedAt : null),
    removeAsync: async () => null,
  };
}

/**
 * node-saml for one provider. Either the Response or the Assertion must be signed with the provider's
 * certificate (both `want…Signed` off is node-saml's "either", never "neither"); the audience is our
 * entity id; InResponseTo is always required.
 */
export function samlFor(
  provider: SamlProviderSettings,
  sp: SamlServiceProvider,
  request?: { id: string; issuedAt: string; lifetimeMs: number },
): SAML {
  return new SAML({
    entryPoint: provider.ssoUrl,
    callbackUrl: sp.acsUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    idpCert: certificatesOf(provider.certificate),
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: request?.lifetimeMs ?? 15 * 60_000,
    ...(request ? { cacheProvider: oneRequest(request.id, request.issuedAt) } : {}),
    // Without an email attribute the NameID must be the email; with one, the IdP picks its format.
    identifierFormat: provider.emailAttribute ? null : EMAIL_FORMAT,
    // An exact PasswordProtectedTransport request refuses MFA or Windows sign-ins at some IdPs.
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    ...(request ? { generateUniqueId: () => request.id } : {}),
  });
}

/**
 * The address to send the browser to: the IdP's SSO URL with the deflated AuthnRequest (ID =
 * `requestId`, our ACS URL and entity id) and `relayState`, which the IdP posts back unchanged.
 */
export async function samlAuthnRequestUrl(
  provider: SamlProviderSettings,
  sp: SamlServiceProvider,
  requestId: string,
  relayState: string,
): Promise<string> {
  const saml = samlFor(provider, sp, { id: requestId, issuedAt: new Date().toISOString(), lifetimeMs: 0 });
  return saml.getAuthorizeUrlAsync(relayState, undefined, {});
}

/**
 * The SP metadata an IdP administrator imports: our entity id, the ACS (HTTP-POST), that assertions
 * are wanted signed, and the NameID format we ask for. AuthnRequests are not signed (no SP key).
 */
export function samlMetadataXml(provider: SamlProviderSettings, sp: SamlServiceProvider): string {
  return generateServiceProviderMetadata({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    wantAssertionsSigned: true,
    identifierFormat: provider.emailAttribute ? null : EMAIL_FORMAT,
  });
}
