// Runs the claimed jobs of one batch type together (JobHandler.batch): each job prepared as alone,
// one heartbeat for all, the handler's completeAll in one statement, then each job settled.
import type { JobHandlers, JobRow } from './jobs.ts';
import * as repo from './jobs.repo.ts';
import { errorText, type Executor, type Outcome } from './job-executor.ts';

/** Batches of one type a worker runs at once: one claims while the other records. */
export const BATCHES_PER_TYPE = 2;

/** The job types whose handlers run in batches (JobHandler.batch), claimed apart from the others. */
export function batchTypesOf(handlers: JobHandlers) {
  const batchTypes = Object.entries(handlers).flatMap(([type, h]) =>
    h.batch ? [{ type, size: Math.max(1, h.batch.size) }] : [],
  );
  return { batchTypes, except: batchTypes.map((b) => b.type) };
}

/** Runs claimed jobs of one batch type together (JobHandler.batch); never throws. */
export async function runBatch(
  exec: Executor,
  handlers: JobHandlers,
  type: string,
  jobs: readonly JobRow[],
): Promise<Outcome[]> {
  const { workerId, log, prepare, heartbeat, settle, controlOf, nowIso } = exec;
  const batch = handlers[type]?.batch;
  const outcomes: Outcome[] = [];
  const items: Array<{ index: number; job: JobRow; payload: unknown; state: { completed?: boolean } }> = [];
  for (const job of jobs) {
    try {
      const ready = await prepare(job);
      if ('outcome' in ready) outcomes.push(ready.outcome);
      else items.push({ index: outcomes.push('lost') - 1, job, payload: ready.payload, state: {} });
    } catch (err) {
      log.error({ jobId: job.id, type, err: errorText(err) }, 'could not prepare a job; its lease will bring it back');
      outcomes.push('lost');
    }
  }
  if (items.length === 0) return outcomes;
  const stop = heartbeat(items.map((i) => i.job));
  let results: Array<unknown | undefined>;
  try {
    if (!batch) throw new Error(`No batch handler for job type "${type}" in worker ${workerId}.`);
    results = await batch.run(
      items.map((i) => ({ payload: i.payload, job: i.job, control: controlOf(i.job, i.state, undefined) })),
      {
        async completeAll(tx) {
          const done = await repo.markManySucceeded(
            tx,
            items.map((i) => i.job.id),
            workerId,
            nowIso(),
          );
          for (const i of items) i.state.completed = done.has(i.job.id);
        },
      },
    );
  } catch (error) {
    results = items.map(() => error);
  } finally {
    stop();
  }
  await Promise.all(
    items.map(async (item, n) => {
      const error = results[n];
      try {
        outcomes[item.index] = await settle(
          item.job,
          item.state.completed,
          error === undefined ? undefined : { error },
        );
      } catch (err) {
        log.error(
          { jobId: item.job.id, type, err: errorText(err) },
          'could not record the outcome of a job; its lease will bring it back',
        );
      }
    }),
  );
  return outcomes;
}
