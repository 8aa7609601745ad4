// Use cases of webhook endpoints (admins only, audited) and their delivery log. The `whsec_` secret
// is stored encrypted (key purpose `webhook-endpoint-secret`) and shown on create and rotate only.
import type { Actor, AppContext } from '../context.ts';
import { writeAudit } from '../audit/audit.repo.ts';
import { writeTransaction } from '../db/group-commit.ts';
import { fromFlag, toFlag } from '../db/types.ts';
import { enqueueJob } from '../jobs/jobs.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../shared/pagination.ts';
import { nowIso } from '../shared/time.ts';
import { newWebhookSecret, refusedUrlReason } from '../shared/outbound-webhooks.ts';
import { settingFlag } from '../site-settings/site-settings.service.ts';
import { requireAdmin } from '../users/users.service.ts';
import { DELIVER_WEBHOOK_JOB, DELIVER_WEBHOOK_JOB_ATTEMPTS } from './lifecycle-events.ts';
import * as repo from './webhook-endpoints.repo.ts';
import type {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook-endpoints.schema.ts';

export const SECRET_PURPOSE = 'webhook-endpoint-secret';

export const toWebhookEndpoint = (r: repo.WebhookEndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  enabled: fromFlag(r.enabled),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

async function checkUrl(ctx: AppContext, url: string): Promise<void> {
  const reason = refusedUrlReason(url, await settingFlag(ctx, 'Webhooks/AllowPrivateNetworks'));
  if (reason) throw validationFailed('url', reason);
}

export async function createWebhookEndpoint(
  ctx: AppContext,
  actor: Actor,
  input: CreateWebhookEndpointInput,
): Promise<WebhookEndpointWithSecret> {
  requireAdmin(actor);
  await checkUrl(ctx, input.url);
  const secret = newWebhookSecret();
  const now = nowIso();
  const row: repo.WebhookEndpointRow = {
    id: newId(),
    url: input.url,
    events: JSON.stringify(input.events),
    enabled: toFlag(input.enabled),
    secret_sealed: ctx.secrets.encrypt(SECRET_PURPOSE, secret),
    created_at: now,
    updated_at: now,
  };
  await writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    await repo.insertEndpoint(tx, row);
    await writeAudit(tx, {
      actor,
      action: 'create',
      recordType: 'webhook-endpoint',
      recordId: row.id,
      details: { url: input.url, events: input.events, enabled: input.enabled },
    });
  });
  return { ...toWebhookEndpoint(row), secret };
}

export async function listWebhookEndpoints(
  ctx: AppContext,
  actor: Actor,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookEndpoint>> {
  requireAdmin(actor);
  const rows = await repo.listEndpoints(ctx.db, { limit: q.limit, after: decodeCursor(q.cursor) });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return {
    items: page.map(toWebhookEndpoint),
    nextCursor: more ? encodeCursor(page[page.length - 1]?.id ?? '') : null,
  };
}

export async function getWebhookEndpoint(ctx: AppContext, actor: Actor, id: string): Promise<WebhookEndpoint> {
  requireAdmin(actor);
  const row = await repo.findEndpoint(ctx.db, id);
  if (!row) throw notFound('The webhook endpoint');
  return toWebhookEndpoint(row);
}

export async function updateWebhookEndpoint(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: UpdateWebhookEndpointInput,
): Promise<WebhookEndpoint> {
  requireAdmin(actor);
  if (input.url !== undefined) await checkUrl(ctx, input.url);
  return writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    const before = await repo.findEndpoint(tx, id);
    if (!before) throw notFound('The webhook endpoint');
    const set: Partial<repo.WebhookEndpointRow> = { updated_at: nowIso() };
    if (input.url !== undefined) set.url = input.url;
    if (input.events !== undefined) set.events = JSON.stringify(input.events);
    if (input.enabled !== undefined) set.enabled = toFlag(input.enabled);
    await repo.updateEndpoint(tx, id, set);
    await writeAudit(tx, { actor, action: 'update', recordType: 'webhook-endpoint', recordId: id, details: input });
    return toWebhookEndpoint({ ...before, ...set });
  });
}

export async function deleteWebhookEndpoint(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  await writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    const before = await repo.findEndpoint(tx, id);
    if (!before || !(await repo.deleteEndpoint(tx, id))) throw notFound('The webhook endpoint');
    await writeAudit(tx, {
      actor,
      action: 'delete',
      recordType: 'webhook-endpoint',
      recordId: id,
      details: { url: before.url },
    });
  });
}

/** A new secret at once: deliveries from now on (retries included) are signed with it. */
export async function rotateWebhookEndpointSecret(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<WebhookEndpointWithSecret> {
  requireAdmin(actor);
  const secret = newWebhookSecret();
  return writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    const before = await repo.findEndpoint(tx, id);
    if (!before) throw notFound('The webhook endpoint');
    const set = { secret_sealed: ctx.secrets.encrypt(SECRET_PURPOSE, secret), updated_at: nowIso() };
    await repo.updateEndpoint(tx, id, set);
    await writeAudit(tx, { actor, action: 'rotate-secret', recordType: 'webhook-endpoint', recordId: id });
    return { ...toWebhookEndpoint({ ...before, ...set }), secret };
  });
}

const toDelivery = (r: repo.WebhookDeliveryRow, attempts: repo.WebhookAttemptRow[]): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attemptCount: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  attempts: attempts
    .filter((a) => a.delivery_id === r.id)
    .map((a) => ({ at: a.attempted_at, statusCode: a.status_code, latencyMs: a.latency_ms, error: a.error })),
});

export async function listWebhookDeliveries(
  ctx: AppContext,
  actor: Actor,
  q: {
    limit: number;
    cursor?: string | undefined;
    endpointId?: string | undefined;
    status?: WebhookDelivery['status'] | undefined;
  },
): Promise<Page<WebhookDelivery>> {
  requireAdmin(actor);
  const rows = await repo.listDeliveries(ctx.db, {
    limit: q.limit,
    before: decodeCursor(q.cursor),
    endpointId: q.endpointId,
    status: q.status,
  });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const attempts = await repo.attemptsOf(
    ctx.db,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => toDelivery(r, attempts)),
    nextCursor: more ? encodeCursor(page[page.length - 1]?.id ?? '') : null,
  };
}

export async function getWebhookDelivery(ctx: AppContext, actor: Actor, id: string): Promise<WebhookDelivery> {
  requireAdmin(actor);
  const row = await repo.findDelivery(ctx.db, id);
  if (!row) throw notFound('The webhook delivery');
  return toDelivery(row, await repo.attemptsOf(ctx.db, [id]));
}

/**
 * One more attempt now, with the same webhook-id (the event's id), whatever the delivery's status.
 * A redelivery while a retry is scheduled may reach the receiver twice; the webhook-id tells it.
 */
export async function redeliverWebhook(ctx: AppContext, actor: Actor, id: string): Promise<WebhookDelivery> {
  requireAdmin(actor);
  await writeTransaction(ctx.db, ctx.dialect, async (tx) => {
    const before = await repo.markForRedelivery(tx, id, nowIso());
    if (before === undefined) throw notFound('The webhook delivery');
    await enqueueJob(tx, {
      type: DELIVER_WEBHOOK_JOB,
      payload: { deliveryId: id, attempt: before + 1 },
      maxAttempts: DELIVER_WEBHOOK_JOB_ATTEMPTS,
    });
    await writeAudit(tx, { actor, action: 'redeliver', recordType: 'webhook-delivery', recordId: id });
  });
  return getWebhookDelivery(ctx, actor, id);
}
