// CSV import of contacts (with their accounts by name and web roles by name), upserting by
// emailaddress1 in any letter case. The stream is read once: every row is checked (a dry run also
// finds what would change) and the checked rows are kept in parts of 1,000 (batch-spool.ts); only a
// file without errors (or with continueOnError) is written, part by part, ten parts to a
// transaction. Memory stays flat in the row count but for the set of emails seen (duplicates in one
// file are refused).
import type { Actor, AppContext } from '../context.ts';
import type { ContactRow } from '../db/schema.ts';
import type { Db, Tx } from '../db/types.ts';
import { isUuid, newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
// Refused as the API refuses them: PostgreSQL cannot store U+0000.
import { CONTROL } from '../http/control-characters.ts';
import { writeAudits, type AuditEntryInput } from '../audit/audit.repo.ts';
import { newContactRow } from '../contacts/contacts.service.ts';
import * as contacts from '../contacts/contacts.repo.ts';
import * as accounts from '../accounts/accounts.repo.ts';
import { allWebRoles } from '../web-roles/web-roles.repo.ts';
import { recordLifecycleEvents } from '../lifecycle-events/lifecycle-events.ts';
import { contactData } from '../lifecycle-events/event-data.ts';
import { BatchSpool } from './batch-spool.ts';
import { refreshStatistics } from '../db/statistics.ts';
import { CsvError, readCsv, type CsvRecord, type CsvSource } from './csv-reader.ts';
import {
  cellSchemas,
  columnKey,
  contactColumns,
  type ContactField,
  type ImportReport,
  type RowError,
} from './import-export.schema.ts';

export interface ContactsImportOptions {
  dryRun?: boolean | undefined;
  continueOnError?: boolean | undefined;
  /** Called every few hundred rows: the pass ('check' or 'write') and the rows it has done. */
  onProgress?: ((phase: 'check' | 'write', rows: number) => void) | undefined;
  /** Rows per write transaction (default BATCH); tests make it small to cross batch boundaries. */
  batchSize?: number | undefined;
  /** Rows checked, kept and planned together (default PART, at most batchSize); for tests too. */
  partSize?: number | undefined;
}

// Rows per write transaction. 10,000 rather than 1,000: on SQLite a commit writes every index page
// the batch touched, and the contacts' ten indexes spread a batch's rows over thousands of pages,
// so ten times the rows cost little more per commit (100,000 rows: commits 5.1 s → 1.4 s). A batch
// holds SQLite's write lock for well under a second, so a server sharing the database waits that
// long at most (its busy timeout is 10 s).
const BATCH = 10_000;
// Rows checked, kept and planned together (one email lookup, one multi-row insert set).
const PART = 1000;
const MAX_ERRORS = 1000;

/** One row's fields, checked: undefined = not in the file or empty (left as it is). */
type Fields = Partial<Record<ContactField, string>> & { emailaddress1: string };
interface Checked {
  row: number;
  fields: Fields;
  /** The web role ids the row names. */
  roles: string[];
}

/** Splits a webRoles cell: names separated by commas, semicolons or vertical bars. */
const roleNames = (cell: string) =>
  cell
    .split(/[,;|]/)
    .map((s) => s.trim())
    .filter(Boolean);

class Report {
  rows = 0;
  created = 0;
  updated = 0;
  unchanged = 0;
  skipped = 0;
  accountsCreated = 0;
  errors: RowError[] = [];
  errorCount = 0;
  badRows = new Set<number>();
  add(e: RowError): void {
    this.errorCount++;
    if (e.row > 0) this.badRows.add(e.row);
    if (this.errors.length < MAX_ERRORS) this.errors.push(e);
  }
  result(dryRun: boolean): ImportReport {
    const { rows, created, updated, unchanged, skipped, accountsCreated, errors, errorCount } = this;
    return {
      ok: errorCount === 0,
      dryRun,
      rows,
      created,
      updated,
      unchanged,
      skipped,
      accountsCreated,
      errors,
      errorCount,
    };
  }
}

/** Maps the header to our fields; unknown columns are left out (a Dataverse export has many). */
function mapHeader(header: string[]): Map<string, ContactField> {
  const map = new Map<string, ContactField>();
  for (const name of header) {
    const field = contactColumns[columnKey(name)];
    if (field && ![...map.values()].includes(field)) map.set(name, field);
  }
  return map;
}

/** What the header maps to, for a preview (the back office shows it before a dry run). */
export function describeHeader(header: string[]): Array<{ column: string; field: ContactField | null }> {
  const map = mapHeader(header);
  return header.map((column) => ({ column, field: map.get(column) ?? null }));
}

function checkRow(
  rec: CsvRecord,
  columns: Map<string, ContactField>,
  roleIds: Map<string, string>,
  seen: Map<string, number>,
  report: Report,
): Checked | undefined {
  const fields: Partial<Record<ContactField, string>> = {};
  let bad = false;
  for (const [column, field] of columns) {
    const cell = (rec.values[column] ?? '').trim();
    if (cell === '') continue;
    if (CONTROL.test(cell)) {
      report.add({ row: rec.row, field, message: 'must not contain control characters' });
      bad = true;
      continue;
    }
    const parsed = cellSchemas[field].safeParse(cell);
    if (!parsed.success) {
      report.add({ row: rec.row, field, message: parsed.error.issues[0]?.message ?? 'is not valid' });
      bad = true;
    } else fields[field] = parsed.data;
  }
  const email = fields.emailaddress1?.toLowerCase();
  if (!email) {
    if (!bad) report.add({ row: rec.row, field: 'emailaddress1', message: 'is needed: contacts are matched by it' });
    return undefined;
  }
  const earlier = seen.get(email);
  if (earlier !== undefined) {
    report.add({ row: rec.row, field: 'emailaddress1', message: `is the same as in row ${earlier}` });
    return undefined;
  }
  seen.set(email, rec.row);
  const roles: string[] = [];
  for (const name of roleNames(fields.webRoles ?? '')) {
    const id = roleIds.get(name.toLowerCase());
    if (id) roles.push(id);
    else {
      report.add({ row: rec.row, field: 'webRoles', message: `no web role is named "${name}"` });
      bad = true;
    }
  }
  return bad ? undefined : { row: rec.row, fields: fields as Fields, roles: [...new Set(roles)] };
}

/** Resolves the accounts a batch names (ids or names) to ids, creating missing ones when `tx` is given. */
async function resolveAccounts(
  db: Db | Tx,
  tx: Tx | undefined,
  batch: Checked[],
  cache: Map<string, string>,
  report: Report,
): Promise<void> {
  const wanted = [...new Set(batch.map((c) => c.fields.account).filter((a): a is string => Boolean(a)))].filter(
    (a) => !cache.has(a),
  );
  if (wanted.length === 0) return;
  for (const a of await accounts.accountsByIds(db, wanted.filter(isUuid))) cache.set(a.id, a.id);
  const names = wanted.filter((a) => !cache.has(a));
  for (const a of await accounts.accountsByNames(db, names)) if (!cache.has(a.name)) cache.set(a.name, a.id);
  const now = nowIso();
  const missing = names.filter((n) => !cache.has(n));
  const rows = missing.map((name) => ({
    id: newId(),
    name,
    parent_account_id: null,
    created_at: now,
    updated_at: now,
  }));
  for (const r of rows) cache.set(r.name, r.id);
  report.accountsCreated += rows.length;
  if (tx) await accounts.insertAccounts(tx, rows);
}

type Plan =
  | { kind: 'create'; row: ContactRow; roles: string[] }
  | { kind: 'update'; id: string; changes: contacts.ContactFieldChanges; roles: string[]; fields: string[] }
  | { kind: 'unchanged' };

function plan(
  c: Checked,
  existing: ContactRow | undefined,
  have: string[],
  accountId: string | undefined,
  now: string,
): Plan {
  const f = c.fields;
  if (!existing) {
    const row = newContactRow({
      first_name: f.firstName ?? null,
      last_name: f.lastName ?? null,
      emailaddress1: f.emailaddress1,
      emailaddress2: f.emailaddress2 ?? null,
      emailaddress3: f.emailaddress3 ?? null,
      parent_account_id: accountId ?? null,
      locale: f.locale ?? null,
      created_at: now,
      updated_at: now,
    });
    return { kind: 'create', row, roles: c.roles };
  }
  const changes: contacts.ContactFieldChanges = {};
  const set = <K extends keyof ContactRow & keyof contacts.ContactFieldChanges>(
    col: K,
    v: ContactRow[K] | undefined,
  ) => {
    if (v !== undefined && existing[col] !== v) (changes as Record<string, unknown>)[col] = v;
  };
  set('first_name', f.firstName);
  set('last_name', f.lastName);
  set('emailaddress2', f.emailaddress2);
  set('emailaddress3', f.emailaddress3);
  set('locale', f.locale);
  set('parent_account_id', accountId);
  const roles = c.roles.filter((r) => !have.includes(r));
  const fields = Object.keys(changes);
  if (fields.length === 0 && roles.length === 0) return { kind: 'unchanged' };
  if (roles.length) fields.push('webRoles');
  return { kind: 'update', id: existing.id, changes, roles, fields };
}

/** Plans (and, with `tx`, writes) one batch of checked rows. */
async function runBatch(
  db: Db | Tx,
  tx: Tx | undefined,
  actor: Actor,
  batch: Checked[],
  accountIds: Map<string, string>,
  report: Report,
): Promise<void> {
  await resolveAccounts(db, tx, batch, accountIds, report);
  const existing = new Map(
    (
      await contacts.contactsByEmails(
        db,
        batch.map((c) => c.fields.emailaddress1.toLowerCase()),
      )
    ).map((r) => [(r.emailaddress1 ?? '').toLowerCase(), r]),
  );
  const roles = await contacts.webRoleIdsOf(
    db,
    [...existing.values()].map((r) => r.id),
  );
  const now = nowIso();
  const inserts: ContactRow[] = [];
  const links: Array<[string, string]> = [];
  const audits: AuditEntryInput[] = [];
  for (const c of batch) {
    const found = existing.get(c.fields.emailaddress1.toLowerCase());
    const account = c.fields.account ? accountIds.get(c.fields.account) : undefined;
    const p = plan(c, found, found ? (roles.get(found.id) ?? []) : [], account, now);
    if (p.kind === 'unchanged') {
      report.unchanged++;
      continue;
    }
    const id = p.kind === 'create' ? p.row.id : p.id;
    if (p.kind === 'create') {
      report.created++;
      inserts.push(p.row);
    } else {
      report.updated++;
      if (tx && Object.keys(p.changes).length) await contacts.updateContactFields(tx, p.id, p.changes);
    }
    for (const r of p.roles) links.push([id, r]);
    audits.push({
      actor,
      action: p.kind === 'create' ? 'create' : 'update',
      recordType: 'contact',
      recordId: id,
      details: { import: 'csv', ...(p.kind === 'update' ? { fields: p.fields } : {}) },
    });
  }
  if (!tx) return;
  await contacts.insertContactRows(tx, inserts);
  await contacts.addWebRoles(tx, links);
  await writeAudits(tx, audits, now);
  // contact.created for each contact made, as an API create fires it (one read when nobody subscribes).
  await recordLifecycleEvents(
    tx,
    'contact.created',
    inserts.map((r) => ({ contactId: r.id, contact: contactData(r) })),
  );
}

/** Imports contacts from a CSV source; see the module comment. Never throws for bad rows: they are in the report. */
export async function importContactsCsv(
  ctx: AppContext,
  actor: Actor,
  source: CsvSource,
  options: ContactsImportOptions = {},
): Promise<ImportReport> {
  const dryRun = Boolean(options.dryRun);
  const batchSize = Math.max(1, options.batchSize ?? BATCH);
  const partSize = Math.max(1, Math.min(options.partSize ?? PART, batchSize));
  const report = new Report();
  const roleIds = new Map((await allWebRoles(ctx.db)).map((r) => [r.name.toLowerCase(), r.id]));
  const accountIds = new Map<string, string>();
  const progress = options.onProgress ?? (() => {});

  // Pass 1: every row checked; a dry run plans each part against the database, an import keeps
  // the checked parts for pass 2 (while the file may still be written at all).
  const seen = new Map<string, number>();
  let columns: Map<string, ContactField> | undefined;
  let batch: Checked[] = [];
  const spool = new BatchSpool<Checked>();
  const keep = () => !dryRun && (options.continueOnError || report.errorCount === 0);
  const records = readCsv(source);
  try {
    try {
      for await (const rec of records) {
        if (!columns) {
          columns = mapHeader(Object.keys(rec.values));
          if (![...columns.values()].includes('emailaddress1')) {
            report.add({
              row: 0,
              field: 'emailaddress1',
              message: 'the file needs an emailaddress1 (or email) column',
            });
            break;
          }
        }
        report.rows = rec.row;
        const checked = checkRow(rec, columns, roleIds, seen, report);
        if (checked && (dryRun || keep())) batch.push(checked);
        if (batch.length >= partSize) {
          if (dryRun) await runBatch(ctx.db, undefined, actor, batch, accountIds, report);
          else if (keep()) await spool.push(batch);
          batch = [];
        }
        if (rec.row % 500 === 0) progress('check', rec.row);
      }
      if (dryRun && batch.length) await runBatch(ctx.db, undefined, actor, batch, accountIds, report);
      else if (keep()) await spool.push(batch);
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      report.add({ row: report.rows + 1, field: 'file', message: `not readable as CSV: ${err.message}` });
      // A file that cannot be read to its end is never written, whatever continueOnError says.
      report.skipped = report.rows;
      return report.result(dryRun);
    }
    if (!columns && report.errorCount === 0)
      report.add({ row: 0, field: 'file', message: 'the file has no header line' });
    progress('check', report.rows);
    if (dryRun) {
      report.skipped = report.badRows.size;
      return report.result(true);
    }
    if (report.errorCount > 0 && (!options.continueOnError || report.badRows.size === 0 || !columns)) {
      report.skipped = report.rows;
      return report.result(false);
    }

    // Pass 2: the kept parts, several to a transaction of up to batchSize rows. A part is planned
    // and written as it is read, so the rows, audit entries and statement values of one die young
    // instead of a whole batch's filling the old heap (peak memory stays flat in the row count).
    let analyzed = false;
    const parts = spool.read();
    let part = await parts.next();
    while (!part.done) {
      let last = 0;
      await ctx.db.transaction().execute(async (tx) => {
        for (let inBatch = 0; !part.done && inBatch < batchSize; part = await parts.next()) {
          await runBatch(tx, tx, actor, part.value, accountIds, report);
          inBatch += part.value.length;
          last = part.value[part.value.length - 1]?.row ?? last;
        }
      });
      // The later batches' email lookups planned with the table's real statistics (db/statistics.ts).
      if (!analyzed && report.created >= 1000) analyzed = await refreshStatistics(ctx.db, 'contacts');
      progress('write', last);
    }
    progress('write', report.rows);
    report.skipped = report.badRows.size;
    return report.result(false);
  } finally {
    await spool.remove();
  }
}
