// OpenID Connect with openid-client 6 (functional API): discovery (cached per provider version),
// the authorization URL (code flow, PKCE S256, state, nonce), and the callback's code exchange with
// the ID token checked: issuer, audience, expiry, nonce and — enableNonRepudiationChecks — its
// signature against the issuer's keys. `http://` issuers are reachable only on a loopback host.
import * as oidc from 'openid-client';
import type { ProviderForSignIn } from '../identity-providers/identity-providers.service.ts';
import { isLoopbackHost } from '../identity-providers/identity-providers.schema.ts';
import { AppError } from '../shared/errors.ts';
import type { ExternalIdentity } from './external-sign-in.service.ts';
import type { PendingSignIn } from './pending-sign-ins.ts';

type OidcProvider = Extract<ProviderForSignIn, { type: 'oidc' }>;

const DISCOVERY_TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

const failed = (
  reason: 'external-response-invalid' | 'external-provider-error' | 'external-provider-unavailable',
  detail: string,
) => new AppError('external-sign-in-failed', detail, { reason });

/** The provider's configuration from its discovery document (re-read after 10 minutes or a change). */
export function oidcConfiguration(p: OidcProvider): Promise<oidc.Configuration> {
  const key = JSON.stringify([p.id, p.oidc.issuer, p.oidc.clientId, p.clientSecret]);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const issuer = new URL(p.oidc.issuer);
  const insecure = issuer.protocol === 'http:';
  if (insecure && !isLoopbackHost(issuer.hostname))
    return Promise.reject(failed('external-provider-unavailable', 'an http:// issuer off a loopback host'));
  const config = oidc
    .discovery(
      issuer,
      p.oidc.clientId,
      p.clientSecret ?? undefined,
      p.clientSecret ? oidc.ClientSecretPost(p.clientSecret) : oidc.None(),
      { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 },
    )
    .then((c) => {
      oidc.enableNonRepudiationChecks(c);
      return c;
    });
  // A failed discovery is not kept: the next sign-in tries again.
  config.catch(() => cache.delete(key));
  cache.set(key, { at: Date.now(), config });
  return config;
}

async function configurationOrFail(p: OidcProvider): Promise<oidc.Configuration> {
  try {
    return await oidcConfiguration(p);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw failed('external-provider-unavailable', `discovery failed: ${(err as Error).message}`);
  }
}

/** Where to send the person: the provider's authorization endpoint with this pending sign-in's values. */
export async function oidcAuthorizationUrl(p: OidcProvider, pending: PendingSignIn, callbackUrl: string): Promise<URL> {
  const config = await configurationOrFail(p);
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl,
    scope: p.oidc.scopes.join(' '),
    response_type: 'code',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  });
}

/**
 * The callback: exchanges the code (PKCE verifier, expected state and nonce) and reads the checked
 * ID token. The email counts as verified only with `email_verified: true`. Every failure is
 * `external-sign-in-failed` with the reason (the IdP's error response, or a failed check).
 */
export async function oidcIdentity(
  p: OidcProvider,
  pending: PendingSignIn,
  currentUrl: URL,
  callbackUrl: string,
): Promise<ExternalIdentity> {
  const config = await configurationOrFail(p);
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(
      config,
      currentUrl,
      {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      },
      { redirect_uri: callbackUrl },
    );
  } catch (err) {
    if (err instanceof oidc.AuthorizationResponseError)
      throw failed('external-provider-error', `the provider answered ${err.error}`);
    if (err instanceof oidc.ResponseBodyError)
      throw failed('external-provider-error', `the token endpoint answered ${err.error}`);
    const e = err as Error & { code?: string };
    throw failed('external-response-invalid', `${e.code ?? e.name}: ${e.message}`);
  }
  const claims = tokens.claims();
  if (!claims?.sub) throw failed('external-response-invalid', 'no ID token subject');
  const email = typeof claims.email === 'string' ? claims.email : null;
  return {
    providerId: p.id,
    subject: claims.sub,
    email,
    emailVerified: email !== null && claims.email_verified === true,
    firstName: typeof claims.given_name === 'string' ? claims.given_name : null,
    lastName: typeof claims.family_name === 'string' ? claims.family_name : null,
  };
}
