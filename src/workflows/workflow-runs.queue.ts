// Queues a workflow run: a `workflow_runs` row and the job that executes it, in the caller's
// transaction. The engine that runs the steps lives in this folder too.
import type { Tx } from '../db/types.ts';
import { enqueueJob } from '../jobs/jobs.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

export const RUN_WORKFLOW_JOB = 'run-workflow';

/** `portal`: a partner's "Invite a colleague" (or its Resend) on the portal. */
export type RunTrigger = 'redemption' | 'on-demand' | 'workflow' | 'portal';

export async function queueWorkflowRun(
  tx: Tx,
  workflowId: string,
  targetId: string,
  trigger: RunTrigger,
): Promise<string> {
  const id = newId();
  await tx
    .insertInto('workflow_runs')
    .values({
      id,
      workflow_id: workflowId,
      target_id: targetId,
      status: 'queued',
      trigger,
      steps: '[]',
      error: null,
      created_at: nowIso(),
      started_at: null,
      finished_at: null,
    })
    .execute();
  await enqueueJob(tx, { type: RUN_WORKFLOW_JOB, payload: { runId: id } });
  return id;
}
