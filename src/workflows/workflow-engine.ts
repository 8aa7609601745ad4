// The workflow engine: the `run-workflow` job handler. It walks the steps of an activated workflow on
// the run's primary record, in order, and keeps the step log in `workflow_runs.steps`.
//
// Exactly once where it can be: a step that changes our database (update a contact, web roles,
// account, create an invitation, queue an email) commits its change and its log entry in ONE
// transaction, guarded by the log as it was (`WHERE steps = <previous log>`), so a retried or
// duplicated run never does it twice. A webhook is a call to the outside world: it is logged right
// after its 2xx; a crash in between repeats it, with the same `webhook-id` so receivers can drop it.
//
// A retried run (the job's back-off after a temporary failure, a restart, or staff retrying a
// failed run) resumes after the last step that succeeded: steps found in the log are not run
// again, and a condition takes the branch it took before. Temporary failures (webhook 5xx,
// time-outs, refused connections, database trouble) are retried by the job; others fail the run at
// once with the reason. Contact steps of an invitation workflow act on each invited contact.
import type { AppContext } from '../context.ts';
import { systemActor } from '../context.ts';
import { BACKGROUND, writeTransaction } from '../db/group-commit.ts';
import type { Tx } from '../db/types.ts';
import { prepared } from '../db/prepared.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import type { Invitation } from '../invitations/invitations.schema.ts';
import { fullNameOf } from '../contacts/contacts.service.ts';
import { createInvitationInTransaction } from '../invitations/invitations.service.ts';
import { assertWebRolesExist } from '../web-roles/web-roles.service.ts';
import { lockAccountForReference } from '../accounts/accounts.service.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { queueEmail, type EmailRow } from '../email/email.service.ts';
import { emailJobHandlers } from '../email/delivery.ts';
import type { MailTransport } from '../email/transport.ts';
import { renderEmail } from '../email/templates.ts';
import { DELIVER_EMAIL_JOB } from '../email/email.service.ts';
import { PermanentJobError, type JobControl, type JobHandlers, type JobRow } from '../jobs/jobs.ts';
import { registerJobHandlers } from '../jobs/background.ts';
import { AppError } from '../shared/errors.ts';
import { isoPlus, nowIso } from '../shared/time.ts';
import { RUN_WORKFLOW_JOB, queueWorkflowRun } from './workflow-runs.queue.ts';
import type { ConditionOperator, RunStep, Step } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';
import type { WorkflowRow, WorkflowRunRow } from './workflows.repo.ts';
import { sendWebhook, WebhookError } from './webhooks.ts';
import {
  contactOrNull,
  emailLocale,
  invitationEmailContext,
  InvitationNotSendable,
  invitationOrNull,
  ownerOf,
  pickTemplate,
  planInvitationEmails,
  refusalOf,
  senderOf,
  siteLocale,
  type Locale,
} from './workflow-emails.ts';

export const SEND_INVITATION_KEY = 'send-invitation';

export interface EngineOptions {
  /** How long a webhook may take to answer (default 15 s). */
  webhookTimeoutMs?: number;
}

/** A step failed; `temporary` failures are retried by the run's job. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** The log changed under us: another worker owns this run now. */
class RunTakenOver extends Error {}

type PrimaryRecord = { entity: 'contact'; contact: Contact } | { entity: 'invitation'; invitation: Invitation };

interface RunState {
  ctx: AppContext;
  options: Required<EngineOptions>;
  run: WorkflowRunRow;
  workflow: WorkflowRow;
  log: RunStep[];
  /** The log exactly as stored: the guard of the next commit. */
  logJson: string;
  /** Steps already done (succeeded or skipped) by path. */
  done: Map<string, RunStep>;
  emailsQueued: boolean;
  /** When this attempt started: the run's `started_at` unless an earlier attempt set it. */
  startedAt: string;
  /** The run is `running` in the database (set by the first write of this attempt). */
  markedRunning: boolean;
  /** The path of the step that ends the run if it succeeds (the last one walked, or a stop). */
  finalPath: string | undefined;
  /** The run's final step committed the run's success (and the job's, through `control`). */
  finished: boolean;
  control: JobControl | undefined;
}

