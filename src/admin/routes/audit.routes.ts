// The back office's audit log: every entry newest first, filtered by record type and event, through
// the audit service.
import type { AppContext } from '../../context.ts';
import { listAuditLog } from '../../audit/audit.service.ts';
import type { Api } from '../../http/types.ts';
import { sendPage } from '../../web/render.ts';
import { labelOf } from '../lookups.ts';
import { staffPageContext } from '../page-context.ts';
import { AuditView } from '../pages/audit/audit.tsx';
import { viewQuery } from '../view-query.ts';
import { pageSize } from './route-helpers.ts';

/** A filter value as the log writes them (`web-role`, `workflow_run`); anything else filters nothing. */
const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function auditRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/audit', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const query = viewQuery(req, ['recordType', 'action']);
    for (const k of ['recordType', 'action']) {
      const v = query.filters[k];
      if (v !== undefined && !NAME.test(v)) delete query.filters[k];
    }
    const page = await listAuditLog(ctx, {
      limit: pageSize,
      cursor: query.cursor,
      recordType: query.filters.recordType,
      action: query.filters.action,
    });
    const actors = new Map<string, string>();
    const seen = new Map<string, 'users' | 'contacts'>();
    for (const e of page.items)
      if (e.actorId && e.actorType !== 'system') seen.set(e.actorId, e.actorType === 'user' ? 'users' : 'contacts');
    await Promise.all(
      [...seen].map(async ([id, kind]) => {
        const label = await labelOf(ctx, kind, id);
        if (label) actors.set(id, label.label);
      }),
    );
    return sendPage(reply, 200, AuditView({ pc, query, items: page.items, nextCursor: page.nextCursor, actors }));
  });
}
