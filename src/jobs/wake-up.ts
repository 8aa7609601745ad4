// The job workers started in this process, woken as soon as a transaction that queued jobs has
// committed (enqueueJobs asks for it on the transaction); other processes find the jobs at their
// next poll. Kept apart from the worker so that queueing a job needs nothing of the worker.

/** What a started worker offers: look for due jobs now rather than at the next poll. */
export interface Wakeable {
  notify(): void;
}

const started = new Set<Wakeable>();

export function addStartedWorker(worker: Wakeable): void {
  started.add(worker);
}

export function removeStartedWorker(worker: Wakeable): void {
  started.delete(worker);
}

/** Wakes every started worker of this process (run after a commit that queued jobs). */
export function notifyWorkers(): void {
  for (const w of started) w.notify();
}
