// What every service gets: configuration, the database and the keyed secrets.
import type { Config } from './config.ts';
import type { Db, Dialect } from './db/types.ts';
import type { Secrets } from './shared/crypto.ts';

export interface AppContext {
  config: Config;
  db: Db;
  dialect: Dialect;
  secrets: Secrets;
}

/** Who is acting: a system user (API, back office), a contact (portal) or the system itself. */
export type Actor =
  | { type: 'user'; id: string; role: 'admin' | 'staff' }
  | { type: 'contact'; id: string }
  | { type: 'system'; id: null };

export const systemActor: Actor = { type: 'system', id: null };
