// Verifies a SAML Response posted to the ACS. node-saml checks the signature (the Response's or the
// Assertion's, with the provider's certificate; only the signed bytes are read further), the audience,
// InResponseTo and the time window on its own clock; here we add what it leaves out — the Issuer,
// Recipient and Destination, InResponseTo required on the bearer confirmation, and the time window
// again on the caller's `now` — and read the identity. Replay (an assertion used once) is the
// caller's, with the assertion id and validity this returns (saml-replay.repo.ts).
import { SamlStatusError, type Profile } from '@node-saml/node-saml';
import { emailSchema } from '../../shared/schemas.ts';
import {
  SAML_CLOCK_SKEW_MS,
  SamlFailure,
  type SamlFailureReason,
  type SamlIdentity,
  type SamlProviderSettings,
  type SamlServiceProvider,
} from './saml-config.ts';
import { samlFor } from './saml-request.ts';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const NON_EMAIL_FORMATS = new Set([
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
]);
const GIVEN_NAME = [
  'givenName',
  'firstName',
  'urn:oid:2.5.4.42',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
];
const SURNAME = [
  'sn',
  'surname',
  'lastName',
  'urn:oid:2.5.4.4',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
];

export interface SamlResponseCheck {
  provider: SamlProviderSettings;
  sp: SamlServiceProvider;
  /** The form's SAMLResponse (base64). */
  samlResponse: string;
  /** The pending request: its AuthnRequest ID, when it was made and how long it may be answered. */
  request: { id: string; issuedAt: string; lifetimeMs: number };
  now?: Date;
}

export interface VerifiedSamlAssertion {
  identity: SamlIdentity;
  /** The signed assertion's ID, to be accepted once. */
  assertionId: string;
  /** Until when the assertion would be accepted (with the skew): its replay record must last as long. */
  acceptableUntil: string;
}

// node-saml speaks in messages; these are its 5.1 texts, tested one by one in saml.test.ts.
const NODE_SAML_REASONS: Array<[RegExp, SamlFailureReason]> = [
  [/signature|Cannot obtain assertion|Too many signatures|ref URI|Referenced node/i, 'signature'],
  [/audience/i, 'audience'],
  [/InResponseTo/i, 'in-response-to'],
  [
    /not yet valid|expired|No valid subject confirmation|Error parsing (NotBefore|NotOnOrAfter|IssueInstant)/i,
    'time-window',
  ],
];

function classify(err: unknown): SamlFailure {
  if (err instanceof SamlFailure) return err;
  if (err instanceof SamlStatusError) return new SamlFailure('idp-error', err.message);
  const message = err instanceof Error ? err.message : String(err);
  const found = NODE_SAML_REASONS.find(([re]) => re.test(message));
  return new SamlFailure(found ? found[1] : 'malformed', message.slice(0, 300));
}

// xml2js as node-saml parses (explicitCharkey, prefixes stripped): attributes in `$`, text in `_`.
type Node = { $?: Record<string, string>; _?: string } & Record<string, unknown>;
const children = (node: Node | undefined, name: string): Node[] => (node?.[name] as Node[] | undefined) ?? [];
const child = (node: Node | undefined, name: string): Node | undefined => children(node, name)[0];
const attr = (node: Node | undefined, name: string): string | undefined => node?.$?.[name];

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : (XML_ENTITIES[e.toLowerCase()] ?? ''),
  );

/**
 * The root Response element's Destination, read from its start tag (node-saml parses the document but
 * does not hand it out, and no XML parser is a dependency of ours). undefined when the attribute is
 * absent; null when the root is not a Response start tag we can read (then the response is refused).
 */
export function responseDestination(xml: string): string | undefined | null {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?Response\b([^>]*)>/.exec(xml);
  if (!root) return null;
  const m = /(?:^|\s)Destination\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(root[1] ?? '');
  return m ? decodeXml(m[1] ?? m[2] ?? '') : undefined;
}

const firstString = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
};
const isEmail = (s: string | undefined): s is string => s !== undefined && emailSchema.safeParse(s).success;

function identityOf(provider: SamlProviderSettings, profile: Profile): SamlIdentity {
  const subject = profile.nameID;
  if (!subject) throw new SamlFailure('malformed', 'the assertion names no subject (NameID)');
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  let email: string | undefined;
  if (provider.emailAttribute) email = firstString(attributes[provider.emailAttribute]);
  else if (!NON_EMAIL_FORMATS.has(profile.nameIDFormat ?? '')) email = subject;
  const valid = isEmail(email) ? email : null;
  const pick = (names: string[]) => names.map((n) => firstString(attributes[n])).find((v) => v !== undefined);
  const firstName = pick(GIVEN_NAME);
  const lastName = pick(SURNAME);
  return {
    providerId: provider.id,
    subject,
    email: valid,
    emailVerified: valid !== null && provider.trustEmail,
    ...(firstName ? { firstName: firstName.slice(0, 100) } : {}),
    ...(lastName ? { lastName: lastName.slice(0, 100) } : {}),
  };
}

