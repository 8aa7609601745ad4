// The secrets in an email (an invitation code, a link's token) are kept only encrypted and only
// until delivery. At queueing each occurrence in the subject and bodies is replaced by a marker and
// the secrets are sealed (AES-256-GCM under their own key) in `emails.sealed_secrets`; delivery
// puts them back into the message it hands over, and recording `sent` drops the sealed copy. What
// the API (and the back office) shows of a body has the markers as `••••`.
import type { Secrets } from '../shared/crypto.ts';

// Private-use characters: no template produces them (any it does are replaced at queueing).
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000(\d{1,3})\uE001/g;
const STRAY = /[\uE000\uE001]/g;

/** What a masked secret looks like to staff. */
export const MASK = '••••';

export interface EmailParts {
  subject: string;
  html: string;
  text: string;
}

/** The parts with every secret replaced by a marker, and the secrets sealed; `sealed` is null without any. */
export function sealSecrets(
  parts: EmailParts,
  values: readonly string[],
  secrets: Secrets,
): EmailParts & { sealed: string | null } {
  // Longest first, so that a secret containing another is replaced whole.
  const list = [...new Set(values.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
  const mark = (s: string) => {
    let out = s.replace(STRAY, '\uFFFD');
    list.forEach((v, i) => {
      out = out.split(v).join(`${OPEN}${i}${CLOSE}`);
    });
    return out;
  };
  const marked = { subject: mark(parts.subject), html: mark(parts.html), text: mark(parts.text) };
  return { ...marked, sealed: list.length > 0 ? secrets.encrypt('email-secrets', JSON.stringify(list)) : null };
}

/** The parts as they are sent: each marker replaced by its secret again. */
export function unsealSecrets(parts: EmailParts, sealed: string, secrets: Secrets): EmailParts {
  const list = JSON.parse(secrets.decrypt('email-secrets', sealed)) as string[];
  const put = (s: string) => s.replace(MARKER, (_m, i: string) => list[Number(i)] ?? MASK);
  return { subject: put(parts.subject), html: put(parts.html), text: put(parts.text) };
}

/** A stored part as staff may read it: every secret as `••••`. */
export const maskSecrets = (s: string): string => s.replace(MARKER, MASK);

/** True when the stored part had a secret in it. */
export const hasMaskedSecrets = (s: string): boolean => s.includes(OPEN);
