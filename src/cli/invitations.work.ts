// The work of `invitations create --contacts-from FILE` (CSV rows → contacts → bulk invitations in
// batches) and `invitations send` (Send Invitation runs queued in batches, then waited for), the
// same on the local database and on a server: everything goes through an InvitationsTarget.
import { setTimeout as delay } from 'node:timers/promises';
import type { BulkCreated, InvitationSettings } from '../invitations/invitations.schema.ts';
import type { RowError } from '../import-export/import-export.schema.ts';
import { CsvError, readCsv } from '../import-export/csv-reader.ts';
import { columnKey } from '../import-export/import-export.schema.ts';
import { fileSource } from '../import-export/spool.ts';
import { isUuid } from '../shared/ids.ts';
import type { Progress } from './progress.ts';
import type { InvitationsTarget, Named, RunState } from './invitations.target.ts';

/** Contacts per bulk call (one transaction each, as POST /invitations/bulk takes them). */
export const CREATE_BATCH = 1000;
/** Invitations per POST /workflows/{id}/run. */
export const SEND_BATCH = 1000;
const MAX_ERRORS = 1000;

export interface CreateReport {
  ok: boolean;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  /** Rows naming a contact that an earlier row of the file already named (one invitation each). */
  unchanged: number;
  /** Rows not turned into an invitation because of an error (all rows when nothing was created). */
  skipped: number;
  errors: RowError[];
  errorCount: number;
  /** Created (or, in a dry run, to be created) although nothing can be emailed to them. */
  contactsWithoutEmail: string[];
  invitations: BulkCreated['items'];
}

interface RowRef {
  row: number;
  id?: string | undefined;
  email?: string | undefined;
}

/** The row's contact: by id (`id`, `contactid`) when it exists, else by `emailaddress1` in any letter case. */
async function resolveRows(
  target: InvitationsTarget,
  refs: RowRef[],
  fail: (e: RowError) => void,
): Promise<Map<number, { id: string; hasEmail: boolean }>> {
  const out = new Map<number, { id: string; hasEmail: boolean }>();
  for (let i = 0; i < refs.length; i += CREATE_BATCH) {
    const chunk = refs.slice(i, i + CREATE_BATCH);
    const ids = [...new Set(chunk.flatMap((r) => (r.id && isUuid(r.id) ? [r.id.toLowerCase()] : [])))];
    const byId = ids.length ? await target.contactsByIds(ids) : new Map();
    const emails = [
      ...new Set(
        chunk.flatMap((r) => (r.email && !(r.id && byId.has(r.id.toLowerCase())) ? [r.email.toLowerCase()] : [])),
      ),
    ];
    const byEmail = emails.length ? await target.contactsByEmails(emails) : new Map();
    for (const r of chunk) {
      const c = r.id ? byId.get(r.id.toLowerCase()) : undefined;
      if (c) {
        out.set(r.row, c);
        continue;
      }
      if (!r.email) {
        const message =
          r.id && !isUuid(r.id)
            ? 'must be a contact id'
            : 'no such contact; import the contacts first with `contacts import FILE`';
        fail({ row: r.row, field: 'contactid', message });
        continue;
      }
      const found = byEmail.get(r.email.toLowerCase()) ?? [];
      if (found.length === 1) out.set(r.row, found[0]);
      else
        fail({
          row: r.row,
          field: 'emailaddress1',
          message:
            found.length === 0
              ? 'no contact has this email address; import the contacts first with `contacts import FILE`'
              : 'several contacts have this email address; name the contact by its id (contactid)',
        });
    }
  }
  return out;
}

