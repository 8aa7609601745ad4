// Password hashing: argon2id (the library's default algorithm) with its recommended cost.
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string): Promise<string> =>
  hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });

export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) return false;
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** The password rule in words, for error messages and forms. */
export const passwordRule = `at least ${PASSWORD_MIN_LENGTH} characters, with a letter and a digit or symbol`;

export function passwordProblem(password: string): string | undefined {
  if (
    password.length < PASSWORD_MIN_LENGTH ||
    password.length > PASSWORD_MAX_LENGTH ||
    !/\p{L}/u.test(password) ||
    !/[^\p{L}]/u.test(password)
  ) {
    return `must be ${passwordRule}`;
  }
  return undefined;
}
