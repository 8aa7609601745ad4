// The audit log as staff read it: every entry newest first, filtered by record type and action,
// page by page (the cursor is the opaque last id, as everywhere).
import type { AppContext } from '../context.ts';
import type { AuditRow } from '../db/schema.ts';
import { decodeCursor, type Page, toPage } from '../shared/pagination.ts';
import { listAuditEntries } from './audit.repo.ts';

export interface AuditEntry {
  id: string;
  actorType: AuditRow['actor_type'];
  actorId: string | null;
  action: string;
  recordType: string;
  recordId: string | null;
  /** The entry's details as written (an object), or null. */
  details: Record<string, unknown> | null;
  createdAt: string;
}

function parseDetails(raw: string | null): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { value: raw };
  }
}

export const toAuditEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  actorType: r.actor_type,
  actorId: r.actor_id,
  action: r.action,
  recordType: r.record_type,
  recordId: r.record_id,
  details: parseDetails(r.details),
  createdAt: r.created_at,
});

export interface AuditListQuery {
  limit: number;
  cursor?: string | undefined;
  recordType?: string | undefined;
  action?: string | undefined;
}

/** Every audit entry, newest first; a cursor this service did not give out is a 422 naming `cursor`. */
export async function listAuditLog(ctx: AppContext, q: AuditListQuery): Promise<Page<AuditEntry>> {
  const rows = await listAuditEntries(ctx.db, {
    limit: q.limit,
    before: decodeCursor(q.cursor),
    recordType: q.recordType,
    action: q.action,
  });
  return toPage(rows, q.limit, toAuditEntry);
}
