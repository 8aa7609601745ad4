// The work behind `invitations create` and `invitations send` once their options are parsed: the
// options checked and looked up on the target, the work run, the report made. Loaded only when one runs.
import type { Command } from 'commander';
import { invitationSettingsSchema, type InvitationSettings } from '../invitations/invitations.schema.ts';
import { endOfDayIn } from '../import-export/powerpages.model.ts';
import { isUuid } from '../shared/ids.ts';
import type { CliRun } from './command.ts';
import { ExitCode, UsageError, type CommandResult } from './io.ts';
import { progressFor } from './progress.ts';
import { withInvitationsTarget, type InvitationsTarget, type Named } from './invitations.target.ts';
import { createFromCsv, sendInvitations, type CreateReport, type SendReport } from './invitations.work.ts';

export interface CreateOptions {
  contactsFrom: string;
  name?: string;
  expiresAt?: string;
  owner?: string;
  webRole?: string[];
  account?: string;
  workflow?: string;
  binding?: string;
  allowedDomain?: string[];
  locale?: string;
  inviter?: string;
  dryRun?: boolean;
  continueOnError?: boolean;
}

/** The one record `value` names (its id, or its name/email in any letter case), or a usage error. */
async function one(
  option: string,
  what: string,
  value: string,
  byId: () => Promise<boolean>,
  byName: () => Promise<Named[]>,
) {
  if (isUuid(value)) {
    if (await byId()) return value.toLowerCase();
    throw new UsageError(`${option}: no ${what} has the id ${value}`);
  }
  const matches = (await byName()).filter((r) => r.name.toLowerCase() === value.toLowerCase());
  if (matches.length === 1) return (matches[0] as Named).id;
  throw new UsageError(
    matches.length === 0
      ? `${option}: no ${what} is named ${value}`
      : `${option}: several ${what}s are named ${value}; give its id`,
  );
}

/** The options as the bulk API's settings, every name looked up; all checked before anything is written. */
async function settingsOf(target: InvitationsTarget, o: CreateOptions): Promise<InvitationSettings> {
  const input: Record<string, unknown> = {};
  if (o.name !== undefined) input.name = o.name;
  if (o.binding !== undefined) input.binding = o.binding;
  if (o.allowedDomain) input.allowedDomains = o.allowedDomain;
  if (o.locale !== undefined) input.locale = o.locale;
  if (o.expiresAt !== undefined) {
    // A date alone ends that day in the site's time zone, as Power Pages' date-only expiry does.
    const v = o.expiresAt.trim();
    const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(endOfDayIn(v, await target.timeZone())) : Date.parse(v);
    if (Number.isNaN(t)) throw new UsageError('--expires-at: must be a date (2026-12-31) or an ISO 8601 time');
    if (t <= Date.now()) throw new UsageError('--expires-at: must be in the future');
    input.expiresAt = new Date(t).toISOString();
  }
  const parsed = invitationSettingsSchema.safeParse(input);
  const option = (key: string) =>
    ({ allowedDomains: '--allowed-domain', expiresAt: '--expires-at' })[key.split('.')[0] ?? ''] ??
    `--${key.split('.')[0]}`;
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues.map((i) => `${option(i.path.map(String).join('.'))}: ${i.message}`).join('; '),
    );
  const s: InvitationSettings = parsed.data;
  if (s.binding === 'email-domain' && !s.allowedDomains?.length)
    throw new UsageError('--binding email-domain needs at least one --allowed-domain');
  if (s.allowedDomains?.length && s.binding !== 'email-domain')
    throw new UsageError('--allowed-domain goes with --binding email-domain only');

  if (o.owner)
    s.ownerId = await one(
      '--owner',
      'system user',
      o.owner,
      () => target.exists('user', o.owner as string),
      async () => (o.owner?.includes('@') ? target.users(o.owner) : []),
    );
  if (o.webRole?.length) {
    s.webRoleIds = [];
    for (const w of o.webRole)
      s.webRoleIds.push(
        await one(
          '--web-role',
          'web role',
          w,
          () => target.exists('webRole', w),
          () => target.webRoles(w),
        ),
      );
  }
  if (o.account)
    s.assignToAccountId = await one(
      '--account',
      'account',
      o.account,
      () => target.exists('account', o.account as string),
      () => target.accounts(o.account as string),
    );
  if (o.inviter)
    s.inviterContactId = await one(
      '--inviter',
      'contact',
      o.inviter,
      () => target.exists('contact', o.inviter as string),
      async () => (o.inviter?.includes('@') ? target.contactsWithEmail(o.inviter) : []),
    );
  if (o.workflow) {
    const wf = o.workflow.toLowerCase();
    const matches = (await target.workflows()).filter(
      (w) => w.id === wf || w.name.toLowerCase() === wf || w.key === wf,
    );
    if (matches.length !== 1)
      throw new UsageError(
        matches.length
          ? `--workflow: several workflows are named ${o.workflow}; give its id`
          : `--workflow: no workflow is named ${o.workflow}`,
      );
    if (matches[0]?.primaryEntity !== 'contact')
      throw new UsageError('--workflow: the workflow run on redemption must have contact as its primary record');
    s.redeemWorkflowId = matches[0].id;
  }
  return s;
}

