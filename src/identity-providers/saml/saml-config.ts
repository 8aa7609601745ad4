// What the SAML part needs to know of a provider and of the service itself, the addresses the
// service offers an identity provider, and the one way a SAML sign-in fails (a reason, never a secret).

/** A SAML provider's settings (the identity provider's entity id, SSO URL and PEM certificate). */
export interface SamlProviderSettings {
  id: string;
  /** The identity provider's entity id: the Issuer its assertions must carry. */
  entityId: string;
  /** Where the AuthnRequest goes (HTTP-Redirect binding). */
  ssoUrl: string;
  /** The identity provider's signing certificate(s), PEM; several blocks during a key rollover. */
  certificate: string;
  /** The attribute holding the email; null or '' = the NameID when it is an email address. */
  emailAttribute: string | null;
  /** Whether the provider vouches for the email it sends (it then counts as verified). */
  trustEmail: boolean;
}

/** The service as the provider's service provider: the audience to address and where to post. */
export interface SamlServiceProvider {
  entityId: string;
  acsUrl: string;
}

const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/** The ACS (Assertion Consumer Service) address of a provider: where its IdP posts the response. */
export const samlAcsUrl = (publicUrl: string, providerId: string): string =>
  `${base(publicUrl)}/portal/auth/saml/${encodeURIComponent(providerId)}/acs`;

/** The service's entity id towards a provider (the audience): its metadata address, as is usual. */
export const samlSpEntityId = (publicUrl: string, providerId: string): string =>
  `${base(publicUrl)}/portal/auth/saml/${encodeURIComponent(providerId)}/metadata`;

export const samlServiceProvider = (publicUrl: string, providerId: string): SamlServiceProvider => ({
  entityId: samlSpEntityId(publicUrl, providerId),
  acsUrl: samlAcsUrl(publicUrl, providerId),
});

/**
 * How far the identity provider's clock may be from ours when NotBefore / NotOnOrAfter are checked:
 * two minutes, enough for machines synchronised by NTP, small enough to keep expired assertions out.
 */
export const SAML_CLOCK_SKEW_MS = 2 * 60_000;

/**
 * Why a SAML response was refused. `malformed`: not a SAML response we can read (not base64, not
 * XML, no assertion, no NameID); `issuer`: signed with the configured certificate but issued by
 * another entity id.
 */
export const samlFailureReasons = [
  'signature',
  'audience',
  'destination',
  'in-response-to',
  'replay',
  'time-window',
  'idp-error',
  'issuer',
  'malformed',
] as const;
export type SamlFailureReason = (typeof samlFailureReasons)[number];

/** A refused SAML response: the reason for the page, and a log line that holds no assertion or key. */
export class SamlFailure extends Error {
  readonly reason: SamlFailureReason;
  constructor(reason: SamlFailureReason, logDetail: string) {
    super(logDetail);
    this.name = 'SamlFailure';
    this.reason = reason;
  }
}

/** The identity a verified SAML assertion names. */
export interface SamlIdentity {
  providerId: string;
  /** The NameID. */
  subject: string;
  email: string | null;
  /** True only with `trustEmail` (and an email). */
  emailVerified: boolean;
  firstName?: string;
  lastName?: string;
}

/** The PEM certificates of a provider's `certificate` field, one per block. */
export function certificatesOf(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  return blocks && blocks.length > 0 ? blocks.map((b) => `${b.trim()}\n`) : [pem.trim()];
}
