// `users create`: a system user, through the same service the API uses.
// Registering it loads only commander: the service, schema and database come in when it runs.
import { Option, type Command } from 'commander';
import { systemActor } from '../context.ts';
import { action, parseInput, withCliContext, type CliRun } from './command.ts';
import { note, UsageError } from './io.ts';
import { answered, remoteTarget, withRemoteClient } from './remote.ts';
import { readSecretFromStdin } from './secret-input.ts';

export const PASSWORD_ENV = 'PORTAL_USER_PASSWORD';

interface CreateOptions {
  email: string;
  name: string;
  role: 'admin' | 'staff';
  password?: string;
  passwordStdin?: boolean;
}

/** The password from exactly one source: --password-stdin, --password, or the environment. */
async function passwordFrom(run: CliRun, opts: CreateOptions): Promise<string | undefined> {
  if (opts.passwordStdin) {
    if (opts.password !== undefined)
      throw new UsageError('give the password with --password or --password-stdin, not both');
    return readSecretFromStdin(run.io, 'Password: ');
  }
  if (opts.password !== undefined) return opts.password;
  const fromEnv = run.io.env[PASSWORD_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

export function registerUsersCommands(program: Command, run: CliRun): void {
  const users = program.command('users').description('manage system users (back-office people)');

  users
    .command('create')
    .description('create a system user')
    .requiredOption('--email <email>', 'email address (unique, any letter case)')
    .requiredOption('--name <name>', 'full name')
    .addOption(new Option('--role <role>', 'role').choices(['admin', 'staff']).default('staff'))
    .option(
      '--password <password>',
      `password for the back office (visible to other local users; prefer --password-stdin or ${PASSWORD_ENV})`,
    )
    .option('--password-stdin', 'read the password from standard input (hidden when typed at a terminal)')
    .addHelpText(
      'after',
      `\nWithout a password option the password is taken from ${PASSWORD_ENV}; without any, the user can only use API tokens.\nThe password is never printed.`,
    )
    .action(
      action(run, async (cmd) => {
        const opts = cmd.opts<CreateOptions>();
        const password = await passwordFrom(run, opts);
        const { createUserSchema } = await import('../users/users.schema.ts');
        const input = parseInput(
          createUserSchema,
          { email: opts.email, fullName: opts.name, role: opts.role, ...(password !== undefined ? { password } : {}) },
          {
            email: '--email',
            fullName: '--name',
            role: '--role',
            password: 'password',
          },
        );
        const remote = remoteTarget(run, cmd);
        const user = remote
          ? await withRemoteClient(remote, async (api) => answered(await api.POST('/users', { body: input })))
          : await withCliContext(run.io.env, async ({ ctx, applied }) => {
              if (applied.length) note(run.io, run.json, `Applied migrations: ${applied.join(', ')}`);
              const { createUser } = await import('../users/users.service.ts');
              return createUser(ctx, systemActor, input);
            });
        return {
          lines: [
            `Created ${user.role} ${user.email} (${user.fullName}) with id ${user.id}${password === undefined ? ', without a password' : ''}.`,
          ],
          json: { user },
        };
      }),
    );
}
