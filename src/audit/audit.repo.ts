// The audit log: who did what to which record. Written in the same transaction as the change.
import type { Db, Tx } from '../db/database.ts';
import type { Actor } from '../context.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/time.ts';

export interface AuditEntryInput {
  actor: Actor;
  action: string;
  recordType: string;
  recordId: string | null;
  details?: Record<string, unknown>;
}

export async function writeAudit(db: Db | Tx, entry: AuditEntryInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      action: entry.action,
      record_type: entry.recordType,
      record_id: entry.recordId,
      details: entry.details ? JSON.stringify(entry.details) : null,
      created_at: nowIso(),
    })
    .execute();
}

export async function listAudit(db: Db, recordId: string) {
  return db.selectFrom('audit_log').selectAll().where('record_id', '=', recordId).orderBy('id').execute();
}
