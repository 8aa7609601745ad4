// The SAML service provider on its own: the AuthnRequest and metadata it sends, every refusal of a
// posted Response (signed by a test IdP with its own key and certificate), and the replay record.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../test/helpers/certificate.ts';
import { useTestDatabase } from '../../../test/helpers/db.ts';
import { type SamlResponseOptions, TestSamlIdp, parseAuthnRequest, samlId } from '../../../test/helpers/saml-idp.ts';
import { providerUrls } from '../identity-providers.service.ts';
import { acceptAssertionOnce, takeVerifiedIdentity } from './saml-assertions.repo.ts';
import { SamlFailure, type SamlProviderSettings, samlServiceProvider } from './saml-config.ts';
import { newSamlRequestId, samlAuthnRequestUrl, samlMetadataXml } from './saml-request.ts';
import { responseDestination, verifySamlResponse } from './saml-response.ts';

const idp = new TestSamlIdp();
const providerId = randomUUID();
const sp = samlServiceProvider('http://localhost:3000/', providerId);
const provider = (over: Partial<SamlProviderSettings> = {}): SamlProviderSettings => ({
  id: providerId,
  entityId: idp.entityId,
  ssoUrl: 'https://idp.test/sso?tenant=1',
  certificate: idp.certificatePem,
  emailAttribute: null,
  trustEmail: true,
  ...over,
});

const requestId = newSamlRequestId();
const request = { id: requestId, issuedAt: new Date().toISOString(), lifetimeMs: 10 * 60_000 };
const base = (over: Partial<SamlResponseOptions> = {}): SamlResponseOptions => ({
  user: { nameId: 'Ada@Example.com', attributes: { givenName: 'Ada', sn: 'Lovelace' } },
  inResponseTo: requestId,
  acsUrl: sp.acsUrl,
  audience: sp.entityId,
  ...over,
});
const verify = (o: Partial<SamlResponseOptions> = {}, settings = provider(), now?: Date) =>
  verifySamlResponse({ provider: settings, sp, samlResponse: idp.response(base(o)), request, ...(now ? { now } : {}) });

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SamlFailure);
    return (err as SamlFailure).reason;
  }
  throw new Error('the response was accepted');
}

describe('the service provider', () => {
  it('addresses the ACS and entity id under the provider', () => {
    expect(sp).toEqual({
      acsUrl: `http://localhost:3000/portal/auth/saml/${providerId}/acs`,
      entityId: `http://localhost:3000/portal/auth/saml/${providerId}/metadata`,
    });
    // The same addresses the providers API shows.
    const api = providerUrls('http://localhost:3000', providerId);
    expect(sp).toEqual({ acsUrl: api.acsUrl, entityId: api.spEntityId });
  });

  it('sends an AuthnRequest by HTTP-Redirect with our id, ACS, entity id and RelayState', async () => {
    const url = await samlAuthnRequestUrl(provider(), sp, requestId, 'relay-1');
    expect(url.startsWith('https://idp.test/sso?tenant=1&SAMLRequest=')).toBe(true);
    const req = parseAuthnRequest(url);
    expect(req).toMatchObject({ id: requestId, acsUrl: sp.acsUrl, issuer: sp.entityId, relayState: 'relay-1' });
    expect(req.destination).toBe('https://idp.test/sso?tenant=1');
    expect(req.nameIdFormat).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    const withAttribute = parseAuthnRequest(
      await samlAuthnRequestUrl(provider({ emailAttribute: 'mail' }), sp, requestId, 'r'),
    );
    expect(withAttribute.nameIdFormat).toBeUndefined();
    expect(newSamlRequestId()).toMatch(/^_[0-9a-f]{40}$/);
  });

  it('describes itself in metadata: entity id, ACS by HTTP-POST, signed assertions wanted', () => {
    const xml = samlMetadataXml(provider(), sp);
    expect(xml).toContain(`entityID="${sp.entityId}"`);
    expect(xml).toContain(
      `<AssertionConsumerService index="1" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sp.acsUrl}"/>`,
    );
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain('AuthnRequestsSigned="false"');
  });
});

