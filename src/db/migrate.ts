// Brings a database's schema up to date with the migrations in migrations/, at start-up.
import { Migrator, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.ts';
import type { Db } from './types.ts';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Runs every pending migration. On PostgreSQL Kysely's migrator takes an advisory lock, so several
 * processes starting together are safe; on SQLite it takes none.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