function createResult(r: CreateReport): CommandResult {
  const verb = r.dryRun ? 'would be' : 'were';
  const lines = [
    `${r.rows} rows: ${r.created} invitations ${verb} created, ${r.unchanged} rows named a contact again, ${r.skipped} skipped.`,
  ];
  if (r.contactsWithoutEmail.length)
    lines.push(
      `${r.contactsWithoutEmail.length} of these contacts have no primary email (emailaddress1): their invitations cannot be emailed.`,
    );
  for (const e of r.errors) lines.push(`row ${e.row}, ${e.field}: ${e.message}`);
  if (r.errorCount > r.errors.length) lines.push(`… and ${r.errorCount - r.errors.length} more errors.`);
  if (!r.ok && !r.dryRun && r.created === 0)
    lines.push('Nothing was created. Fix the rows above, or create the others with --continue-on-error.');
  return { lines, json: { ...r }, ...(r.ok ? {} : { exitCode: ExitCode.failure }) };
}

function sendResult(r: SendReport): CommandResult {
  const lines = [`${r.invitations} invitations: ${r.succeeded} runs succeeded, ${r.failed} failed.`];
  for (const s of r.skipped) lines.push(`not sent: ${s.invitationId} (${s.name}): ${s.reason}`);
  for (const e of r.errors) lines.push(`failed: ${e.invitationId} (${e.name}), run ${e.runId}: ${e.message}`);
  if (r.invitations === 0) lines.push('No invitation matches; nothing was sent.');
  return { lines, json: { ...r }, ...(r.ok ? {} : { exitCode: ExitCode.failure }) };
}

async function invitationsToSend(
  target: InvitationsTarget,
  o: { status?: string; ids?: string; nameContains?: string },
): Promise<Named[]> {
  if ((o.status === undefined) === (o.ids === undefined)) throw new UsageError('give either --status or --ids');
  if (o.ids !== undefined) {
    if (o.nameContains !== undefined) throw new UsageError('--name-contains goes with --status, not --ids');
    const ids = [
      ...new Set(
        o.ids
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    if (ids.length === 0) throw new UsageError('--ids: give invitation ids separated by commas');
    const bad = ids.find((id) => !isUuid(id));
    if (bad) throw new UsageError(`--ids: not an invitation id: ${bad}`);
    const out: Named[] = [];
    for (const id of ids) {
      const inv = await target.invitation(id);
      if (!inv) throw new UsageError(`--ids: no such invitation: ${id}`);
      out.push({ id: inv.id, name: inv.name });
    }
    return out;
  }
  if (o.status !== 'new' && o.status !== 'sent') throw new UsageError('--status must be "new" or "sent"');
  return (await target.invitations({ status: o.status, nameContains: o.nameContains })).map((i) => ({
    id: i.id,
    name: i.name,
  }));
}

/** `invitations create --contacts-from FILE …` (the file is known to exist). */
export async function createInvitations(run: CliRun, cmd: Command, o: CreateOptions): Promise<CommandResult> {
  const report = await withInvitationsTarget(run, cmd, async (target) =>
    createFromCsv(
      target,
      o.contactsFrom,
      await settingsOf(target, o),
      { dryRun: Boolean(o.dryRun), continueOnError: Boolean(o.continueOnError) },
      progressFor(run.io),
    ),
  );
  return createResult(report);
}

/** `invitations send --status …|--ids …` (the timeout is checked). */
export async function sendMatchingInvitations(
  run: CliRun,
  cmd: Command,
  o: { status?: string; ids?: string; nameContains?: string },
  timeout: number,
): Promise<CommandResult> {
  const report = await withInvitationsTarget(run, cmd, async (target) => {
    const chosen = await invitationsToSend(target, o);
    const wf = (await target.workflows()).find((w) => w.key === 'send-invitation');
    if (!wf) throw Object.assign(new Error('the built-in Send Invitation workflow is missing'), { code: 'not-found' });
    const remote = cmd.optsWithGlobals<{ url?: string }>().url ?? run.io.env.PORTAL_URL;
    return sendInvitations(
      target,
      wf.id,
      chosen,
      { timeoutMs: timeout * 1000, pollMs: remote ? 500 : 200 },
      progressFor(run.io, 'invitations'),
    );
  });
  return sendResult(report);
}