describe('a valid response', () => {
  for (const sign of ['assertion', 'response', 'both'] as const) {
    it(`is accepted with the ${sign} signed, and names the identity`, async () => {
      const v = await verify({ sign });
      expect(v.identity).toEqual({
        providerId,
        subject: 'Ada@Example.com',
        email: 'Ada@Example.com',
        emailVerified: true,
        firstName: 'Ada',
        lastName: 'Lovelace',
      });
      expect(v.assertionId).toMatch(/^_/);
      expect(Date.parse(v.acceptableUntil)).toBeGreaterThan(Date.now() + 5 * 60_000);
    });
  }

  it('takes the email from emailAttribute, and trusts it only with trustEmail', async () => {
    const user = {
      nameId: 'u-123',
      nameIdFormat: 'persistent' as const,
      attributes: { mail: ['b@example.com', 'x@y.z'] },
    };
    const trusted = await verify({ user }, provider({ emailAttribute: 'mail' }));
    expect(trusted.identity).toMatchObject({ subject: 'u-123', email: 'b@example.com', emailVerified: true });
    const untrusted = await verify({ user }, provider({ emailAttribute: 'mail', trustEmail: false }));
    expect(untrusted.identity).toMatchObject({ email: 'b@example.com', emailVerified: false });
    // Without an attribute, a persistent NameID is no email; neither is a NameID that is not one.
    expect((await verify({ user })).identity).toMatchObject({ email: null, emailVerified: false });
    const odd = await verify({ user: { nameId: 'not an email', nameIdFormat: 'unspecified' } });
    expect(odd.identity).toMatchObject({ email: null, emailVerified: false });
  });

  it('reads the root Destination from the start tag only', () => {
    expect(responseDestination('<?xml version="1.0"?><samlp:Response ID="x" Destination="a&amp;b">')).toBe('a&b');
    expect(responseDestination("<Response Destination='d'><x Destination='e'/>")).toBe('d');
    expect(responseDestination('<samlp:Response ID="x">')).toBeUndefined();
    expect(responseDestination('<!DOCTYPE x><samlp:Response Destination="d">')).toBeNull();
    expect(responseDestination('<samlp:LogoutResponse Destination="d">')).toBeNull();
  });
});

describe('a response is refused', () => {
  const other = selfSignedCertificate({ commonName: 'Someone else' });
  const minutes = (n: number) => new Date(Date.now() + n * 60_000);

  it('unsigned, or signed by another key (signature)', async () => {
    expect(await refusal(verify({ sign: 'none' }))).toBe('signature');
    expect(await refusal(verify({ signWith: other }))).toBe('signature');
    expect(await refusal(verify({ sign: 'response', signWith: other }))).toBe('signature');
  });

  it('tampered with after signing: the assertion, or the signed response (signature)', async () => {
    const changeName = (xml: string) => xml.replace('>Ada@Example.com<', '>eve@example.com<');
    expect(await refusal(verify({ tamper: changeName }))).toBe('signature');
    expect(await refusal(verify({ sign: 'response', tamper: changeName }))).toBe('signature');
    const changeAudience = (xml: string) => xml.replace(`>${sp.entityId}<`, '>https://elsewhere.test<');
    expect(await refusal(verify({ sign: 'both', tamper: changeAudience }))).toBe('signature');
  });

  it('with a second, unsigned assertion wrapped beside the signed one (signature)', async () => {
    const wrap = (xml: string) => {
      const start = xml.indexOf('<saml:Assertion');
      const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
      const evil = xml
        .slice(start, end)
        .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
        .replace(/ID="[^"]+"/, `ID="${samlId()}"`)
        .replace('>Ada@Example.com<', '>eve@example.com<');
      return xml.slice(0, start) + evil + xml.slice(start);
    };
    expect(await refusal(verify({ tamper: wrap }))).toBe('signature');
  });

  it('for another audience (audience)', async () => {
    expect(await refusal(verify({ audience: 'https://other-sp.test' }))).toBe('audience');
    expect(await refusal(verify({ sign: 'response', audience: 'https://other-sp.test' }))).toBe('audience');
  });

  it('for another ACS: Destination or Recipient (destination)', async () => {
    expect(await refusal(verify({ destination: 'https://other-sp.test/acs' }))).toBe('destination');
    expect(await refusal(verify({ sign: 'response', destination: 'https://other-sp.test/acs' }))).toBe('destination');
    expect(await refusal(verify({ recipient: 'https://other-sp.test/acs' }))).toBe('destination');
    // A Destination is optional when the Response is not signed; the signed Recipient still binds.
    expect((await verify({ destination: null })).identity.subject).toBe('Ada@Example.com');
  });

  it('not answering the pending request (in-response-to)', async () => {
    expect(await refusal(verify({ inResponseTo: newSamlRequestId() }))).toBe('in-response-to');
    expect(await refusal(verify({ inResponseTo: null }))).toBe('in-response-to');
    expect(await refusal(verify({ subjectInResponseTo: newSamlRequestId() }))).toBe('in-response-to');
    expect(await refusal(verify({ subjectInResponseTo: null }))).toBe('in-response-to');
  });

  it('outside its time window, on the real clock and on a given now (time-window)', async () => {
    const past = { notBefore: minutes(-20), notOnOrAfter: minutes(-10), subjectNotOnOrAfter: minutes(-10) };
    expect(await refusal(verify(past))).toBe('time-window');
    expect(await refusal(verify({ notBefore: minutes(10) }))).toBe('time-window');
    expect(await refusal(verify({ subjectNotOnOrAfter: minutes(-10) }))).toBe('time-window');
    expect(await refusal(verify({ subjectNotOnOrAfter: null }))).toBe('time-window');
    // The clock moved by passing `now`: six minutes on, the five-minute assertion is past the skew…
    expect(await refusal(verify({}, provider(), minutes(8)))).toBe('time-window');
    expect(await refusal(verify({}, provider(), minutes(-10)))).toBe('time-window');
    // …one minute past its end it is still inside the two-minute skew.
    expect((await verify({}, provider(), minutes(6))).identity.subject).toBe('Ada@Example.com');
  });

  it('from another issuer, though signed with the configured key (issuer)', async () => {
    expect(await refusal(verify({ issuer: 'https://impostor.test' }))).toBe('issuer');
  });

  it('when the IdP reports an error (idp-error)', async () => {
    expect(await refusal(verify({ status: 'Requester', sign: 'none' }))).toBe('idp-error');
    expect(await refusal(verify({ status: 'Responder', sign: 'response' }))).toBe('idp-error');
  });

  it('when it is no SAML response at all (malformed)', async () => {
    const check = (samlResponse: string) => verifySamlResponse({ provider: provider(), sp, samlResponse, request });
    expect(await refusal(check('not base64 at all'))).toBe('malformed');
    expect(await refusal(check(Buffer.from('<html/>').toString('base64')))).toBe('malformed');
    const noAssertion =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" InResponseTo="${requestId}">` +
      '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>';
    expect(await refusal(check(Buffer.from(noAssertion).toString('base64')))).toBe('malformed');
  });
});

