// Starts the service: reads the configuration, opens the database, runs migrations, listens.
import { bounceDomainOf, ConfigError, loadConfig, type Config } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openDatabase } from './db/connection.ts';
import { buildApp } from './app.ts';
import { bootstrapInitialAdmin, hasNoUsers } from './bootstrap.ts';
import { startBackgroundWork, type BackgroundWork } from './jobs/background.ts';
import { startBounceReceiver, type BounceReceiver } from './email/bounces.ts';

export interface ServeOptions {
  config?: Config;
  /** Run the job worker in this process (default true; `serve --no-worker` turns it off). */
  worker?: boolean;
}

export async function serve(options: ServeOptions = {}): Promise<void> {
  const config = options.config ?? loadConfig();
  const database = openDatabase(config.database);
  const applied = await migrateToLatest(database.db);
  const { app, ctx } = await buildApp({ config, database });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'applied database migrations');
  const boot = await bootstrapInitialAdmin(ctx);
  if (boot === 'created') app.log.info({ email: config.initialAdmin?.email }, 'created the first administrator');
  const background: BackgroundWork | undefined =
    options.worker === false ? undefined : startBackgroundWork(ctx, app.log);

  const bounces: BounceReceiver | undefined =
    config.bounceSmtpPort === undefined
      ? undefined
      : await startBounceReceiver(ctx, {
          port: config.bounceSmtpPort,
          host: config.host,
          domain: bounceDomainOf(config),
          log: app.log,
        });
  if (bounces) app.log.info({ port: bounces.port, domain: bounceDomainOf(config) }, 'receiving bounces over SMTP');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Stop accepting, let requests in flight finish, let running jobs finish, then close the database.
    await app.close();
    await bounces?.close();
    await background?.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Portal Invitations on ${config.publicUrl} (${database.dialect}${background ? ', with the job worker' : ''}); ` +
      `portal ${config.publicUrl}/portal, API reference ${config.publicUrl}/api/v1/docs; ` +
      (config.smtpUrl ? 'mail goes out over SMTP' : `mail is stored in the database and in ${config.dataDir}/mail`),
  );
  // For the person at the terminal, on stderr: stdout stays JSON log lines for whatever reads them.
  process.stderr.write(`${await startMessage(ctx, config)}\n`);
}

/**
 * The few lines `npm start` prints for a person (the log line above is for operators): where the back
 * office is, and, while there is no user, that it offers to create the first admin.
 */
export async function startMessage(ctx: Parameters<typeof hasNoUsers>[0], config: Config): Promise<string> {
  const local = `http://localhost:${config.port}/admin`;
  const lines = [`Portal Invitations is running. Open the back office: ${local}`];
  if (!config.publicUrl.startsWith(`http://localhost:${config.port}`))
    lines[0] += ` (public address ${config.publicUrl}/admin)`;
  if (await hasNoUsers(ctx))
    lines.push(
      `There are no users yet: ${local} offers to create the first administrator, in a browser on this machine.`,
    );
  return lines.join('\n');
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/main.ts');
if (isMain) {
  serve().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
