// What a CLI command that works on the local database needs: the configuration from the
// environment, the database (migrated first) and an AppContext, closed again at the end.
import { loadConfig } from '../config.ts';
import type { AppContext } from '../context.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openDatabase } from '../db/connection.ts';
import { createSecrets } from '../shared/crypto.ts';

export interface CliContext {
  ctx: AppContext;
  /** Migrations this command applied before it ran (usually none). */
  applied: string[];
}

/**
 * Opens the database named by DATA_DIR / DATABASE_URL, runs pending migrations (safe while a
 * server shares the database), runs `work` and closes the database whatever happens.
 */
export async function withCliContext<T>(env: NodeJS.ProcessEnv, work: (cli: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  // A command is one short sequence of queries: a small pool is enough.
  const database = openDatabase(config.database, { poolSize: 2 });
  try {
    const applied = await migrateToLatest(database.db);
    const ctx: AppContext = {
      config,
      db: database.db,
      dialect: database.dialect,
      secrets: createSecrets(config.secretKey),
    };
    return await work({ ctx, applied });
  } finally {
    await database.close();
  }
}
