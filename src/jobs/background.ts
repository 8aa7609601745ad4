// The background work of one process: the mail transport and a worker running every job type of
// the registry (job-registry.ts).
import type { AppContext } from '../context.ts';
import { createMailTransport, type MailTransport } from '../email/transport.ts';
import { jobHandlers } from './job-registry.ts';
import { createWorker, type JobLogger, type Worker, type WorkerOptions } from './worker.ts';
import { createScheduler, scheduledTasks } from './scheduled.ts';

export interface BackgroundWork {
  worker: Worker;
  transport: MailTransport;
  stop(): Promise<void>;
}

export function startBackgroundWork(ctx: AppContext, logger: JobLogger, options: WorkerOptions = {}): BackgroundWork {
  const transport = createMailTransport(ctx.config);
  const worker = createWorker(ctx, jobHandlers(ctx, transport), { logger, ...options });
  worker.start();
  // Reminders and the expiry sweep, on every process (each item is claimed: see scheduled.ts).
  const scheduler = createScheduler(scheduledTasks(ctx), { logger });
  scheduler.start();
  return {
    worker,
    transport,
    async stop() {
      await scheduler.stop();
      await worker.stop();
      await transport.close();
    },
  };
}