const ms = (iso: string | undefined, what: string): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new SamlFailure('malformed', `${what} is not a time`);
  return t;
};

/** Checks a window [notBefore, notOnOrAfter) on `now` with the skew; returns its end. */
function window(now: number, notBefore: string | undefined, notOnOrAfter: string | undefined, what: string) {
  const from = ms(notBefore, `${what} NotBefore`);
  const until = ms(notOnOrAfter, `${what} NotOnOrAfter`);
  if (from !== undefined && now + SAML_CLOCK_SKEW_MS < from)
    throw new SamlFailure('time-window', `${what} not yet valid`);
  if (until !== undefined && now - SAML_CLOCK_SKEW_MS >= until) throw new SamlFailure('time-window', `${what} expired`);
  return until;
}

/** The checks node-saml leaves to us, on the signed assertion only. */
function checkSignedAssertion(check: SamlResponseCheck, profile: Profile, now: number) {
  const { provider, sp, request } = check;
  if (profile.issuer !== provider.entityId)
    throw new SamlFailure('issuer', `assertion issued by ${String(profile.issuer).slice(0, 200)}`);
  const assertion = (profile.getAssertion?.() as { Assertion?: Node } | undefined)?.Assertion;
  const assertionId = attr(assertion, 'ID');
  if (!assertion || !assertionId) throw new SamlFailure('malformed', 'the assertion has no ID');
  const issued = ms(attr(assertion, 'IssueInstant'), 'IssueInstant');
  if (issued !== undefined && issued > now + SAML_CLOCK_SKEW_MS)
    throw new SamlFailure('time-window', 'assertion issued in the future');

  // The Web SSO profile: a bearer confirmation for our ACS, answering our request, with an end.
  const bearers = children(child(assertion, 'Subject'), 'SubjectConfirmation')
    .filter((c) => attr(c, 'Method') === BEARER)
    .map((c) => child(c, 'SubjectConfirmationData'));
  const forUs = bearers.filter((d) => attr(d, 'Recipient') === sp.acsUrl);
  if (forUs.length === 0) throw new SamlFailure('destination', 'no bearer confirmation names our ACS as Recipient');
  const answering = forUs.filter((d) => attr(d, 'InResponseTo') === request.id);
  if (answering.length === 0)
    throw new SamlFailure('in-response-to', 'the bearer confirmation does not answer the pending request');
  let confirmedUntil: number | undefined;
  let lastFailure: SamlFailure | undefined;
  for (const d of answering) {
    try {
      const until = window(now, attr(d, 'NotBefore'), attr(d, 'NotOnOrAfter'), 'subject confirmation');
      if (until === undefined) throw new SamlFailure('time-window', 'the bearer confirmation has no NotOnOrAfter');
      confirmedUntil = Math.max(confirmedUntil ?? until, until);
    } catch (err) {
      lastFailure = err as SamlFailure;
    }
  }
  if (confirmedUntil === undefined) throw lastFailure ?? new SamlFailure('time-window', 'no valid confirmation');
  const conditions = child(assertion, 'Conditions');
  const conditionsUntil = window(now, attr(conditions, 'NotBefore'), attr(conditions, 'NotOnOrAfter'), 'conditions');
  const until = Math.min(confirmedUntil, conditionsUntil ?? confirmedUntil) + SAML_CLOCK_SKEW_MS;
  return { assertionId, acceptableUntil: new Date(until).toISOString() };
}

/** Verifies the response for the pending request, or throws a SamlFailure saying why not. */
export async function verifySamlResponse(check: SamlResponseCheck): Promise<VerifiedSamlAssertion> {
  const now = (check.now ?? new Date()).getTime();
  try {
    const xml = Buffer.from(check.samlResponse, 'base64').toString('utf8');
    const destination = responseDestination(xml);
    if (destination === null) throw new SamlFailure('malformed', 'not a SAML Response');
    const saml = samlFor(check.provider, check.sp, check.request);
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: check.samlResponse });
    if (!profile) throw new SamlFailure('malformed', 'not an authentication response');
    // Bindings 3.5.5.2: a Destination, when present, must be where it was posted (it is signed
    // whenever the Response is; the Recipient above is signed in every case).
    if (destination !== undefined && destination !== check.sp.acsUrl)
      throw new SamlFailure('destination', 'the Response names another Destination');
    const { assertionId, acceptableUntil } = checkSignedAssertion(check, profile, now);
    return { identity: identityOf(check.provider, profile), assertionId, acceptableUntil };
  } catch (err) {
    throw classify(err);
  }
}
