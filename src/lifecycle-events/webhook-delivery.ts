// The `deliver-webhook` job: one attempt of one delivery, signed per Standard Webhooks with the
// endpoint's secret, `webhook-id` = the event's id (the same on every retry and redelivery). Each
// attempt is logged; a failure that may pass (5xx, 408, 429, network, time-out) schedules the next
// attempt as a job of its own, written with the attempt's record, by RETRY_SCHEDULE_MS.
import type { AppContext } from '../context.ts';
import { writeTransaction, BACKGROUND } from '../db/group-commit.ts';
import { enqueueJob, type JobHandler } from '../jobs/jobs.ts';
import { newId } from '../shared/ids.ts';
import { sendWebhook, WebhookError } from '../shared/outbound-webhooks.ts';
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

export function deliverWebhookHandler(
  ctx: AppContext,
  options: WebhookDeliveryOptions = {},
): JobHandler<DeliverWebhookPayload> {
  const schedule = options.retryScheduleMs ?? RETRY_SCHEDULE_MS;
  const clock = options.now ?? (() => new Date());
  return async (payload, _job, control) => {
    const work = await repo.findDeliveryWork(ctx.db, payload.deliveryId);
    // Gone with its endpoint, done, or this attempt already made by another job.
    if (work?.status !== 'pending' || work.attempts !== payload.attempt - 1) return;
    const started = clock();
    let statusCode: number | null = null;
    let latencyMs = 0;
    let error: string | null = null;
    let temporary = false;
    if (work.enabled !== 1) error = 'The endpoint is disabled.';
    else
      try {
        const r = await sendWebhook({
          url: work.url,
          secret: ctx.secrets.decrypt(SECRET_PURPOSE, work.secret_sealed),
          messageId: work.event_id,
          payload: eventBody(work.type, work.event_at, JSON.parse(work.data)),
          allowPrivateNetworks: await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks'),
          timeoutMs: options.timeoutMs ?? 10_000,
        });
        statusCode = r.status;
        latencyMs = r.durationMs;
      } catch (err) {
        const e = err instanceof WebhookError ? err : new WebhookError(String(err), true);
        statusCode = e.status ?? null;
        latencyMs = e.durationMs ?? clock().getTime() - started.getTime();
        error = e.message.slice(0, 2000);
        temporary = e.temporary;
      }
    const now = clock();
    const delay = schedule[payload.attempt - 1];
    const retry = error !== null && temporary && delay !== undefined;
    const nextAt = retry ? new Date(now.getTime() + delay).toISOString() : null;
    await writeTransaction(
      ctx.db,
      ctx.dialect,
      async (tx) => {
        const recorded = await repo.recordAttempt(
          tx,
          work.id,
          payload.attempt,
          {
            id: newId(),
            delivery_id: work.id,
            attempted_at: started.toISOString(),
            status_code: statusCode,
            latency_ms: Math.round(latencyMs),
            error,
          },
          {
            status: error === null ? 'succeeded' : retry ? 'pending' : 'failed',
            last_status_code: statusCode,
            last_error: error,
            next_attempt_at: nextAt,
            updated_at: now.toISOString(),
          },
        );
        if (recorded && nextAt)
          await enqueueJob(tx, {
            type: DELIVER_WEBHOOK_JOB,
            payload: { deliveryId: work.id, attempt: payload.attempt + 1 },
            runAt: nextAt,
            maxAttempts: DELIVER_WEBHOOK_JOB_ATTEMPTS,
          });
        await control.complete(tx);
      },
      BACKGROUND,
    );
  };
}
