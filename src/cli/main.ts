// The command line, `npx portal-invitations …`: the same work as the API, on the local database
// (DATA_DIR / DATABASE_URL), acting as the system. Exit status: 0 done, 1 failed, 2 wrong usage.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, processIo, reportFailure, type CliIo } from './io.ts';
import type { CliRun } from './command.ts';
import { registerServerCommands } from './server.command.ts';
import { registerUsersCommands } from './users.command.ts';
import { registerTokensCommands } from './tokens.command.ts';
import { registerImportExportCommands } from './import-export.command.ts';
import { registerInvitationsCommands } from './invitations.command.ts';

const packageVersion = (): string => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
};

export function buildProgram(run: CliRun): Command {
  const program = new Command('portal-invitations')
    .description('Portal Invitations: invite contacts to a customer or partner portal.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--json', 'print one JSON document at the end instead of text')
    .option('--url <url>', 'work on the running server at this address instead of the local database (env PORTAL_URL)')
    .option('--token <token>', 'the API token for --url (env PORTAL_TOKEN)')
    // Settings made before the subcommands exist are inherited by them.
    .exitOverride()
    .configureOutput({ writeOut: (s) => run.io.stdout.write(s), writeErr: (s) => run.io.stderr.write(s) })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      "\nThe database is the one the service uses: DATA_DIR (default ./data) or DATABASE_URL; pending\nmigrations run first. With --url (and --token) the commands that can\n(users create, tokens create|revoke, contacts import, invitations create|send) go through the server's API and open no local database. Exit status: 0 done, 1 failed, 2 wrong usage.\nRun `portal-invitations <command> --help` for a command's options.",
    );
  registerServerCommands(program, run);
  registerUsersCommands(program, run);
  registerTokensCommands(program, run);
  registerImportExportCommands(program, run);
  registerInvitationsCommands(program, run);
  return program;
}

/** Runs the command line `argv` (as in process.argv) and returns the exit status. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const run: CliRun = { io, json: false };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv);
    return run.exitCode ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help). Help and --version are successes;
      // everything else it rejects (unknown command or option, missing value, no command) is usage.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportFailure(io, run.json, err);
  }
}
