// `serve` and `migrate`: running the service and bringing the database schema up to date.
// Registering them loads only commander: the configuration, database and web app come in when one runs.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { action, withCliContext, type CliRun } from './command.ts';

function portNumber(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number (0–65535).');
  return value;
}

export function registerServerCommands(program: Command, run: CliRun): void {
  program
    .command('serve')
    .description('start the service (runs pending migrations first); stops cleanly on SIGTERM/SIGINT')
    .option('--port <port>', 'port to listen on (overrides PORT)', portNumber)
    .option('--host <host>', 'address to listen on (overrides HOST)')
    .option(
      '--no-worker',
      'do not run background jobs (email delivery, workflows) in this process; run `worker` elsewhere',
    )
    .addHelpText(
      'after',
      '\nEverything else comes from the environment: DATA_DIR, DATABASE_URL, SECRET_KEY, SMTP_URL, INITIAL_ADMIN_* … (see the README).',
    )
    .action(
      action(run, async (cmd) => {
        const opts = cmd.opts<{ port?: string; host?: string; worker: boolean }>();
        const { loadConfig } = await import('../config.ts');
        const config = loadConfig({
          ...run.io.env,
          ...(opts.port !== undefined ? { PORT: opts.port } : {}),
          ...(opts.host !== undefined ? { HOST: opts.host } : {}),
        });
        // Resolves once listening; the server then keeps the process alive until a signal.
        // Loaded here, not at the top: the other commands need not load the whole web app.
        const { serve } = await import('../main.ts');
        await serve({ config, worker: opts.worker });
      }),
    );

  program
    .command('worker')
    .description(
      'run background jobs only (email delivery, workflow runs) until SIGTERM/SIGINT; any number may run beside the servers',
    )
    .action(
      action(run, async () => {
        await withCliContext(run.io.env, async ({ ctx }) => {
          const { startBackgroundWork } = await import('../jobs/background.ts');
          const log = (level: string) => (obj: object, msg: string) =>
            run.io.stderr.write(`${level}: ${msg} ${JSON.stringify(obj)}\n`);
          const background = startBackgroundWork(ctx, { error: log('error'), warn: log('warn'), info: () => {} });
          run.io.stderr.write(`worker ${background.worker.id} running on ${ctx.dialect}; stop with Ctrl+C\n`);
          await new Promise<void>((resolve) => {
            process.once('SIGTERM', () => resolve());
            process.once('SIGINT', () => resolve());
          });
          await background.stop();
        });
        return { lines: ['worker stopped'], json: { stopped: true } };
      }),
    );

  program
    .command('migrate')
    .description('apply pending database migrations (DATA_DIR / DATABASE_URL) and print which ran')
    .action(
      action(run, async () => {
        const { applied, dialect } = await withCliContext(run.io.env, async ({ ctx, applied }) => ({
          applied,
          dialect: ctx.dialect,
        }));
        return {
          lines: applied.length
            ? applied.map((name) => `applied ${name}`)
            : ['The database is up to date; no migrations were pending.'],
          json: { database: dialect, applied },
        };
      }),
    );
}
