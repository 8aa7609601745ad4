// A SAML 2.0 identity provider for tests: a key and a self-signed certificate made here, responses
// signed with xml-crypto (the Response, the Assertion, both or neither), knobs to get every detail
// wrong on purpose, and a small HTTP server on 127.0.0.1 that answers an AuthnRequest (HTTP-Redirect)
// with the auto-post form a real IdP sends to the ACS.
import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { type TestCertificate, selfSignedCertificate } from './certificate.ts';

export interface SamlTestUser {
  nameId: string;
  /** Default emailAddress; 'persistent' and 'transient' name the SAML 2.0 formats. */
  nameIdFormat?: 'emailAddress' | 'persistent' | 'transient' | 'unspecified';
  attributes?: Record<string, string | string[]>;
}

export interface SamlResponseOptions {
  user: SamlTestUser;
  /** The Response's and the bearer confirmation's InResponseTo (null: left out). */
  inResponseTo: string | null;
  /** Our ACS: the Destination and the Recipient unless those are given. */
  acsUrl: string;
  /** The Audience (our entity id). */
  audience: string;
  /** What is signed (default the assertion). */
  sign?: 'response' | 'assertion' | 'both' | 'none';
  /** Sign with another key than the one whose certificate the service trusts. */
  signWith?: TestCertificate;
  destination?: string | null;
  recipient?: string;
  subjectInResponseTo?: string | null;
  issuer?: string;
  issueInstant?: Date;
  /** Conditions' window (default from a minute ago to five minutes on). */
  notBefore?: Date | null;
  notOnOrAfter?: Date | null;
  /** The bearer confirmation's NotOnOrAfter (default five minutes on; null: left out). */
  subjectNotOnOrAfter?: Date | null;
  assertionId?: string;
  /** A non-success status (e.g. 'Requester'): the response then carries no assertion. */
  status?: string;
  /** Applied to the XML after signing (to tamper with it). */
  tamper?: (xml: string) => string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (d: Date) => d.toISOString();
const optAttr = (name: string, v: string | null | undefined) => (v == null ? '' : ` ${name}="${esc(v)}"`);
const FORMATS = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
};
export const samlId = (): string => `_${randomBytes(16).toString('hex')}`;

