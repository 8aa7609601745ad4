// The audit log: who did what to which record. Written in the same transaction as the change.
import type { Db, Tx } from '../db/types.ts';
import type { Actor } from '../context.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { prepared } from '../db/prepared.ts';
import { insertMany } from '../db/insert-many.ts';

export interface AuditEntryInput {
  actor: Actor;
  action: string;
  recordType: string;
  recordId: string | null;
  details?: Record<string, unknown>;
}

// Written by every change: compiled once (see db/prepared.ts).
const insertEntry = prepared(
  ['id', 'actorType', 'actorId', 'action', 'recordType', 'recordId', 'details', 'createdAt'],
  (db, p) =>
    db.insertInto('audit_log').values({
      id: p('id'),
      actor_type: p('actorType'),
      actor_id: p('actorId'),
      action: p('action'),
      record_type: p('recordType'),
      record_id: p('recordId'),
      details: p('details'),
      created_at: p('createdAt'),
    }),
);

/** Writes one entry in the transaction of the change it records. */
export async function writeAudit(tx: Tx, entry: AuditEntryInput): Promise<void> {
  await insertEntry.affected(tx, {
    id: newId(),
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    action: entry.action,
    recordType: entry.recordType,
    recordId: entry.recordId,
    details: entry.details ? JSON.stringify(entry.details) : null,
    createdAt: nowIso(),
  });
}

/**
 * Writes many entries in the transaction of the change they record (a bulk create), with
 * multi-row inserts of 1,000 (8 columns a row stays far below both databases' parameter limits).
 */
export async function writeAudits(tx: Tx, entries: readonly AuditEntryInput[], at: string = nowIso()): Promise<void> {
  const rows = entries.map((entry) => ({
    id: newId(),
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    action: entry.action,
    record_type: entry.recordType,
    record_id: entry.recordId,
    details: entry.details ? JSON.stringify(entry.details) : null,
    created_at: at,
  }));
  await insertMany(tx, 'audit_log', auditColumns, rows);
}

const auditColumns = [
  'id',
  'actor_type',
  'actor_id',
  'action',
  'record_type',
  'record_id',
  'details',
  'created_at',
] as const;

export async function listAudit(db: Db, recordId: string) {
  return db.selectFrom('audit_log').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
}

/**
 * Every entry, newest first, optionally of one record type and/or one action; `before` is the id the
 * previous page ended at (ids are time-ordered, so this walks back in time on the primary key).
 */
export function listAuditEntries(
  db: Db,
  q: { limit: number; before?: string | undefined; recordType?: string | undefined; action?: string | undefined },
) {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.before) query = query.where('id', '<', q.before);
  if (q.recordType) query = query.where('record_type', '=', q.recordType);
  if (q.action) query = query.where('action', '=', q.action);
  return query.execute();
}
