// A delivery worker in a process of its own, for the crash test (which kills it with SIGKILL).
// Reads TEST_DB_CONFIG (a DatabaseConfig as JSON), SMTP_URL, LEASE_MS and FREEZE_AFTER: after that
// many deliveries it takes further jobs but never runs them (a hung process holding leases).
import { openDatabase } from '../../db/connection.ts';
import type { DatabaseConfig } from '../../config.ts';
import { createWorker } from '../../jobs/worker.ts';
import { emailJobHandlers } from '../delivery.ts';
import { createSmtpTransport } from '../transport.ts';

const config = JSON.parse(process.env.TEST_DB_CONFIG ?? '') as DatabaseConfig;
const handle = openDatabase(config);
const transport = createSmtpTransport(process.env.SMTP_URL ?? '');
const handlers = emailJobHandlers({ db: handle.db, dialect: handle.dialect }, transport);
const deliver = handlers['deliver-email'];
const freezeAfter = Number(process.env.FREEZE_AFTER ?? 0);
const concurrency = 10;
let started = 0;
let hung = 0;
if (deliver && freezeAfter > 0) {
  handlers['deliver-email'] = (payload, job, control) => {
    if (started++ < freezeAfter) return deliver(payload, job, control);
    // Every slot hangs: no delivery of this process is under way any more.
    if (++hung === concurrency) process.stdout.write('hung\n');
    return new Promise<void>(() => {});
  };
}
const worker = createWorker({ db: handle.db, dialect: handle.dialect }, handlers, {
  pollMs: 20,
  leaseMs: Number(process.env.LEASE_MS ?? 1000),
  concurrency,
  workerId: `doomed-${process.pid}`,
});
worker.start();
process.stdout.write('ready\n');