const errorText = (err: unknown): string =>
  (err instanceof Error ? err.message || err.name : String(err)).slice(0, 4000);

// ---------------------------------------------------------------------------------------------
// Records

async function loadRecord(ctx: AppContext, workflow: WorkflowRow, targetId: string): Promise<PrimaryRecord> {
  if (workflow.primary_entity === 'contact') {
    const contact = await contactOrNull(ctx, targetId);
    if (!contact) throw new StepFailure(`The contact ${targetId} no longer exists.`, false);
    return { entity: 'contact', contact };
  }
  const invitation = await invitationOrNull(ctx, targetId);
  if (!invitation) throw new StepFailure(`The invitation ${targetId} no longer exists.`, false);
  return { entity: 'invitation', invitation };
}

const recordData = (r: PrimaryRecord): Record<string, unknown> => (r.entity === 'contact' ? r.contact : r.invitation);

/** The contacts contact steps act on: the contact itself, or every invited contact of the invitation. */
async function targetContacts(ctx: AppContext, r: PrimaryRecord): Promise<Contact[]> {
  if (r.entity === 'contact') return [r.contact];
  const out: Contact[] = [];
  for (const id of r.invitation.invitedContactIds) {
    const c = await contactOrNull(ctx, id);
    if (c) out.push(c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Conditions

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Evaluates a condition on a field value; arrays (webRoleIds …) match when any element does. */
export function evaluateCondition(actual: unknown, operator: ConditionOperator, value: unknown): boolean {
  switch (operator) {
    case 'is-empty':
      return isEmpty(actual);
    case 'is-not-empty':
      return !isEmpty(actual);
    case 'equals':
      if (value === null) return isEmpty(actual);
      if (Array.isArray(actual)) return actual.some((a) => text(a) === text(value));
      return text(actual) === text(value);
    case 'not-equals':
      return !evaluateCondition(actual, 'equals', value);
    case 'contains': {
      const needle = text(value).toLowerCase();
      if (Array.isArray(actual)) return actual.some((a) => text(a).toLowerCase() === needle);
      return text(actual).toLowerCase().includes(needle);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The log

function newEntry(
  state: RunState,
  step: Step,
  path: string,
  startedAt: string,
  status: RunStep['status'],
  detail: unknown,
  error: string | null = null,
): RunStep {
  return { index: state.log.length, path, type: step.type, status, startedAt, finishedAt: nowIso(), detail, error };
}

// Written for every step of every run: compiled once (see db/prepared.ts).
const appendToLog = prepared(['id', 'steps', 'previous', 'startedAt', 'status', 'finishedAt'], (db, p) =>
  db
    .updateTable('workflow_runs')
    .set({
      steps: p('steps'),
      error: null,
      started_at: p('startedAt'),
      status: p('status'),
      finished_at: p('finishedAt'),
    })
    .where('id', '=', p('id'))
    .where('status', 'in', ['queued', 'running'])
    .where('steps', '=', p('previous')),
);

/** Guarded: the invitation must still be sendable when the change lands. */
const markInvitationSent = prepared(['id', 'now'], (db, p) =>
  db
    .updateTable('invitations')
    .set({ status: 'sent', sent_at: p('now'), updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('status', 'in', ['new', 'sent'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p('now'))])),
);

/**
 * Appends `entry` to the log, with `effect` in the same transaction, guarded by the previous log.
 * The same write marks the run `running` (its first step) and, for the run's last step (`final`),
 * `succeeded` together with the job's own success: a one-step run commits once.
 */
async function commitStep(state: RunState, entry: RunStep, effect?: (tx: Tx) => Promise<void>): Promise<void> {
  const final = entry.path === state.finalPath && entry.status !== 'failed';
  const next = [...state.log, entry];
  let nextJson = '';
  const { ctx } = state;
  await writeTransaction(
    ctx.db,
    ctx.dialect,
    async (tx) => {
      if (effect) await effect(tx);
      // After the effect: it fills in the entry's detail (queued email ids, created invitations).
      entry.finishedAt = nowIso();
      nextJson = JSON.stringify(next);
      const changed = await appendToLog.affected(tx, {
        id: state.run.id,
        steps: nextJson,
        previous: state.logJson,
        startedAt: state.startedAt,
        status: final ? 'succeeded' : 'running',
        finishedAt: final ? entry.finishedAt : null,
      });
      if (changed !== 1)
        throw new RunTakenOver(`The run ${state.run.id} changed while this step ran; another worker owns it now.`);
      if (final) await state.control?.complete(tx);
    },
    BACKGROUND,
  );
  state.log = next;
  state.logJson = nextJson;
  state.markedRunning = true;
  if (final) state.finished = true;
  if (entry.status !== 'failed') state.done.set(entry.path, entry);
}

/** Marks the run `running` before a step that takes a while outside the database (a webhook). */
async function markRunning(state: RunState): Promise<void> {
  if (state.markedRunning) return;
  const { ctx } = state;
  const result = await writeTransaction(
    ctx.db,
    ctx.dialect,
    (tx) =>
      tx
        .updateTable('workflow_runs')
        .set({ status: 'running', started_at: state.startedAt })
        .where('id', '=', state.run.id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst(),
    BACKGROUND,
  );
  if (Number(result.numUpdatedRows) !== 1)
    throw new RunTakenOver(`The run ${state.run.id} ended while this attempt ran.`);
  state.markedRunning = true;
}

// ---------------------------------------------------------------------------------------------
// Steps

/** Wraps the errors of a database effect: our own refusals are permanent, the rest temporary. */
function permanentIfAppError(err: unknown): never {
  if (err instanceof AppError) throw new StepFailure(err.detail ?? err.message, false);
  throw err;
}

const contactChanges = (fields: Extract<Step, { type: 'update-contact' }>['fields']) => {
  const changes: Record<string, unknown> = {};
  if (fields.firstName !== undefined) changes.first_name = fields.firstName;
  if (fields.lastName !== undefined) changes.last_name = fields.lastName;
  if (fields.emailaddress2 !== undefined) changes.emailaddress2 = fields.emailaddress2;
  if (fields.emailaddress3 !== undefined) changes.emailaddress3 = fields.emailaddress3;
  if (fields.locale !== undefined) changes.locale = fields.locale;
  if (fields.loginEnabled !== undefined) changes.login_enabled = fields.loginEnabled ? 1 : 0;
  return changes;
};

const auditActor = systemActor;

async function runSendInvitation(
  state: RunState,
  step: Step,
  path: string,
  startedAt: string,
  record: PrimaryRecord,
): Promise<void> {
  const { ctx } = state;
  if (record.entity !== 'invitation') throw new StepFailure('send-invitation runs on invitations only.', false);
  const invitation = record.invitation;
  const refusal = refusalOf(invitation);
  if (refusal) throw new StepFailure(`Not sent: ${refusal}`, false);
  let plan: Awaited<ReturnType<typeof planInvitationEmails>>;
  try {
    const e = await invitationEmailContext(ctx, invitation, 'real');
    plan = await planInvitationEmails(ctx, await repo.templatesOf(ctx.db, state.workflow.id), e);
  } catch (err) {
    if (err instanceof InvitationNotSendable) throw new StepFailure(`Not sent: ${err.message}`, false);
    if (err instanceof Error && /liquid|render/i.test(err.name + err.message))
      throw new StepFailure(`The template could not be rendered: ${err.message}`, false);
    throw err;
  }
  const skipped = plan.skipped.map((s) => ({ contactId: s.contactId, status: 'skipped' as const, reason: s.reason }));
  if (plan.emails.length === 0) {
    const reason =
      invitation.invitedContactIds.length === 0
        ? 'The invitation has no invited contacts; nothing was sent.'
        : 'No invited contact has a primary email address (emailaddress1); nothing was sent.';
    await commitStep(
      state,
      newEntry(state, step, path, startedAt, 'skipped', { invitationId: invitation.id, recipients: skipped, reason }),
    );
    return;
  }
  const recipients: Array<Record<string, unknown>> = [];
  await commitStep(
    state,
    newEntry(state, step, path, startedAt, 'succeeded', { invitationId: invitation.id, recipients }),
    async (tx) => {
      const now = nowIso();
      if ((await markInvitationSent.affected(tx, { id: invitation.id, now })) !== 1)
        throw new StepFailure('Not sent: the invitation was deactivated, redeemed or expired meanwhile.', false);
      recipients.length = 0;
      for (const m of plan.emails) {
        const email = await queueEmail(tx, {
          toContactId: m.contactId,
          toAddress: m.to,
          fromAddress: m.from,
          subject: m.rendered.subject,
          html: m.rendered.html,
          text: m.rendered.text,
          regardingType: 'invitation',
          regardingId: invitation.id,
          workflowRunId: state.run.id,
          // Delivered by this worker right after the run, not behind every run queued meanwhile.
          followUpOf: state.control,
        });
        recipients.push({
          contactId: m.contactId,
          to: m.to,
          locale: m.locale,
          templateId: m.templateId,
          status: 'queued',
          emailId: email.id,
        });
      }
      recipients.push(...skipped);
    },
  );
  state.emailsQueued = true;
}

async function runSendEmail(
  state: RunState,
  step: Extract<Step, { type: 'send-email' }>,
  path: string,
  startedAt: string,
  record: PrimaryRecord,
): Promise<void> {
  const { ctx, workflow } = state;
  const preferred = await repo.findTemplate(ctx.db, step.templateId);
  if (!preferred || preferred.workflow_id !== workflow.id)
    throw new StepFailure(`The email template ${step.templateId} no longer exists in this workflow.`, false);
  const templates = await repo.templatesOf(ctx.db, workflow.id);
  const site = await siteLocale(ctx);
  const invitation = record.entity === 'invitation' ? record.invitation : null;
  const owner = invitation ? await ownerOf(ctx.db, invitation.ownerId) : null;
  const contacts = await targetContacts(ctx, record);
  type Planned = {
    contactId: string | null;
    to: string;
    locale: Locale;
    templateId: string;
    from: string;
    subject: string;
    html: string;
    text: string;
  };
  const planned: Planned[] = [];
  const skipped: Array<Record<string, unknown>> = [];
  const render = (contact: Contact | null, to: string) => {
    const locale = emailLocale(invitation, contact, site);
    const template = pickTemplate(templates, locale, site, preferred) ?? preferred;
    let rendered: ReturnType<typeof renderEmail>;
    try {
      rendered = renderEmail(template, {
        contact,
        invitation,
        owner,
        workflow: { id: workflow.id, key: workflow.key, name: workflow.name },
        locale,
      });
    } catch (err) {
      throw new StepFailure(
        `The template "${template.name}" (${template.locale}) could not be rendered: ${errorText(err)}`,
        false,
      );
    }
    planned.push({
      contactId: contact?.id ?? null,
      to,
      locale,
      templateId: template.id,
      from: senderOf(ctx, template, owner),
      ...rendered,
    });
  };
  if (step.to) render(contacts[0] ?? null, step.to);
  else
    for (const c of contacts) {
      if (c.emailaddress1) render(c, c.emailaddress1);
      else
        skipped.push({
          contactId: c.id,
          status: 'skipped',
          reason: 'The contact has no primary email address (emailaddress1).',
        });
    }
  if (planned.length === 0) {
    await commitStep(
      state,
      newEntry(state, step, path, startedAt, 'skipped', {
        recipients: skipped,
        reason: 'No recipient with an email address; nothing was sent.',
      }),
    );
    return;
  }
  const recipients: Array<Record<string, unknown>> = [];
  await commitStep(state, newEntry(state, step, path, startedAt, 'succeeded', { recipients }), async (tx) => {
    recipients.length = 0;
    for (const p of planned) {
      const email = await queueEmail(tx, {
        toContactId: p.contactId,
        toAddress: p.to,
        fromAddress: p.from,
        subject: p.subject,
        html: p.html,
        text: p.text,
        regardingType: invitation ? 'invitation' : 'contact',
        regardingId: invitation ? invitation.id : p.contactId,
        workflowRunId: state.run.id,
        // Delivered by this worker right after the run, not behind every run queued meanwhile.
        followUpOf: state.control,
      });
      recipients.push({
        contactId: p.contactId,
        to: p.to,
        locale: p.locale,
        templateId: p.templateId,
        status: 'queued',
        emailId: email.id,
      });
    }
    recipients.push(...skipped);
  });
  state.emailsQueued = true;
}

async function runContactStep(
  state: RunState,
  step: Step,
  path: string,
  startedAt: string,
  record: PrimaryRecord,
): Promise<void> {
  const { ctx } = state;
  const contacts = await targetContacts(ctx, record);
  if (contacts.length === 0) {
    await commitStep(
      state,
      newEntry(state, step, path, startedAt, 'skipped', { reason: 'The invitation has no invited contacts.' }),
    );
    return;
  }
  const contactIds = contacts.map((c) => c.id);
  const audit = (tx: Tx, id: string, action: string, details: Record<string, unknown>) =>
    writeAudit(tx, {
      actor: auditActor,
      action,
      recordType: 'contact',
      recordId: id,
      details: { ...details, workflowId: state.workflow.id, workflowRunId: state.run.id },
    });
  let detail: Record<string, unknown> = { contactIds };
  let effect: (tx: Tx) => Promise<void>;
  switch (step.type) {
    case 'update-contact': {
      const changes = contactChanges(step.fields);
      detail = { contactIds, fields: step.fields };
      effect = async (tx) => {
        for (const id of contactIds) {
          const r = await tx
            .updateTable('contacts')
            .set({ ...changes, updated_at: nowIso() })
            .where('id', '=', id)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1) throw new StepFailure(`The contact ${id} no longer exists.`, false);
          await audit(tx, id, 'update', { fields: Object.keys(step.fields) });
        }
      };
      break;
    }
    case 'add-web-role':
      detail = { contactIds, webRoleId: step.webRoleId };
      effect = async (tx) => {
        await assertWebRolesExist(tx, [step.webRoleId], 'webRoleId', ctx.dialect).catch(permanentIfAppError);
        for (const id of contactIds) {
          await tx
            .insertInto('contact_web_roles')
            .values({ contact_id: id, web_role_id: step.webRoleId })
            .onConflict((oc) => oc.doNothing())
            .execute();
          await audit(tx, id, 'add-web-role', { webRoleId: step.webRoleId });
        }
      };
      break;
    case 'remove-web-role':
      detail = { contactIds, webRoleId: step.webRoleId };
      effect = async (tx) => {
        for (const id of contactIds) {
          await tx
            .deleteFrom('contact_web_roles')
            .where('contact_id', '=', id)
            .where('web_role_id', '=', step.webRoleId)
            .execute();
          await audit(tx, id, 'remove-web-role', { webRoleId: step.webRoleId });
        }
      };
      break;
    case 'set-account':
      detail = { contactIds, accountId: step.accountId };
      effect = async (tx) => {
        if (step.accountId && !(await lockAccountForReference(tx, ctx.dialect, step.accountId)))
          throw new StepFailure(`The account ${step.accountId} no longer exists.`, false);
        for (const id of contactIds) {
          await tx
            .updateTable('contacts')
            .set({ parent_account_id: step.accountId, updated_at: nowIso() })
            .where('id', '=', id)
            .execute();
          await audit(tx, id, 'set-account', { accountId: step.accountId });
        }
      };
      break;
    case 'create-invitation': {
      const created: Array<Record<string, unknown>> = [];
      detail = { contactIds, invitations: created };
      const { expiresInDays, ...settings } = step.invitation;
      effect = async (tx) => {
        created.length = 0;
        let sendWorkflow: { id: string; state: string } | undefined;
        if (step.send) {
          sendWorkflow = await tx
            .selectFrom('workflows')
            .select(['id', 'state'])
            .where('key', '=', SEND_INVITATION_KEY)
            .executeTakeFirst();
          if (sendWorkflow?.state !== 'activated')
            throw new StepFailure(
              'The Send Invitation workflow is deactivated, so the invitation cannot be sent; activate it first.',
              false,
            );
        }
        for (const c of contacts) {
          const built = await createInvitationInTransaction(ctx, tx, auditActor, {
            ...settings,
            name:
              settings.name ??
              `Invitation for ${fullNameOf({ first_name: c.firstName, last_name: c.lastName, emailaddress1: c.emailaddress1 })}`,
            type: 'single',
            invitedContactIds: [c.id],
            expiresAt: expiresInDays ? isoPlus(expiresInDays * 24 * 3600_000) : null,
          }).catch(permanentIfAppError);
          const entry: Record<string, unknown> = { contactId: c.id, invitationId: built.row.id };
          if (sendWorkflow) entry.sendRunId = await queueWorkflowRun(tx, sendWorkflow.id, built.row.id, 'workflow');
          created.push(entry);
        }
      };
      break;
    }
    default:
      throw new Error(`not a contact step: ${step.type}`);
  }
  await commitStep(state, newEntry(state, step, path, startedAt, 'succeeded', detail), effect);
  if (step.type === 'create-invitation' && step.send) state.emailsQueued = true;
}

async function runWebhook(
  state: RunState,
  step: Extract<Step, { type: 'webhook' }>,
  path: string,
  startedAt: string,
  record: PrimaryRecord,
): Promise<void> {
  const { ctx, workflow, run } = state;
  if (!workflow.webhook_secret_encrypted)
    throw new StepFailure(
      'The workflow has no webhook secret; create one with POST /workflows/{id}/rotate-secret.',
      false,
    );
  const secret = ctx.secrets.decrypt('webhook-secret', workflow.webhook_secret_encrypted);
  const messageId = `msg_${run.id}_${path}`;
  const payload = {
    type: step.event,
    timestamp: nowIso(),
    data: {
      workflow: { id: workflow.id, key: workflow.key, name: workflow.name },
      run: { id: run.id, trigger: run.trigger },
      [record.entity]: recordData(record),
    },
  };
  let result: Awaited<ReturnType<typeof sendWebhook>>;
  try {
    result = await sendWebhook({
      url: step.url,
      secret,
      messageId,
      payload,
      allowPrivateNetworks: await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks'),
      timeoutMs: state.options.webhookTimeoutMs,
    });
  } catch (err) {
    if (err instanceof WebhookError) throw new StepFailure(err.message, err.temporary);
    throw err;
  }
  await commitStep(
    state,
    newEntry(state, step, path, startedAt, 'succeeded', {
      url: step.url,
      event: step.event,
      webhookId: messageId,
      status: result.status,
      durationMs: result.durationMs,
    }),
  );
}

/**
 * Walks `steps`; 'stop' when a stop step ended the run. `tail`: nothing follows these steps in the
 * run, so the last of them (unless a condition, whose branch follows) is the run's final step.
 */
async function walk(
  state: RunState,
  steps: readonly Step[],
  prefix: string,
  tail: boolean,
): Promise<'stop' | 'continue'> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as Step;
    const path = `${prefix}.${i}`;
    const last = tail && i === steps.length - 1;
    const done = state.done.get(path);
    if (done) {
      if (step.type === 'stop') return 'stop';
      if (step.type === 'condition') {
        const branch = (done.detail as { branch?: string }).branch === 'then' ? 'then' : 'else';
        if ((await walk(state, step[branch], `${path}.${branch}`, last)) === 'stop') return 'stop';
      }
      continue;
    }
    state.finalPath = step.type === 'stop' || (last && step.type !== 'condition') ? path : undefined;
    const startedAt = nowIso();
    try {
      // The record as it is now: an earlier step may have changed it.
      const record = await loadRecord(state.ctx, state.workflow, state.run.target_id);
      switch (step.type) {
        case 'condition': {
          const actual = recordData(record)[step.field];
          const result = evaluateCondition(actual, step.operator, step.value);
          const branch = result ? 'then' : 'else';
          await commitStep(
            state,
            newEntry(state, step, path, startedAt, 'succeeded', {
              field: step.field,
              operator: step.operator,
              value: step.value ?? null,
              actual: actual ?? null,
              result,
              branch,
            }),
          );
          if ((await walk(state, step[branch], `${path}.${branch}`, last)) === 'stop') return 'stop';
          break;
        }
        case 'stop':
          await commitStep(
            state,
            newEntry(state, step, path, startedAt, 'succeeded', { reason: 'A stop step ended the run.' }),
          );
          return 'stop';
        case 'send-invitation':
          await runSendInvitation(state, step, path, startedAt, record);
          break;
        case 'send-email':
          await runSendEmail(state, step, path, startedAt, record);
          break;
        case 'webhook':
          await markRunning(state);
          await runWebhook(state, step, path, startedAt, record);
          break;
        default:
          await runContactStep(state, step, path, startedAt, record);
      }
    } catch (err) {
      if (err instanceof RunTakenOver || err instanceof StepFailed) throw err;
      throw new StepFailed(step, path, startedAt, err);
    }
  }
  return 'continue';
}

/** A step's failure with where it happened, on its way up to the run. */
class StepFailed extends Error {
  constructor(
    readonly step: Step,
    readonly path: string,
    readonly startedAt: string,
    readonly reason: unknown,
  ) {
    super(errorText(reason));
  }
  get temporary(): boolean {
    if (this.reason instanceof StepFailure) return this.reason.temporary;
    if (this.reason instanceof AppError) return false;
    // Anything else (the database was unreachable, a deadlock) may well pass.
    return true;
  }
}

async function failRun(
  ctx: AppContext,
  runId: string,
  error: string,
  log?: { steps: string; guard: string },
): Promise<void> {
  let q = ctx.db
    .updateTable('workflow_runs')
    .set({ status: 'failed', error, finished_at: nowIso(), ...(log ? { steps: log.steps } : {}) })
    .where('id', '=', runId)
    .where('status', 'in', ['queued', 'running']);
  if (log) q = q.where('steps', '=', log.guard);
  await q.execute();
}

/** Runs (or resumes) one workflow run. `job` tells whether attempts are left for a temporary failure. */
export async function executeRun(
  ctx: AppContext,
  runId: string,
  job: Pick<JobRow, 'attempts' | 'max_attempts'>,
  options: EngineOptions = {},
  control?: JobControl,
): Promise<void> {
  const run = await repo.findRun(ctx.db, runId);
  if (!run) throw new PermanentJobError(`The workflow run ${runId} does not exist.`);
  if (run.status === 'succeeded' || run.status === 'failed') return;
  const workflow = await repo.findWorkflow(ctx.db, run.workflow_id);
  if (!workflow) throw new PermanentJobError(`The workflow ${run.workflow_id} does not exist.`);
  if (workflow.state !== 'activated') {
    const message = 'The workflow is deactivated; only an activated workflow runs.';
    await failRun(ctx, runId, message);
    throw new PermanentJobError(message);
  }
  const log = JSON.parse(run.steps) as RunStep[];
  // No write yet: the first step's commit marks the run `running`, and the last one `succeeded`.
  const state: RunState = {
    ctx,
    options: { webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000 },
    run,
    workflow,
    log,
    logJson: run.steps,
    done: new Map(log.filter((s) => s.status !== 'failed').map((s) => [s.path, s])),
    emailsQueued: false,
    startedAt: run.started_at ?? nowIso(),
    markedRunning: false,
    finalPath: undefined,
    finished: false,
    control,
  };
  try {
    await walk(state, JSON.parse(workflow.steps) as Step[], 'steps', true);
  } catch (err) {
    if (err instanceof RunTakenOver) throw err;
    const failed = err instanceof StepFailed ? err : undefined;
    const where = failed ? `${failed.path} (${failed.step.type})` : 'the run';
    const message = errorText(failed?.reason ?? err);
    const temporary = failed ? failed.temporary : !(err instanceof StepFailure && !err.temporary);
    if (temporary && job.attempts < job.max_attempts) {
      await ctx.db
        .updateTable('workflow_runs')
        .set({
          error: `Attempt ${job.attempts} of ${job.max_attempts} failed at ${where}: ${message} It will be tried again.`,
        })
        .where('id', '=', runId)
        .where('status', 'in', ['queued', 'running'])
        .execute();
      throw err instanceof StepFailed ? new Error(`${where}: ${message}`) : err;
    }
    const suffix = temporary ? ` (gave up after ${job.attempts} attempts)` : '';
    if (failed) {
      const entry: RunStep = {
        index: state.log.length,
        path: failed.path,
        type: failed.step.type,
        status: 'failed',
        startedAt: failed.startedAt,
        finishedAt: nowIso(),
        detail: null,
        error: message + suffix,
      };
      await failRun(ctx, runId, `${where}: ${message}${suffix}`, {
        steps: JSON.stringify([...state.log, entry]),
        guard: state.logJson,
      });
    } else {
      await failRun(ctx, runId, `${message}${suffix}`);
    }
    throw new PermanentJobError(`${where}: ${message}${suffix}`);
  }
  // A run whose last step did not end it (a condition with an empty branch, no steps, or every
  // step done by an earlier attempt) succeeds in a write of its own.
  if (!state.finished)
    await writeTransaction(
      ctx.db,
      ctx.dialect,
      async (tx) => {
        await tx
          .updateTable('workflow_runs')
          .set({ status: 'succeeded', error: null, started_at: state.startedAt, finished_at: nowIso() })
          .where('id', '=', runId)
          .where('status', 'in', ['queued', 'running'])
          .execute();
        await control?.complete(tx);
      },
      BACKGROUND,
    );
}

// ---------------------------------------------------------------------------------------------
// Email outcomes in the run

/**
 * An email of a run that failed for good (550, or out of attempts) shows in its run: the
 * recipient and step are marked failed and the run fails with the server's reason.
 */
export async function recordEmailOutcome(ctx: Pick<AppContext, 'db'>, email: EmailRow): Promise<void> {
  if (email.status !== 'failed' || !email.workflow_run_id) return;
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await repo.findRun(ctx.db, email.workflow_run_id);
    if (!run) return;
    const log = JSON.parse(run.steps) as RunStep[];
    const reason = `The email to ${email.to_address} could not be delivered: ${email.last_error ?? 'unknown error'}`;
    for (const entry of log) {
      const recipients = (entry.detail as { recipients?: Array<Record<string, unknown>> } | null)?.recipients;
      const r = recipients?.find((x) => x.emailId === email.id);
      if (!r) continue;
      r.status = 'failed';
      r.error = email.last_error;
      entry.status = 'failed';
      entry.error = reason;
    }
    const steps = JSON.stringify(log);
    const result = await ctx.db
      .updateTable('workflow_runs')
      .set({ steps, status: 'failed', error: reason, finished_at: run.finished_at ?? nowIso() })
      .where('id', '=', run.id)
      .where('steps', '=', run.steps)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Job handlers

export interface RunWorkflowPayload {
  runId: string;
}

/**
 * The handlers of this module for a worker: `run-workflow`, and email delivery with the hook that
 * shows failed emails in their run (it replaces the plain `deliver-email` handler).
 */
export function workflowJobHandlers(
  ctx: AppContext,
  transport: MailTransport,
  options: EngineOptions = {},
): JobHandlers {
  return {
    [DELIVER_EMAIL_JOB]: emailJobHandlers(ctx, transport, { onSettled: (email) => recordEmailOutcome(ctx, email) })[
      DELIVER_EMAIL_JOB
    ] as JobHandlers[string],
    [RUN_WORKFLOW_JOB]: Object.assign(
      (payload: RunWorkflowPayload, job: JobRow, control: JobControl) =>
        executeRun(ctx, payload.runId, job, options, control),
      {
        // The run's last attempt died with its worker: the run fails with that reason instead of
        // staying "running".
        onGiveUp: async (payload: RunWorkflowPayload | undefined, error: string) => {
          if (payload?.runId) await failRun(ctx, payload.runId, error);
        },
      },
    ),
  };
}

registerJobHandlers((ctx, transport) => workflowJobHandlers(ctx, transport));