export async function createFromCsv(
  target: InvitationsTarget,
  file: string,
  settings: InvitationSettings,
  options: { dryRun: boolean; continueOnError: boolean },
  progress: Progress,
): Promise<CreateReport> {
  const report: CreateReport = {
    ok: true,
    dryRun: options.dryRun,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    errors: [],
    errorCount: 0,
    contactsWithoutEmail: [],
    invitations: [],
  };
  const bad = new Set<number>();
  const fail = (e: RowError) => {
    report.errorCount++;
    if (e.row > 0) bad.add(e.row);
    if (report.errors.length < MAX_ERRORS) report.errors.push(e);
  };
  const done = () => ({ ...report, ok: report.errorCount === 0 });

  // The check: every row names an existing contact (nothing is written before it ends).
  progress.stage('Checking');
  const refs: RowRef[] = [];
  const records = readCsv(fileSource(file));
  let columns: { id?: string; email?: string } | undefined;
  const columnsOf = (names: string[]) => {
    const find = (...keys: string[]) => names.find((n) => keys.includes(columnKey(n)));
    columns = { id: find('contactid', 'id'), email: find('emailaddress1') };
    if (columns.id || columns.email) return true;
    fail({ row: 0, field: 'file', message: 'the file has no id, contactid or emailaddress1 column' });
    return false;
  };
  try {
    for (;;) {
      const next = await records.next();
      if (next.done) {
        // No data rows: the header alone (nothing to do) or not even that.
        if (!columns && next.value.length === 0)
          fail({ row: 0, field: 'file', message: 'the file has no header line' });
        else if (!columns) columnsOf(next.value);
        break;
      }
      const rec = next.value;
      if (!columns && !columnsOf(Object.keys(rec.values))) {
        await records.return([]);
        break;
      }
      const cols = columns as { id?: string; email?: string };
      report.rows = rec.row;
      const cell = (name?: string) => (name ? rec.values[name]?.trim() || undefined : undefined);
      const ref = { row: rec.row, id: cell(cols.id), email: cell(cols.email) };
      if (!ref.id && !ref.email)
        fail({ row: rec.row, field: cols.email ? 'emailaddress1' : 'contactid', message: 'names no contact' });
      else refs.push(ref);
      if (rec.row % 500 === 0) progress.update(rec.row);
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    fail({ row: report.rows + 1, field: 'file', message: `not readable as CSV: ${err.message}` });
    report.skipped = report.rows;
    return done();
  }
  const contactOf = await resolveRows(target, refs, fail);
  progress.finish(report.rows);

  // One invitation per contact, in file order; a contact named again is "unchanged".
  const seen = new Set<string>();
  const contacts: Array<{ id: string; hasEmail: boolean }> = [];
  for (const r of refs) {
    const c = contactOf.get(r.row);
    if (!c) continue;
    if (seen.has(c.id)) report.unchanged++;
    else {
      seen.add(c.id);
      contacts.push(c);
    }
  }
  const withoutEmail = contacts.filter((c) => !c.hasEmail).map((c) => c.id);
  if (options.dryRun) {
    Object.assign(report, { created: contacts.length, skipped: bad.size, contactsWithoutEmail: withoutEmail });
    return done();
  }
  if (report.errorCount > 0 && (!options.continueOnError || !columns)) {
    Object.assign(report, { skipped: report.rows, unchanged: 0 });
    return done();
  }
  report.skipped = bad.size;
  progress.stage('Creating', contacts.length);
  for (let i = 0; i < contacts.length; i += CREATE_BATCH) {
    const batch = contacts.slice(i, i + CREATE_BATCH).map((c) => c.id);
    const made = await target.bulkCreate(batch, settings);
    report.invitations.push(...made.items);
    report.contactsWithoutEmail.push(...made.contactsWithoutEmail);
    report.created += made.items.length;
    progress.update(report.created);
  }
  progress.finish(report.created);
  return done();
}

// ---------------------------------------------------------------------------------------------
// Sending

export interface SendReport {
  ok: boolean;
  invitations: number;
  succeeded: number;
  failed: number;
  /** Runs that succeeded but sent nothing (no invited contact has a primary email). */
  skipped: Array<{ invitationId: string; name: string; reason: string }>;
  errors: Array<{ invitationId: string; name: string; runId: string; message: string }>;
}

export async function sendInvitations(
  target: InvitationsTarget,
  workflowId: string,
  invitations: Named[],
  options: { timeoutMs: number; pollMs: number },
  progress: Progress,
): Promise<SendReport> {
  const nameOf = new Map(invitations.map((i) => [i.id, i.name]));
  const report: SendReport = {
    ok: true,
    invitations: invitations.length,
    succeeded: 0,
    failed: 0,
    skipped: [],
    errors: [],
  };
  progress.stage('Queueing', invitations.length);
  const runs: string[] = [];
  for (let i = 0; i < invitations.length; i += SEND_BATCH) {
    const items = await target.runWorkflow(
      workflowId,
      invitations.slice(i, i + SEND_BATCH).map((inv) => inv.id),
    );
    runs.push(...items.map((r) => r.id));
    progress.update(runs.length);
  }
  progress.finish(runs.length);

  // Then wait: work the queue (locally) and look at the runs not settled yet, until all are.
  progress.stage('Sending', runs.length);
  const deadline = Date.now() + options.timeoutMs;
  let open = runs;
  const settled: RunState[] = [];
  while (open.length > 0) {
    await target.work();
    const states = await target.runStates(open);
    settled.push(...states.filter((s) => s.settled));
    open = states.filter((s) => !s.settled).map((s) => s.id);
    progress.update(settled.length);
    if (open.length === 0 || Date.now() > deadline) break;
    await delay(options.pollMs);
  }
  progress.finish(settled.length);
  for (const s of settled) {
    const name = nameOf.get(s.targetId) ?? '';
    if (s.status === 'failed') {
      report.failed++;
      report.errors.push({ invitationId: s.targetId, name, runId: s.id, message: s.error ?? 'the run failed' });
    } else {
      report.succeeded++;
      if (s.skipped) report.skipped.push({ invitationId: s.targetId, name, reason: s.skipped });
    }
  }
  for (const s of await (open.length ? target.runStates(open) : Promise.resolve([])))
    report.errors.push({
      invitationId: s.targetId,
      name: nameOf.get(s.targetId) ?? '',
      runId: s.id,
      message: `still ${s.status} after ${Math.round(options.timeoutMs / 1000)} s; see GET /workflow-runs/${s.id}`,
    });
  report.ok = report.errors.length === 0;
  return report;
}
