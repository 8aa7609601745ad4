// The background work of one process: the mail transport and a worker running every job type.
// Each feature that defines jobs adds its handlers in `jobHandlers`.
import type { AppContext } from '../context.ts';
import { createMailTransport, type MailTransport } from '../email/transport.ts';
import { emailJobHandlers } from '../email/delivery.ts';
import type { JobHandlers } from './jobs.ts';
import { createWorker, type JobLogger, type Worker, type WorkerOptions } from './worker.ts';

export type JobHandlerFactory = (ctx: AppContext, transport: MailTransport) => JobHandlers;

/** Handlers contributed by features besides email delivery (workflows register theirs here). */
const extraHandlers: JobHandlerFactory[] = [];

export function registerJobHandlers(factory: JobHandlerFactory): void {
  extraHandlers.push(factory);
}

export function jobHandlers(ctx: AppContext, transport: MailTransport): JobHandlers {
  return Object.assign({}, emailJobHandlers(ctx, transport), ...extraHandlers.map((f) => f(ctx, transport)));
}

export interface BackgroundWork {
  worker: Worker;
  transport: MailTransport;
  stop(): Promise<void>;
}

export function startBackgroundWork(ctx: AppContext, logger: JobLogger, options: WorkerOptions = {}): BackgroundWork {
  const transport = createMailTransport(ctx.config);
  const worker = createWorker(ctx, jobHandlers(ctx, transport), { logger, ...options });
  worker.start();
  return {
    worker,
    transport,
    async stop() {
      await worker.stop();
      await transport.close();
    },
  };
}
