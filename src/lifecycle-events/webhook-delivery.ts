// The `deliver-webhook` job: one attempt of one delivery, signed per Standard Webhooks with the
// endpoint's secret, `webhook-id` = the event's id (the same on every retry and redelivery). Each
// attempt is logged; a failure that may pass (5xx, 408, 429, network, time-out) schedules the next
// attempt as a job of its own, written with the attempt's record, by RETRY_SCHEDULE_MS. The jobs run
// in batches (JobHandler.batch): one read for the batch, SEND_CONCURRENCY sends at a time through
// the keep-alive pool (webhook-sender.ts), and every attempt and job outcome in one transaction.
import type { AppContext } from '../context.ts';
import { writeTransaction, BACKGROUND } from '../db/group-commit.ts';
import { type BatchControl, type BatchJob, enqueueJobs, type JobHandler } from '../jobs/jobs.ts';
import { newId } from '../shared/ids.ts';
import { WebhookError } from '../shared/outbound-webhooks.ts';
import { sendPooledWebhook } from './webhook-sender.ts';
import type { Tx } from '../db/types.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { DELIVER_WEBHOOK_JOB, DELIVER_WEBHOOK_JOB_ATTEMPTS } from './lifecycle-events.ts';
import * as repo from './webhook-endpoints.repo.ts';
import { SECRET_PURPOSE } from './webhook-endpoints.service.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/**
 * The delay before attempt n+1 after attempt n failed (Svix's schedule): 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h: eight attempts over about 27 h 35 min; the delivery then fails.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H];

export interface WebhookDeliveryOptions {
  /** Replaces RETRY_SCHEDULE_MS (tests and the benchmark: no waiting). */
  retryScheduleMs?: readonly number[];
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  now?: () => Date;
}

export interface DeliverWebhookPayload {
  deliveryId: string;
  attempt: number;
}

/** The body every endpoint receives: `{ type, timestamp, data }` (docs/webhooks.md). */
export const eventBody = (type: string, timestamp: string, data: unknown) => ({ type, timestamp, data });

/** Deliveries claimed and recorded together (one claim, one transaction), sent SEND_CONCURRENCY at a time. */
export const DELIVERY_BATCH = 100;
export const SEND_CONCURRENCY = 10;

type Work = NonNullable<Awaited<ReturnType<typeof repo.findDeliveryWorks>> extends Map<string, infer W> ? W : never>;

interface AttemptResult {
  work: Work;
  payload: DeliverWebhookPayload;
  started: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  temporary: boolean;
}

export function deliverWebhookHandler(
  ctx: AppContext,
  options: WebhookDeliveryOptions = {},
): JobHandler<DeliverWebhookPayload> {
  const schedule = options.retryScheduleMs ?? RETRY_SCHEDULE_MS;
  const clock = options.now ?? (() => new Date());

  async function attempt(work: Work, payload: DeliverWebhookPayload, allowPrivateNetworks: boolean) {
    const started = clock();
    const r: AttemptResult = { work, payload, started, statusCode: null, latencyMs: 0, error: null, temporary: false };
    if (work.enabled !== 1) r.error = 'The endpoint is disabled.';
    else
      try {
        const sent = await sendPooledWebhook({
          url: work.url,
          secret: ctx.secrets.decrypt(SECRET_PURPOSE, work.secret_sealed),
          messageId: work.event_id,
          payload: eventBody(work.type, work.event_at, JSON.parse(work.data)),
          allowPrivateNetworks,
          timeoutMs: options.timeoutMs ?? 10_000,
        });
        r.statusCode = sent.status;
        r.latencyMs = sent.durationMs;
      } catch (err) {
        const e = err instanceof WebhookError ? err : new WebhookError(String(err), true);
        r.statusCode = e.status ?? null;
        r.latencyMs = e.durationMs ?? clock().getTime() - started.getTime();
        r.error = e.message.slice(0, 2000);
        r.temporary = e.temporary;
      }
    return r;
  }

  /** Records the attempts made and completes every job of the batch, in one transaction. */
  async function record(tx: Tx, results: readonly AttemptResult[]) {
    const now = clock();
    const retries: Array<{ deliveryId: string; attempt: number; runAt: string }> = [];
    const recorded = await repo.recordAttempts(
      tx,
      results.map((r) => {
        const delay = schedule[r.payload.attempt - 1];
        const retry = r.error !== null && r.temporary && delay !== undefined;
        const nextAt = retry ? new Date(now.getTime() + delay).toISOString() : null;
        if (nextAt) retries.push({ deliveryId: r.work.id, attempt: r.payload.attempt + 1, runAt: nextAt });
        return {
          deliveryId: r.work.id,
          attempt: r.payload.attempt,
          row: {
            id: newId(),
            delivery_id: r.work.id,
            attempted_at: r.started.toISOString(),
            status_code: r.statusCode,
            latency_ms: Math.round(r.latencyMs),
            error: r.error,
          },
          next: {
            status: r.error === null ? 'succeeded' : retry ? 'pending' : 'failed',
            last_status_code: r.statusCode,
            last_error: r.error,
            next_attempt_at: nextAt,
            updated_at: now.toISOString(),
          },
        };
      }),
    );
    const due = retries.filter((r) => recorded.has(r.deliveryId));
    if (due.length > 0)
      await enqueueJobs(
        tx,
        due.map((r) => ({
          type: DELIVER_WEBHOOK_JOB,
          payload: { deliveryId: r.deliveryId, attempt: r.attempt },
          runAt: r.runAt,
          maxAttempts: DELIVER_WEBHOOK_JOB_ATTEMPTS,
        })),
      );
  }

  const runBatch = async (jobs: BatchJob<DeliverWebhookPayload>[], batch: BatchControl): Promise<undefined[]> => {
    const works = await repo.findDeliveryWorks(
      ctx.db,
      jobs.map((j) => j.payload.deliveryId),
    );
    // Gone with its endpoint, done, or this attempt already made by another job: nothing to send.
    const todo = jobs.flatMap((j) => {
      const work = works.get(j.payload.deliveryId);
      return work?.status === 'pending' && work.attempts === j.payload.attempt - 1
        ? [{ work, payload: j.payload }]
        : [];
    });
    const results: AttemptResult[] = [];
    if (todo.length > 0) {
      const allow = await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks');
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(SEND_CONCURRENCY, todo.length) }, async () => {
          for (let i = next++; i < todo.length; i = next++) {
            const t = todo[i] as (typeof todo)[number];
            results.push(await attempt(t.work, t.payload, allow));
          }
        }),
      );
    }
    await writeTransaction(
      ctx.db,
      ctx.dialect,
      async (tx) => {
        if (results.length > 0) await record(tx, results);
        await batch.completeAll(tx);
      },
      BACKGROUND,
    );
    return jobs.map(() => undefined);
  };

  // One job alone (a redelivery, a retry due by itself) is a batch of one.
  const handler: JobHandler<DeliverWebhookPayload> = async (payload, job, control) => {
    await runBatch([{ payload, job, control }], { completeAll: (tx) => control.complete(tx) });
  };
  handler.batch = { size: DELIVERY_BATCH, run: runBatch };
  return handler;
}
