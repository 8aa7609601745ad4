// `tokens create` and `tokens revoke`: API tokens, through the same services the API uses.
// Registering them loads only commander: services, schemas and the database come in when one runs.
import type { Command } from 'commander';
import { systemActor, type AppContext } from '../context.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { isUuid } from '../shared/ids.ts';
import { action, parseInput, withCliContext, type CliRun } from './command.ts';
import { answered, remoteTarget, withRemoteClient } from './remote.ts';
import type { StaffApiClient } from '../api-client/index.ts';
import { note } from './io.ts';

/** `--user` takes an email address (any letter case) or a user id. */
async function resolveUserId(ctx: AppContext, emailOrId: string): Promise<string> {
  const { getUser, listUsers } = await import('../users/users.service.ts');
  if (emailOrId.includes('@')) {
    const page = await listUsers(ctx, systemActor, { limit: 1, email: emailOrId });
    const user = page.items[0];
    if (!user) throw new AppError('not-found', `No user has the email ${emailOrId}.`);
    return user.id;
  }
  if (!isUuid(emailOrId))
    throw new AppError('validation-failed', '--user: must be an email address or a user id', {
      errors: [{ field: '--user', message: 'must be an email address or a user id' }],
    });
  return (await getUser(ctx, systemActor, emailOrId.toLowerCase())).id;
}

/** `--user` on a server: an email (looked up through GET /users, admins only) or a user id as it is. */
async function resolveRemoteUserId(api: StaffApiClient, emailOrId: string): Promise<string> {
  if (!emailOrId.includes('@')) {
    if (!isUuid(emailOrId))
      throw new AppError('validation-failed', '--user: must be an email address or a user id', {
        errors: [{ field: '--user', message: 'must be an email address or a user id' }],
      });
    return emailOrId.toLowerCase();
  }
  const page = answered(await api.GET('/users', { params: { query: { email: emailOrId, limit: 1 } } }));
  const user = page.items[0];
  if (!user) throw new AppError('not-found', `No user has the email ${emailOrId}.`);
  return user.id;
}

export function registerTokensCommands(program: Command, run: CliRun): void {
  const tokens = program.command('tokens').description('manage API tokens');

  tokens
    .command('create')
    .description('create an API token for a user; the token is printed this once, only its keyed hash is kept')
    .requiredOption('--user <emailOrId>', 'the user the token acts as: email address or id')
    .requiredOption('--name <name>', 'what the token is for')
    .addHelpText(
      'after',
      '\nStandard output is the token alone (or, with --json, { ok, id, token, userId, name }), so that a script can capture it.',
    )
    .action(
      action(run, async (cmd) => {
        const opts = cmd.opts<{ user: string; name: string }>();
        const { createTokenSchema } = await import('../tokens/tokens.schema.ts');
        const { name } = parseInput(createTokenSchema.pick({ name: true }), { name: opts.name }, { name: '--name' });
        const remote = remoteTarget(run, cmd);
        const created = remote
          ? await withRemoteClient(remote, async (api) => {
              const userId = await resolveRemoteUserId(api, opts.user);
              return answered(await api.POST('/tokens', { body: { name, userId } }));
            })
          : await withCliContext(run.io.env, async ({ ctx, applied }) => {
              if (applied.length) note(run.io, run.json, `Applied migrations: ${applied.join(', ')}`);
              const userId = await resolveUserId(ctx, opts.user);
              const { createToken } = await import('../tokens/tokens.service.ts');
              return createToken(ctx, systemActor, { name, userId });
            });
        note(
          run.io,
          run.json,
          `Created token "${created.name}" with id ${created.id} for user ${created.userId}. It is shown only this once:`,
        );
        return {
          lines: [created.token],
          json: { id: created.id, token: created.token, userId: created.userId, name: created.name },
        };
      }),
    );

  tokens
    .command('revoke')
    .description('revoke an API token; requests with it are refused from now on')
    .argument('<id>', 'the token id (as printed by tokens create or listed by GET /api/v1/tokens)')
    .action(
      action(run, async (cmd) => {
        const id = String(cmd.args[0]);
        // Not a UUID cannot name a token; say so as the API does for such an address.
        if (!isUuid(id)) throw notFound('The token');
        const remote = remoteTarget(run, cmd);
        if (remote)
          await withRemoteClient(remote, async (api) =>
            answered(await api.DELETE('/tokens/{id}', { params: { path: { id: id.toLowerCase() } } })),
          );
        else
          await withCliContext(run.io.env, async ({ ctx, applied }) => {
            if (applied.length) note(run.io, run.json, `Applied migrations: ${applied.join(', ')}`);
            const { revokeToken } = await import('../tokens/tokens.service.ts');
            await revokeToken(ctx, systemActor, id.toLowerCase());
          });
        return { lines: [`Revoked token ${id}.`], json: { id, revoked: true } };
      }),
    );
}
