// Queries on webhook_endpoints, webhook_deliveries and their attempts.
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/types.ts';
import { insertChunked } from '../db/insert-chunked.ts';
import type { WebhookDeliveriesTable, WebhookDeliveryAttemptsTable, WebhookEndpointsTable } from '../db/schema.ts';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable> & { event_type: string };
export type WebhookAttemptRow = Selectable<WebhookDeliveryAttemptsTable>;

export const findEndpoint = (db: Db | Tx, id: string) =>
  db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();

export function listEndpoints(db: Db, q: { limit: number; after?: string | undefined }) {
  let query = db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.after) query = query.where('id', '>', q.after);
  return query.execute();
}

export const insertEndpoint = (tx: Tx, row: WebhookEndpointRow) =>
  tx.insertInto('webhook_endpoints').values(row).execute();

export const updateEndpoint = (tx: Tx, id: string, set: Partial<WebhookEndpointRow>) =>
  tx.updateTable('webhook_endpoints').set(set).where('id', '=', id).executeTakeFirst();

export async function deleteEndpoint(tx: Tx, id: string): Promise<boolean> {
  // Deliveries and their attempts go with it (cascade); their queued jobs find nothing and end.
  const attempts = tx.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id);
  await tx.deleteFrom('webhook_delivery_attempts').where('delivery_id', 'in', attempts).execute();
  await tx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
  const r = await tx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

const deliveryColumns = (db: Db | Tx) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('lifecycle_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type');

export const findDelivery = (db: Db | Tx, id: string): Promise<WebhookDeliveryRow | undefined> =>
  deliveryColumns(db).where('d.id', '=', id).executeTakeFirst();

/** Newest first: a delivery log is read from the top. */
export function listDeliveries(
  db: Db,
  q: {
    limit: number;
    before?: string | undefined;
    endpointId?: string | undefined;
    status?: WebhookDeliveryRow['status'] | undefined;
  },
): Promise<WebhookDeliveryRow[]> {
  let query = deliveryColumns(db)
    .orderBy('d.id', 'desc')
    .limit(q.limit + 1);
  if (q.endpointId) query = query.where('d.endpoint_id', '=', q.endpointId);
  if (q.before) query = query.where('d.id', '<', q.before);
  // On webhook_deliveries_endpoint (endpoint_id, id): the endpoint's log newest first, filtered.
  if (q.status) query = query.where('d.status', '=', q.status);
  return query.execute();
}

export async function attemptsOf(db: Db | Tx, deliveryIds: string[]): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('id')
    .execute();
}

/** What the attempts need: each delivery with its event and its endpoint, in one read, by id. */
export async function findDeliveryWorks(db: Db, ids: readonly string[]) {
  const rows =
    ids.length === 0
      ? []
      : await deliveryWork(db)
          .where('d.id', 'in', [...ids])
          .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

const deliveryWork = (db: Db) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('lifecycle_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'e.id as event_id',
      'e.type',
      'e.data',
      'e.created_at as event_at',
      'w.url',
      'w.enabled',
      'w.secret_sealed',
    ]);

/**
 * Records attempt `attempt` of a delivery, guarded by the count before it: false when another run
 * of the same attempt (a redelivery racing a scheduled retry) recorded it first.
 */
export async function recordAttempt(
  tx: Tx,
  deliveryId: string,
  attempt: number,
  row: WebhookAttemptRow,
  next: Pick<WebhookDeliveryRow, 'status' | 'last_status_code' | 'last_error' | 'next_attempt_at' | 'updated_at'>,
): Promise<boolean> {
  const r = await tx
    .updateTable('webhook_deliveries')
    .set({ ...next, attempts: attempt })
    .where('id', '=', deliveryId)
    .where('attempts', '=', attempt - 1)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await tx.insertInto('webhook_delivery_attempts').values(row).execute();
  return true;
}

/**
 * Records many attempts (each as recordAttempt: guarded by the count before it), the log entries in
 * one insert; answers the deliveries whose attempt was recorded.
 */
export async function recordAttempts(
  tx: Tx,
  attempts: ReadonlyArray<{
    deliveryId: string;
    attempt: number;
    row: WebhookAttemptRow;
    next: Pick<WebhookDeliveryRow, 'status' | 'last_status_code' | 'last_error' | 'next_attempt_at' | 'updated_at'>;
  }>,
): Promise<Set<string>> {
  const recorded = new Set<string>();
  const rows: WebhookAttemptRow[] = [];
  for (const a of attempts) {
    const r = await tx
      .updateTable('webhook_deliveries')
      .set({ ...a.next, attempts: a.attempt })
      .where('id', '=', a.deliveryId)
      .where('attempts', '=', a.attempt - 1)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) continue;
    recorded.add(a.deliveryId);
    rows.push(a.row);
  }
  await insertChunked(tx, 'webhook_delivery_attempts', rows);
  return recorded;
}

/** Back to pending for one more attempt now (a redelivery); answers the attempt count before it. */
export async function markForRedelivery(tx: Tx, id: string, now: string): Promise<number | undefined> {
  const row = await tx
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts;
}
