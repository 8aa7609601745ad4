// A small scheduler: periodic tasks every worker process runs every N seconds (reminders, the expiry
// sweep). It takes no lock of its own: each task claims each item it handles with a guarded update
// in the transaction that does the work, so several processes running the same task at once do
// every item exactly once. A task never overlaps itself in one process; a failed tick is logged and
// the next one tries again.
import type { AppContext } from '../context.ts';
import { sendDueReminders, sweepExpiredInvitations } from '../invitations/lifecycle-jobs.ts';
import type { JobLogger } from './worker.ts';

export interface ScheduledTask {
  name: string;
  /** How often it runs. */
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

/** The service's periodic tasks (a new one: its function in its feature, a line here). */
export function scheduledTasks(ctx: AppContext): ScheduledTask[] {
  return [
    { name: 'invitation-reminders', everyMs: 30_000, run: (now) => sendDueReminders(ctx, { now }) },
    { name: 'invitation-expiry', everyMs: 60_000, run: (now) => sweepExpiredInvitations(ctx, { now }) },
  ];
}

export interface Scheduler {
  start(): void;
  /** Stops the timers and waits for running ticks. */
  stop(): Promise<void>;
}

export function createScheduler(
  tasks: readonly ScheduledTask[],
  options: { logger?: JobLogger; now?: () => Date } = {},
): Scheduler {
  const clock = options.now ?? (() => new Date());
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<void>>();
  const tick = (task: ScheduledTask) => {
    if (running.has(task.name)) return;
    const p = task
      .run(clock())
      .then(
        () => undefined,
        (err: unknown) =>
          options.logger?.error(
            { task: task.name, err: err instanceof Error ? err.message : String(err) },
            'scheduled task failed',
          ),
      )
      .finally(() => running.delete(task.name));
    running.set(task.name, p);
  };
  return {
    start() {
      for (const task of tasks) {
        const timer = setInterval(() => tick(task), task.everyMs);
        timer.unref();
        timers.push(timer);
      }
    },
    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      await Promise.allSettled([...running.values()]);
    },
  };
}
