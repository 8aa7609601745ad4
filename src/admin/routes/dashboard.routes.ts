// The back office's dashboard: the invitation funnel (invitations feature's invitationFunnel), the
// latest failed (and unknown-outcome) emails and the latest failed workflow runs.
import type { AppContext } from '../../context.ts';
import { listEmails } from '../../email/email.service.ts';
import type { Api } from '../../http/types.ts';
import { invitationFunnel } from '../../invitations/invitation-funnel.service.ts';
import { listRuns } from '../../workflows/workflows.service.ts';
import { sendPage } from '../../web/render.ts';
import { labelOf } from '../lookups.ts';
import { staffPageContext } from '../page-context.ts';
import { DashboardPage } from '../pages/dashboard/dashboard.tsx';

const LATEST = 5;

export function dashboardRoutes(admin: Api, ctx: AppContext): void {
  admin.get('/', async (req, reply) => {
    const pc = await staffPageContext(ctx, req, reply);
    const [funnel, failed, unknown, runs] = await Promise.all([
      invitationFunnel(ctx, { weeks: 12 }),
      listEmails(ctx, { limit: LATEST, status: 'failed', newestFirst: true }),
      listEmails(ctx, { limit: LATEST, status: 'unknown', newestFirst: true }),
      listRuns(ctx, { limit: LATEST, status: 'failed', newestFirst: true }),
    ]);
    // Both need staff: newest first across the two (ids are time-ordered).
    const failedEmails = [...failed.items, ...unknown.items].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, LATEST);
    const workflowNames = new Map<string, string>();
    for (const id of new Set(runs.items.map((r) => r.workflowId))) {
      const label = await labelOf(ctx, 'workflows', id);
      if (label) workflowNames.set(id, label.label);
    }
    return sendPage(reply, 200, DashboardPage({ pc, funnel, failedEmails, failedRuns: runs.items, workflowNames }));
  });
}
