// A run whose last attempt died with its worker fails with the reason instead of staying "running".
import { expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/app.ts';
import { newId } from '../shared/ids.ts';
import { isoPlus, nowIso } from '../shared/time.ts';
import { runDueJobsOnce } from '../jobs/worker.ts';
import { createLocalStoreTransport } from '../email/transport.ts';
import { jobHandlers } from '../jobs/job-registry.ts';
import { RUN_WORKFLOW_JOB } from './workflow-runs.queue.ts';

const t = useTestApp();

it('fails the run when its job has no attempts left after its worker died', async () => {
  const contact = (await t.api('POST', 'contacts', { body: { firstName: 'Gus', lastName: 'GiveUp' } })).json();
  const workflow = (
    await t.api('POST', 'workflows', {
      body: { name: 'Gives up', primaryEntity: 'contact', steps: [{ type: 'stop' }] },
    })
  ).json();
  expect(workflow.id).toBeTruthy();
  const runId = newId();
  const now = nowIso();
  await t.ctx.db
    .insertInto('workflow_runs')
    .values({
      id: runId,
      workflow_id: workflow.id,
      target_id: contact.id,
      status: 'running',
      trigger: 'on-demand',
      steps: '[]',
      error: null,
      created_at: now,
      started_at: now,
      finished_at: null,
    })
    .execute();
  // Its last attempt was claimed by a worker that died: the lease has run out.
  await t.ctx.db
    .insertInto('jobs')
    .values({
      id: newId(),
      type: RUN_WORKFLOW_JOB,
      payload: JSON.stringify({ runId }),
      status: 'running',
      run_at: now,
      attempts: 3,
      max_attempts: 3,
      locked_by: 'dead-worker',
      locked_until: isoPlus(-1000),
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const transport = createLocalStoreTransport(t.ctx.config.dataDir);
  const summary = await runDueJobsOnce(t.ctx, jobHandlers(t.ctx, transport), {});
  await transport.close();
  expect(summary.failed).toBe(1);
  const run = (await t.api('GET', `workflow-runs/${runId}`)).json();
  expect(run.status).toBe('failed');
  expect(run.error).toMatch(/No attempts left/);
});
