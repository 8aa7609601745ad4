// Lifecycle events (SPEC.md "webhook-endpoints"): what changed, recorded in the transaction of the
// change itself, so that an event is delivered exactly for the changes that committed. Features
// call `recordLifecycleEvent(tx, type, data)` beside their audit entry; delivery to the subscribed
// endpoints (signing, retries, the delivery log) belongs to this folder alone.
import { sql } from 'kysely';
import type { Tx } from '../db/types.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import { prepared } from '../db/prepared.ts';
import { enqueueJobs } from '../jobs/jobs.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

export const lifecycleEventTypes = [
  'invitation.created',
  'invitation.sent',
  'invitation.resent',
  'invitation.redeemed',
  'invitation.expired',
  'invitation.declined',
  'invitation.deactivated',
  'invitation.activated',
  'email.sent',
  'email.failed',
  'email.bounced',
  'email.unknown',
  'contact.created',
] as const;

export type LifecycleEventType = (typeof lifecycleEventTypes)[number];

/** The job that delivers one event to one endpoint; its payload is `{ deliveryId, attempt }`. */
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';
/**
 * Attempts of one delivery job by the worker (a crash, a database hiccup). The retry schedule of
 * the delivery itself is its own (webhook-delivery.ts): each attempt is a job of its own.
 */
export const DELIVER_WEBHOOK_JOB_ATTEMPTS = 5;

// The one read every change pays for: the enabled endpoints, from their (enabled, id) index. With no
// endpoint it finds nothing and the call ends there, writing nothing (see docs/webhooks.md for the
// measurement). One indexed query instead of a per-process cache: a cache would need invalidation
// across processes, and an event missed in that window would be lost for good.
const enabledEndpoints = prepared(['enabled'], (db, p) =>
  db.selectFrom('webhook_endpoints').select(['id', 'events']).where('enabled', '=', p('enabled')),
);

/**
 * "Some endpoint is enabled", as SQL, for a hot statement to answer beside its own work (the
 * redemption's one statement on PostgreSQL): when it is false the change can skip
 * `recordLifecycleEvent` and its round trip, since the read would find nothing either. It is read in
 * the change's own transaction, so it misses nothing the separate read would have seen.
 */
export const someEndpointEnabledSql = sql<boolean>`exists (select 1 from webhook_endpoints where enabled = 1)`;

/** Whether an endpoint's `events` (a JSON array of names, or ["*"]) take `type`. */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

/**
 * Records one event in the caller's transaction. `data` is the event's payload as the API spells
 * it (camelCase, ids, ISO times), e.g. `{ invitationId, contactId, redemptionId }`; never a secret.
 * The event and one delivery (with its job) per enabled endpoint subscribed to `type` are written
 * in `tx`: nothing is delivered for a change that rolls back. An event nobody subscribes to is not
 * stored. `data` may be a function, called only when some endpoint takes the event (a payload that
 * needs a read, on a hot path). Answers the event's id, or undefined when no endpoint takes it.
 */
export async function recordLifecycleEvent(
  tx: Tx,
  type: LifecycleEventType,
  data: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
): Promise<string | undefined> {
  const endpoints = await enabledEndpoints.execute(tx, { enabled: 1 });
  if (endpoints.length === 0) return undefined;
  const takers = endpoints.filter((e) => subscribes(JSON.parse(e.events) as string[], type));
  if (takers.length === 0) return undefined;
  const eventId = newId();
  await writeEvents(tx, takers, [
    { id: eventId, type, data: JSON.stringify(typeof data === 'function' ? await data() : data) },
  ]);
  return eventId;
}

/**
 * Many events of one type in one transaction (a bulk create, an import): one read of the endpoints
 * for all, and only when some endpoint takes `type` the events, their deliveries and jobs, each in
 * multi-row inserts (500 rows: at most 10 columns a row, far below SQLite's 32,766 and PostgreSQL's
 * 65,535 bound parameters). Nobody subscribed: one read and nothing written, as for one event.
 */
export async function recordLifecycleEvents(
  tx: Tx,
  type: LifecycleEventType,
  data: readonly Record<string, unknown>[],
): Promise<void> {
  if (data.length === 0) return;
  const endpoints = await enabledEndpoints.execute(tx, { enabled: 1 });
  const takers = endpoints.filter((e) => subscribes(JSON.parse(e.events) as string[], type));
  if (takers.length === 0) return;
  await writeEvents(
    tx,
    takers,
    data.map((d) => ({ id: newId(), type, data: JSON.stringify(d) })),
  );
}

/**
 * The events, one delivery (with its job) per event and taker, in multi-row inserts of 500 rows (at
 * most 10 columns a row, far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters).
 */
async function writeEvents(
  tx: Tx,
  takers: readonly { id: string }[],
  events: readonly { id: string; type: LifecycleEventType; data: string }[],
): Promise<void> {
  const now = nowIso();
  const rows = events.map((ev) => ({ ...ev, created_at: now }));
  await insertChunked(tx, 'lifecycle_events', rows);
  const deliveries = events.flatMap((ev) =>
    takers.map((e) => ({
      id: newId(),
      endpoint_id: e.id,
      event_id: ev.id,
      status: 'pending' as const,
      attempts: 0,
      last_status_code: null,
      last_error: null,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })),
  );
  await insertChunked(tx, 'webhook_deliveries', deliveries);
  await enqueueJobs(
    tx,
    deliveries.map((d) => ({
      type: DELIVER_WEBHOOK_JOB,
      payload: { deliveryId: d.id, attempt: 1 },
      maxAttempts: DELIVER_WEBHOOK_JOB_ATTEMPTS,
    })),
  );
}
