// Invitation codes: 138 random bits from the operating system, written for people (an alphabet
// without look-alike characters, upper case, groups of four joined by hyphens). Only a keyed hash
// of the normalised code is stored for lookup, plus an encrypted copy for sending the link again.
import { randomBytes } from 'node:crypto';
import type { Secrets } from '../shared/crypto.ts';

/** No 0/O, 1/I/L: nothing a person can misread. 31 symbols, log2(31) ≈ 4.95 bits each. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 28; // 28 × 4.95 ≈ 138.7 bits
const GROUP = 4;

export function generateCode(): string {
  const out: string[] = [];
  // Rejection sampling keeps every symbol equally likely (248 = 8 × 31 is the largest multiple below 256).
  while (out.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      if (byte < 248) out.push(CODE_ALPHABET[byte % 31] as string);
      if (out.length === CODE_LENGTH) break;
    }
  }
  const groups: string[] = [];
  for (let i = 0; i < CODE_LENGTH; i += GROUP) groups.push(out.slice(i, i + GROUP).join(''));
  return groups.join('-');
}

/**
 * The one normalisation every code goes through before hashing, ours and imported ones alike:
 * letters upper-cased, hyphens and white space removed. Nothing else, so an imported Power Pages
 * code keeps working exactly as it was typed before.
 */
export const normalizeCode = (code: string): string => code.toUpperCase().replace(/[-\s]/g, '');

export const hashCode = (secrets: Secrets, code: string): string =>
  secrets.hash('invitation-code', normalizeCode(code));
export const encryptCode = (secrets: Secrets, code: string): string =>
  secrets.encrypt('invitation-code-encryption', code);
export const decryptCode = (secrets: Secrets, encrypted: string): string =>
  secrets.decrypt('invitation-code-encryption', encrypted);

/** The redemption link of a code. */
export const redeemUrl = (publicUrl: string, code: string): string =>
  `${publicUrl}/portal/redeem?code=${encodeURIComponent(code)}`;
