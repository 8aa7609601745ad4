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
// once with the reason. What each step type does is its own file in steps/ (see steps/index.ts);
// this is the machinery around them: the log, the run's state, retries and failure.
import type { AppContext } from '../context.ts';
import { BACKGROUND, writeTransaction } from '../db/group-commit.ts';
import type { Tx } from '../db/types.ts';
import type { EmailRow } from '../email/email.service.ts';
import { PermanentJobError, type JobControl, type JobHandler, type JobRow } from '../jobs/jobs.ts';
import { AppError } from '../shared/errors.ts';
import { nowIso } from '../shared/time.ts';
import { stepDefinition, walkSteps } from './steps/index.ts';
import { errorText, type PrimaryRecord, StepFailure } from './steps/step.ts';
import { contactOrNull, invitationOrNull } from './workflow-emails.ts';
import type { RunStep, Step } from './workflows.schema.ts';
import * as repo from './workflows.repo.ts';
import type { WorkflowRow, WorkflowRunRow } from './workflows.repo.ts';

export interface EngineOptions {
  /** How long a webhook may take to answer (default 15 s). */
  webhookTimeoutMs?: number;
}

/** The log changed under us: another worker owns this run now. */
class RunTakenOver extends Error {}

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

// ---------------------------------------------------------------------------------------------
// The log

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
      const appended = await repo.appendToRunLog(tx, {
        id: state.run.id,
        steps: nextJson,
        previous: state.logJson,
        startedAt: state.startedAt,
        status: final ? 'succeeded' : 'running',
        finishedAt: final ? entry.finishedAt : null,
      });
      if (!appended)
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
  const marked = await writeTransaction(
    ctx.db,
    ctx.dialect,
    (tx) => repo.markRunRunning(tx, state.run.id, state.startedAt),
    BACKGROUND,
  );
  if (!marked) throw new RunTakenOver(`The run ${state.run.id} ended while this attempt ran.`);
  state.markedRunning = true;
}

// ---------------------------------------------------------------------------------------------
// Walking the steps (each type's logic: steps/<type>.ts)

/** Runs one step that the log does not show done; `last`: nothing follows it in the run. */
async function runStep(state: RunState, step: Step, path: string, last: boolean): Promise<void> {
  const definition = stepDefinition(step);
  state.finalPath = definition.final === 'always' || (last && definition.final !== 'never') ? path : undefined;
  const startedAt = nowIso();
  try {
    // The record as it is now: an earlier step may have changed it.
    const record = await loadRecord(state.ctx, state.workflow, state.run.target_id);
    await definition.run(step, {
      ctx: state.ctx,
      workflow: state.workflow,
      run: state.run,
      path,
      record,
      webhookTimeoutMs: state.options.webhookTimeoutMs,
      control: state.control,
      commit: (status, detail, effect) => {
        const entry = { index: state.log.length, path, type: step.type, startedAt, finishedAt: nowIso() };
        return commitStep(state, { ...entry, status, detail, error: null }, effect);
      },
      markRunning: () => markRunning(state),
    });
  } catch (err) {
    if (err instanceof RunTakenOver || err instanceof StepFailed) throw err;
    throw new StepFailed(step, path, startedAt, err);
  }
}

/** Walks the run's steps; those found done in the log are passed over, down the branch they took. */
const walk = (state: RunState, steps: readonly Step[]) =>
  walkSteps(steps, async (step, path, last) => {
    if (!state.done.has(path)) await runStep(state, step, path, last);
    return state.done.get(path)?.detail;
  });

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
    await repo.markRunFailed(ctx.db, runId, message);
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
    startedAt: run.started_at ?? nowIso(),
    markedRunning: false,
    finalPath: undefined,
    finished: false,
    control,
  };
  try {
    await walk(state, JSON.parse(workflow.steps) as Step[]);
  } catch (err) {
    if (err instanceof RunTakenOver) throw err;
    const failed = err instanceof StepFailed ? err : undefined;
    const where = failed ? `${failed.path} (${failed.step.type})` : 'the run';
    const message = errorText(failed?.reason ?? err);
    const temporary = failed ? failed.temporary : !(err instanceof StepFailure && !err.temporary);
    if (temporary && job.attempts < job.max_attempts) {
      await repo.noteRunAttemptFailed(
        ctx.db,
        runId,
        `Attempt ${job.attempts} of ${job.max_attempts} failed at ${where}: ${message} It will be tried again.`,
      );
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
      await repo.markRunFailed(ctx.db, runId, `${where}: ${message}${suffix}`, {
        steps: JSON.stringify([...state.log, entry]),
        guard: state.logJson,
      });
    } else {
      await repo.markRunFailed(ctx.db, runId, `${message}${suffix}`);
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
        await repo.markRunSucceeded(tx, runId, state.startedAt);
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
    if (await repo.replaceFailedRunLog(ctx.db, run, JSON.stringify(log), reason)) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Job handlers

export interface RunWorkflowPayload {
  runId: string;
}

/**
 * The `run-workflow` handler (listed in jobs/job-registry.ts). When the run's last attempt died
 * with its worker, the run fails with that reason instead of staying "running".
 */
export function runWorkflowHandler(ctx: AppContext, options: EngineOptions = {}): JobHandler<RunWorkflowPayload> {
  return Object.assign(
    (payload: RunWorkflowPayload, job: JobRow, control: JobControl) =>
      executeRun(ctx, payload.runId, job, options, control),
    {
      onGiveUp: async (payload: RunWorkflowPayload | undefined, error: string) => {
        if (payload?.runId) await repo.markRunFailed(ctx.db, payload.runId, error);
      },
    },
  );
}
