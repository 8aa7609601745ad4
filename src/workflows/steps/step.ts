// What a workflow step type is made of: how it is checked at save, how a dry run describes it and
// how it runs. The engine, the save-time checker and the dry run know steps only through these.
import type { AppContext } from '../../context.ts';
import type { Contact } from '../../contacts/contacts.schema.ts';
import type { Tx } from '../../db/types.ts';
import type { Invitation } from '../../invitations/invitations.schema.ts';
import type { JobControl } from '../../jobs/jobs.ts';
import { AppError } from '../../shared/errors.ts';
import type { Locale } from '../workflow-emails.ts';
import { contactOrNull } from '../workflow-emails.ts';
import type { EmailTemplateRow, WorkflowRow, WorkflowRunRow } from '../workflows.repo.ts';
import type { PrimaryEntity, Step } from '../workflows.schema.ts';

export type StepOf<K extends Step['type']> = Extract<Step, { type: K }>;

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

/** Wraps the errors of a database effect: our own refusals are permanent, the rest temporary. */
export function permanentIfAppError(err: unknown): never {
  if (err instanceof AppError) throw new StepFailure(err.detail ?? err.message, false);
  throw err;
}

export const errorText = (err: unknown): string =>
  (err instanceof Error ? err.message || err.name : String(err)).slice(0, 4000);

/** The record a run is about. */
export type PrimaryRecord = { entity: 'contact'; contact: Contact } | { entity: 'invitation'; invitation: Invitation };

/** The record as the API shows it: what conditions test and webhooks carry. */
export const recordData = (r: PrimaryRecord): Record<string, unknown> =>
  r.entity === 'contact' ? r.contact : r.invitation;

/** The contacts contact steps act on: the contact itself, or every invited contact of the invitation. */
export async function targetContacts(ctx: AppContext, r: PrimaryRecord): Promise<Contact[]> {
  if (r.entity === 'contact') return [r.contact];
  const out: Contact[] = [];
  for (const id of r.invitation.invitedContactIds) {
    const c = await contactOrNull(ctx, id);
    if (c) out.push(c);
  }
  return out;
}

/** Tables whose records steps refer to by id; checked to exist at save. */
export type ReferencedTable = 'web_roles' | 'accounts' | 'contacts' | 'system_users';

/** What a step's save-time check may look at and report. Fields are relative to the step (`templateId`). */
export interface StepChecks {
  primaryEntity: PrimaryEntity;
  /** Null while the workflow is being created. */
  workflowId: string | null;
  /** The ids of the workflow's email templates. */
  templateIds: ReadonlySet<string>;
  problem(field: string, message: string): void;
  /** A record the step names: checked after all steps, one query per table. */
  reference(table: ReferencedTable, id: string | null | undefined, field: string): void;
  /** A workflow the step names to run on redemption: it must exist with contact as its primary record. */
  workflowReference(id: string, field: string): void;
}

/** What a dry run knows about its record, loaded once for all steps. */
export interface DryRun {
  ctx: AppContext;
  workflow: WorkflowRow;
  record: PrimaryRecord;
  /** The contacts contact steps act on, and the same in words. */
  contacts: Contact[];
  who: string;
  templates: EmailTemplateRow[];
  site: Locale;
}

export interface Description {
  wouldDo: string;
  detail?: unknown;
}

/** One step being run: what the engine gives a step's `run`. */
export interface StepRun {
  ctx: AppContext;
  workflow: WorkflowRow;
  run: WorkflowRunRow;
  /** Where the step is in the definition: `steps.2`, `steps.3.then.0`. */
  path: string;
  /** The run's record as it is now: an earlier step may have changed it. */
  record: PrimaryRecord;
  webhookTimeoutMs: number;
  /** The run's job, for the emails a step queues (followUpOf). */
  control: JobControl | undefined;
  /**
   * Logs the step as done, with `effect` in the same transaction, guarded by the log as it was; the
   * effect may still fill in `detail` (queued email ids, created invitations).
   */
  commit(status: 'succeeded' | 'skipped', detail: unknown, effect?: (tx: Tx) => Promise<void>): Promise<void>;
  /** Marks the run `running` before a step that takes a while outside the database (a webhook). */
  markRunning(): Promise<void>;
}

/** What follows a step once it is done: the next step, the end of the run, or one of its branches first. */
export type Next = 'continue' | 'stop' | { branch: string };

export interface StepDefinition<S extends Step> {
  /** Problems of the step at save beyond its JSON shape (references, combinations of fields). */
  check?(step: S, checks: StepChecks): void;
  /** What the step would do for the dry run's record, now, changing nothing. */
  describe(step: S, dry: DryRun): Promise<Description>;
  /** Runs the step; it ends with `run.commit` or throws (a StepFailure, or anything temporary). */
  run(step: S, run: StepRun): Promise<void>;
  /** Steps nested in this one, by branch name (a condition's `then` and `else`). */
  branches?(step: S): Readonly<Record<string, readonly Step[]>>;
  /**
   * What follows, from the step's detail (as logged, or as the dry run described it), so that a
   * resumed run takes the branch it took before. Default: the next step.
   */
  next?(step: S, detail: unknown): Next;
  /**
   * Whether the step is the run's final one, whose commit also records the run's success: `always`
   * (a stop), `never` (a condition: its branch follows). Default: when nothing follows it.
   */
  final?: 'always' | 'never';
}
