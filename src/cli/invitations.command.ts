// `invitations create --contacts-from FILE` and `invitations send`: bulk invitations for the contacts
// of a CSV, and Send Invitation on many invitations, waiting for the runs. Local or remote (--url).
// Registering them loads only commander: the work (invitations.run.ts) comes in when one runs.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { action, type CliRun } from './command.ts';
import { UsageError } from './io.ts';
import type { CreateOptions } from './invitations.run.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerInvitationsCommands(program: Command, run: CliRun): void {
  const invitations = program.command('invitations').description('invitations');
  invitations
    .command('create')
    .description('one single invitation per contact of a CSV file (id/contactid or emailaddress1), settings as options')
    .requiredOption(
      '--contacts-from <file>',
      'CSV naming the contacts (the contacts import file works: import it first)',
    )
    .option('--name <name>', 'the invitations\' name (default "Invitation for <full name>")')
    .option('--expires-at <time>', 'ISO 8601 time, or a date (ends that day in Site/TimeZone)')
    .option('--owner <user>', "owner: a system user's email or id")
    .option('--web-role <role>', 'web role granted on redemption, name or id (repeatable)', collect)
    .option('--account <account>', 'account the redeemer is assigned to, name or id')
    .option('--workflow <workflow>', 'workflow run on redemption (contact workflow), name or id')
    .option('--binding <binding>', 'any, invited-email or email-domain (default: Invitations/DefaultBinding)')
    .option('--allowed-domain <domain>', 'with --binding email-domain (repeatable)', collect)
    .option('--locale <locale>', "the invitations' language (en, da)")
    .option('--inviter <contact>', "inviter: a contact's email or id")
    .option('--dry-run', 'report what would be created, create nothing')
    .option('--continue-on-error', 'create the good rows even when some fail (exit status still 1)')
    .action(
      action(run, async (cmd) => {
        const o = cmd.opts<CreateOptions>();
        if (!existsSync(o.contactsFrom)) throw new UsageError(`no such file: ${o.contactsFrom}`);
        const { createInvitations } = await import('./invitations.run.ts');
        return createInvitations(run, cmd, o);
      }),
    );

  invitations
    .command('send')
    .description('run Send Invitation on the matching invitations and wait for the runs, reporting each failure')
    .option('--status <status>', 'the invitations with this status: new (or sent, to send again)')
    .option('--name-contains <text>', 'with --status: only those whose name contains the text')
    .option('--ids <ids>', 'these invitations (ids separated by commas)')
    .option('--timeout <seconds>', 'give up waiting for the runs after this long', '600')
    .action(
      action(run, async (cmd) => {
        const o = cmd.opts<{ status?: string; ids?: string; nameContains?: string; timeout: string }>();
        const timeout = Number(o.timeout);
        if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout: must be a number of seconds');
        const { sendMatchingInvitations } = await import('./invitations.run.ts');
        return sendMatchingInvitations(run, cmd, o, timeout);
      }),
    );
}