function sign(xml: string, element: 'Response' | 'Assertion', key: TestCertificate): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  const path = element === 'Response' ? "/*[local-name(.)='Response']" : "//*[local-name(.)='Assertion']";
  sig.addReference({
    xpath: path,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  // The signature goes right after the element's Issuer, as the schema orders it.
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${path}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

export interface ParsedAuthnRequest {
  id: string;
  issuer: string;
  acsUrl: string;
  destination: string;
  nameIdFormat: string | undefined;
  relayState: string | undefined;
}

/** Reads the AuthnRequest of an HTTP-Redirect address (deflated, base64, in SAMLRequest). */
export function parseAuthnRequest(url: string): ParsedAuthnRequest {
  const u = new URL(url);
  const encoded = u.searchParams.get('SAMLRequest');
  if (!encoded) throw new Error('no SAMLRequest in the address');
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const attr = (name: string) => new RegExp(`<samlp:AuthnRequest[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
  return {
    id: attr('ID') ?? '',
    acsUrl: attr('AssertionConsumerServiceURL') ?? '',
    destination: attr('Destination') ?? '',
    issuer: /<saml:Issuer[^>]*>([^<]*)<\/saml:Issuer>/.exec(xml)?.[1] ?? '',
    nameIdFormat: /<samlp:NameIDPolicy[^>]*\sFormat="([^"]*)"/.exec(xml)?.[1],
    relayState: u.searchParams.get('RelayState') ?? undefined,
  };
}

export class TestSamlIdp {
  readonly key: TestCertificate = selfSignedCertificate({ commonName: 'Test SAML IdP' });
  entityId = `https://idp.test/${randomBytes(4).toString('hex')}`;
  ssoUrl = 'http://127.0.0.1:9/sso';
  /** Who signs in at the next AuthnRequest the server answers, and what to get wrong. */
  next: { user: SamlTestUser } & Partial<Omit<SamlResponseOptions, 'user'>> = {
    user: { nameId: 'someone@example.com' },
  };
  /** The AuthnRequests the server received. */
  readonly requests: ParsedAuthnRequest[] = [];
  private server: Server | undefined;

  get certificatePem(): string {
    return this.key.certificatePem;
  }

  /** The Response XML (signed as asked, then tampered with if asked). */
  xml(o: SamlResponseOptions): string {
    const now = Date.now();
    const issuer = o.issuer ?? this.entityId;
    const responseId = samlId();
    const assertionId = o.assertionId ?? samlId();
    const instant = iso(o.issueInstant ?? new Date(now));
    const issuerEl = `<saml:Issuer>${esc(issuer)}</saml:Issuer>`;
    const status = `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:${o.status ?? 'Success'}"/></samlp:Status>`;
    const u = o.user;
    const attrs = Object.entries(u.attributes ?? {})
      .map(
        ([name, v]) =>
          `<saml:Attribute Name="${esc(name)}">${(Array.isArray(v) ? v : [v])
            .map((x) => `<saml:AttributeValue>${esc(x)}</saml:AttributeValue>`)
            .join('')}</saml:Attribute>`,
      )
      .join('');
    const notBefore = o.notBefore === undefined ? new Date(now - 60_000) : o.notBefore;
    const notOnOrAfter = o.notOnOrAfter === undefined ? new Date(now + 5 * 60_000) : o.notOnOrAfter;
    const subjectEnd = o.subjectNotOnOrAfter === undefined ? new Date(now + 5 * 60_000) : o.subjectNotOnOrAfter;
    const subjectIrt = o.subjectInResponseTo === undefined ? o.inResponseTo : o.subjectInResponseTo;
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${instant}">` +
      issuerEl +
      `<saml:Subject><saml:NameID Format="${FORMATS[u.nameIdFormat ?? 'emailAddress']}">${esc(u.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${optAttr(
        'InResponseTo',
        subjectIrt,
      )}${optAttr('NotOnOrAfter', subjectEnd && iso(subjectEnd))} Recipient="${esc(o.recipient ?? o.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions${optAttr('NotBefore', notBefore && iso(notBefore))}${optAttr(
        'NotOnOrAfter',
        notOnOrAfter && iso(notOnOrAfter),
      )}><saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${samlId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '') +
      '</saml:Assertion>';
    const success = (o.status ?? 'Success') === 'Success';
    let xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${instant}"${optAttr(
        'Destination',
        o.destination === undefined ? o.acsUrl : o.destination,
      )}${optAttr('InResponseTo', o.inResponseTo)}>` +
      issuerEl +
      status +
      (success ? assertion : '') +
      '</samlp:Response>';
    const key = o.signWith ?? this.key;
    const what = o.sign ?? 'assertion';
    if (success && (what === 'assertion' || what === 'both')) xml = sign(xml, 'Assertion', key);
    if (what === 'response' || what === 'both') xml = sign(xml, 'Response', key);
    return o.tamper ? o.tamper(xml) : xml;
  }

  /** The form field SAMLResponse: the Response, base64. */
  response(o: SamlResponseOptions): string {
    return Buffer.from(this.xml(o), 'utf8').toString('base64');
  }

  /** Serves GET /sso on 127.0.0.1: answers the AuthnRequest with the auto-post form to its ACS. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = `http://127.0.0.1${req.url ?? '/'}`;
      if (!url.includes('/sso')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const request = parseAuthnRequest(url);
        this.requests.push(request);
        const { user, ...knobs } = this.next;
        const body = this.response({
          user,
          inResponseTo: request.id,
          acsUrl: request.acsUrl,
          audience: request.issuer,
          ...knobs,
        });
        const relay = request.relayState
          ? `<input type="hidden" name="RelayState" value="${esc(request.relayState)}">`
          : '';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html><body><form method="post" action="${esc(request.acsUrl)}">` +
            `<input type="hidden" name="SAMLResponse" value="${body}">${relay}<button>Continue</button></form></body></html>`,
        );
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.ssoUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sso`;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** The auto-post form an IdP page holds: where it posts and its fields. */
export function autoPostForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the IdP's page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = m[2]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return { action: action.replace(/&amp;/g, '&'), fields };
}