describe('the replay record', () => {
  const database = useTestDatabase();
  const identity = { providerId, subject: 's', email: null, emailVerified: false };
  const later = (ms: number) => new Date(Date.now() + ms);

  beforeAll(async () => {
    const now = new Date().toISOString();
    await database.db
      .insertInto('identity_providers')
      .values({
        id: providerId,
        type: 'saml',
        name: 'Test',
        config: '{}',
        enabled: 1,
        allow_registration: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  afterAll(async () => {
    await idp.close();
  });

  it('accepts an assertion once, and a request once', async () => {
    const assertionId = samlId();
    const row = {
      providerId,
      assertionId,
      requestId: newSamlRequestId(),
      identity,
      acceptableUntil: later(60_000).toISOString(),
    };
    const once = (r: typeof row) => database.db.transaction().execute((tx) => acceptAssertionOnce(tx, r, new Date()));
    expect(await once(row)).toBe(true);
    expect(await once(row)).toBe(false);
    expect(await once({ ...row, requestId: newSamlRequestId() })).toBe(false);
    expect(await once({ ...row, assertionId: samlId() })).toBe(false);
  });

  it('hands the identity over once, within the hand-off window', async () => {
    const requestIdA = newSamlRequestId();
    const requestIdB = newSamlRequestId();
    const until = later(60_000).toISOString();
    await database.db.transaction().execute(async (tx) => {
      await acceptAssertionOnce(
        tx,
        { providerId, assertionId: samlId(), requestId: requestIdA, identity, acceptableUntil: until },
        new Date(),
      );
      await acceptAssertionOnce(
        tx,
        { providerId, assertionId: samlId(), requestId: requestIdB, identity, acceptableUntil: until },
        new Date(),
      );
    });
    expect(await takeVerifiedIdentity(database.db, providerId, requestIdA, new Date())).toEqual(identity);
    expect(await takeVerifiedIdentity(database.db, providerId, requestIdA, new Date())).toBeUndefined();
    expect(await takeVerifiedIdentity(database.db, randomUUID(), requestIdB, new Date())).toBeUndefined();
    expect(await takeVerifiedIdentity(database.db, providerId, requestIdB, later(6 * 60_000))).toBeUndefined();
  });

  it('forgets an assertion once it could no longer be accepted anyway', async () => {
    const row = {
      providerId,
      assertionId: samlId(),
      requestId: newSamlRequestId(),
      identity,
      acceptableUntil: later(60_000).toISOString(),
    };
    const at = (now: Date, r = row) => database.db.transaction().execute((tx) => acceptAssertionOnce(tx, r, now));
    expect(await at(new Date())).toBe(true);
    // Kept for the hand-off's five minutes even though the assertion ends in one…
    expect(await at(later(4 * 60_000), { ...row, requestId: newSamlRequestId() })).toBe(false);
    // …then cleared: by then its time window refuses it before the record is asked.
    expect(await at(later(6 * 60_000), { ...row, requestId: newSamlRequestId() })).toBe(true);
  });
});
