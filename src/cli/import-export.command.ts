// `contacts import`, `import powerpages`, `export powerpages`: moving records in and out, on the
// local database or a running server (--url/--token), with progress on stderr. Registering them
// loads only commander: the target (services, database or HTTP) comes in when one runs.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ImportReport } from '../import-export/import-export.schema.ts';
import { action, type CliRun } from './command.ts';
import { ExitCode, UsageError, type CommandResult } from './io.ts';
import { progressFor } from './progress.ts';
import { remoteTarget as remoteOf } from './remote.ts';
import type { ImportExportTarget } from './import-export.target.ts';

// biome-ignore lint/complexity/noBannedTypes: commands take no remote options of their own (--url/--token are global)
type RemoteOptions = {};
const addRemoteOptions = (cmd: Command): Command => cmd;

/** The local database, or the server named by the global --url (with --token or PORTAL_TOKEN). */
export async function targetOf(run: CliRun, cmd: Command): Promise<ImportExportTarget> {
  const remote = remoteOf(run, cmd);
  const { localTarget, remoteTarget } = await import('./import-export.target.ts');
  return remote ? remoteTarget(remote) : localTarget(run.io, run.json);
}

/** The report as lines for people and as the --json document; exit 1 when any row failed. */
export function reportResult(report: ImportReport, what = 'contacts'): CommandResult {
  const verb = report.dryRun ? 'would be' : 'were';
  const lines = [
    `${report.rows} rows: ${report.created} ${what} ${verb} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped} skipped.`,
  ];
  if (report.accountsCreated) lines.push(`${report.accountsCreated} accounts ${verb} created.`);
  for (const e of report.errors) lines.push(`row ${e.row}, ${e.field}: ${e.message}`);
  if (report.errorCount > report.errors.length)
    lines.push(`… and ${report.errorCount - report.errors.length} more errors.`);
  if (!report.ok && !report.dryRun && report.created + report.updated + report.unchanged === 0)
    lines.push('Nothing was imported. Fix the rows above, or import the others with --continue-on-error.');
  return {
    lines,
    json: { ...report },
    ...(report.ok ? {} : { exitCode: ExitCode.failure }),
  };
}

export function registerImportExportCommands(program: Command, run: CliRun): void {
  const contacts = program.command('contacts').description('contacts');
  addRemoteOptions(
    contacts
      .command('import')
      .description(
        'import contacts from a CSV file (comma or semicolon, header with our names or Dataverse logical names); upserts by emailaddress1',
      )
      .argument('<file>', 'the CSV file')
      .option('--dry-run', 'report what would change, change nothing')
      .option('--continue-on-error', 'import the good rows even when some fail (exit status still 1)'),
  ).action(
    action(run, async (cmd) => {
      const file = String(cmd.args[0]);
      const opts = cmd.opts<RemoteOptions & { dryRun?: boolean; continueOnError?: boolean }>();
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const target = await targetOf(run, cmd);
      const report = await target.importContacts(
        { file, dryRun: Boolean(opts.dryRun), continueOnError: Boolean(opts.continueOnError) },
        progressFor(run.io),
      );
      return reportResult(report);
    }),
  );

  const imports = program.command('import').description('import records from another system');
  addRemoteOptions(
    imports
      .command('powerpages')
      .description(
        'import a Power Pages export (JSON file keyed by entity sets, or a directory of CSV files; either data model)',
      )
      .argument('<path>', 'FILE.json or DIR')
      .option('--dry-run', 'report what would change, change nothing'),
  ).action(
    action(run, async (cmd) => {
      const path = String(cmd.args[0]);
      const opts = cmd.opts<RemoteOptions & { dryRun?: boolean }>();
      if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
      const report = await (await targetOf(run, cmd)).importPowerPages(path, Boolean(opts.dryRun));
      const lines = [
        `${report.dataModel} data model: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged.`,
        ...Object.entries(report.entities).map(
          ([set, c]) => `  ${set}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`,
        ),
        ...report.settingsApplied.map((s) => `Applied site setting ${s}.`),
        ...report.settingsUnknown.map((s) => `Site setting not known here, not applied: ${s}.`),
        ...report.notes,
        ...report.errors.map((e) => `row ${e.row}, ${e.field}: ${e.message}`),
        ...(report.ok ? [] : ['Nothing was imported.']),
      ];
      return { lines, json: { ...report }, ...(report.ok ? {} : { exitCode: ExitCode.failure }) };
    }),
  );
  const exports = program.command('export').description('export records for another system');
  addRemoteOptions(
    exports
      .command('powerpages')
      .description(
        'export accounts, contacts, web roles, invitations, redemptions and Authentication/* settings (no codes)',
      )
      .requiredOption('--out <path>', 'FILE.json, or DIR/ for one CSV file per entity set')
      .option(
        '--model <model>',
        'Dataverse data model: enhanced (mspp_, every new site) or standard (adx_)',
        'enhanced',
      ),
  ).action(
    action(run, async (cmd) => {
      const opts = cmd.opts<RemoteOptions & { out: string; model: string }>();
      if (opts.model !== 'enhanced' && opts.model !== 'standard')
        throw new UsageError('--model must be "enhanced" or "standard"');
      const result = await (await targetOf(run, cmd)).exportPowerPages(opts.out, opts.model);
      return {
        lines: [
          `Wrote ${result.files.join(', ')}.`,
          ...Object.entries(result.counts).map(([set, n]) => `  ${set}: ${n}`),
        ],
        json: { ...result, model: opts.model },
      };
    }),
  );
}
