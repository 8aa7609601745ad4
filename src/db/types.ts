// The types every query function names (a database, a transaction, the dialect) and the 0/1 flags
// both databases keep booleans as.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
/**
 * A transaction: a function that must run inside one takes a `Tx`, so the compiler refuses a call
 * outside one. Kysely's own transactions and the group commit's writes (see group-commit.ts) are
 * both real `Transaction`s: `isTransaction` is true in either.
 */
export type Tx = Transaction<Database>;

/** Boolean columns are integers 0/1 on both databases. */
export const toFlag = (b: boolean): number => (b ? 1 : 0);
export const fromFlag = (n: number | boolean | null | undefined): boolean => n === 1 || n === true;
