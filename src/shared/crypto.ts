// Secrets: random tokens, keyed hashes for lookup, authenticated encryption for what must be
// shown again (invitation codes). Every key is derived from SECRET_KEY with HKDF, one per purpose.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { randomBytesPooled } from './random-pool.ts';

export type KeyPurpose =
  | 'api-token'
  | 'invitation-code'
  | 'invitation-code-encryption'
  | 'session'
  | 'contact-token'
  | 'webhook-secret'
  | 'email-secrets'
  | 'rate-limit'
  | 'identity-provider-secret'
  | 'external-sign-in'
  | 'webhook-endpoint-secret';

export interface Secrets {
  hash(purpose: KeyPurpose, value: string): string;
  encrypt(purpose: KeyPurpose, plaintext: string): string;
  decrypt(purpose: KeyPurpose, ciphertext: string): string;
}

export function createSecrets(secretKey: string): Secrets {
  const cache = new Map<KeyPurpose, Buffer>();
  const keyFor = (purpose: KeyPurpose): Buffer => {
    let key = cache.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', secretKey, 'portal-invitations', purpose, 32));
      cache.set(purpose, key);
    }
    return key;
  };
  return {
    hash(purpose, value) {
      return createHmac('sha256', keyFor(purpose)).update(value, 'utf8').digest('base64url');
    },
    encrypt(purpose, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyFor(purpose), iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
    },
    decrypt(purpose, ciphertext) {
      const [version, iv, body, tag] = ciphertext.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('Unknown ciphertext format');
      const decipher = createDecipheriv('aes-256-gcm', keyFor(purpose), Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** A random secret of `bytes` bytes (default 32 = 256 bits), URL-safe. */
export const randomToken = (bytes = 32): string => randomBytesPooled(bytes).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
