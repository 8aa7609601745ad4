// The audit log: who did what to which record. Written in the same transaction as the change.
import type { Db, Tx } from '../db/types.ts';
import type { Actor } from '../context.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';
import { prepared } from '../db/prepared.ts';

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

export async function writeAudit(db: Db | Tx, entry: AuditEntryInput): Promise<void> {
  await insertEntry.affected(db, {
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

export async function listAudit(db: Db, recordId: string) {
  return db.selectFrom('audit_log').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
}
