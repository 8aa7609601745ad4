// The local side of `invitations create` and `invitations send`: an InvitationsTarget on the local
// database, through the services the API calls. Jobs (email delivery) run in this process when sending.
import type { AppContext } from '../context.ts';
import { systemActor } from '../context.ts';
import { bulkCreateInvitations, getInvitation, listInvitations } from '../invitations/invitations.service.ts';
import { listWorkflows, runWorkflow, getRun } from '../workflows/workflows.service.ts';
import { getWebRole, listWebRoles } from '../web-roles/web-roles.service.ts';
import { getAccount, listAccounts } from '../accounts/accounts.service.ts';
import { getUser, listUsers } from '../users/users.service.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { listEmails } from '../email/email.service.ts';
import { settingValue } from '../site-settings/site-settings.service.ts';
import { contactsByEmails, contactsByIds } from '../contacts/contacts.repo.ts';
import type { MailTransport } from '../email/transport.ts';
import {
  allPages,
  eachLimited,
  notFound,
  stateOf,
  type FoundContact,
  type InvitationsTarget,
} from './invitations.target.ts';

export function localTarget(ctx: AppContext): InvitationsTarget & { close(): Promise<void> } {
  let transport: MailTransport | undefined;
  const found = (r: { id: string; emailaddress1: string | null }) => ({ id: r.id, hasEmail: Boolean(r.emailaddress1) });
  return {
    timeZone: () => settingValue(ctx, 'Site/TimeZone'),
    users: async (email) =>
      (await listUsers(ctx, systemActor, { limit: 10, email })).items.map((u) => ({ id: u.id, name: u.email })),
    webRoles: (q) => allPages((cursor) => listWebRoles(ctx, { limit: 500, q, cursor })),
    accounts: (q) => allPages((cursor) => listAccounts(ctx, { limit: 500, q, cursor })),
    contactsWithEmail: async (email) =>
      (await contactsByEmails(ctx.db, [email.toLowerCase()])).map((c) => ({ id: c.id, name: email })),
    workflows: () => allPages((cursor) => listWorkflows(ctx, { limit: 500, cursor })),
    exists(kind, id) {
      const get = {
        user: () => getUser(ctx, systemActor, id),
        webRole: () => getWebRole(ctx, id),
        account: () => getAccount(ctx, id),
        contact: () => getContact(ctx, id),
      }[kind];
      return get()
        .then(() => true)
        .catch((err) => (notFound(err) ? false : Promise.reject(err)));
    },
    contactsByIds: async (ids) => new Map((await contactsByIds(ctx.db, ids)).map((r) => [r.id, found(r)])),
    async contactsByEmails(lowerEmails) {
      const byEmail = new Map<string, FoundContact[]>();
      for (const r of await contactsByEmails(ctx.db, lowerEmails)) {
        const key = (r.emailaddress1 ?? '').toLowerCase();
        byEmail.set(key, [...(byEmail.get(key) ?? []), found(r)]);
      }
      return byEmail;
    },
    bulkCreate: (contactIds, settings) => bulkCreateInvitations(ctx, systemActor, { contactIds, settings }),
    invitations: (f) =>
      allPages((cursor) => listInvitations(ctx, { limit: 500, cursor, status: f.status, q: f.nameContains })),
    invitation: (id) => getInvitation(ctx, id).catch((err) => (notFound(err) ? undefined : Promise.reject(err))),
    runWorkflow: async (workflowId, targetIds) => (await runWorkflow(ctx, systemActor, workflowId, targetIds)).items,
    async work() {
      // The job handlers (workflows, templates, webhooks, mail) only when sending: `create` needs none.
      const [{ createMailTransport }, { jobHandlers }, { runDueJobsOnce }] = await Promise.all([
        import('../email/transport.ts'),
        import('../jobs/job-registry.ts'),
        import('../jobs/worker.ts'),
      ]);
      transport ??= createMailTransport(ctx.config);
      await runDueJobsOnce(ctx, jobHandlers(ctx, transport));
    },
    async runStates(runIds) {
      return eachLimited(runIds, 4, async (id) => {
        const run = await getRun(ctx, id);
        const emails =
          run.status === 'succeeded' ? (await listEmails(ctx, { limit: 500, workflowRunId: id })).items : [];
        return stateOf(run, emails);
      });
    },
    async close() {
      await transport?.close();
    },
  };
}
