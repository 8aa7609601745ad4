// Where `invitations create` and `invitations send` do their work: the local database (through the
// services the API calls) or a running server (--url/--token, through the typed client; then no local
// database is touched). The commands' logic (invitations.work.ts) sees only this interface.
import type { Command } from 'commander';
import type { StaffApiClient } from '../api-client/index.ts';
import type { BulkCreated, InvitationSettings } from '../invitations/invitations.schema.ts';
import type { RunStatus, WorkflowRun } from '../workflows/workflows.schema.ts';
import { AppError } from '../shared/errors.ts';
import { withCliContext, type CliRun } from './command.ts';
import { note } from './io.ts';
import { answered, remoteTarget as remoteOf, withRemoteClient } from './remote.ts';

/** A contact a row names: its id and whether it has a primary email (else nothing is sent to it). */
export interface FoundContact {
  id: string;
  hasEmail: boolean;
}
export interface Named {
  id: string;
  name: string;
}
export interface WorkflowInfo extends Named {
  key: string | null;
  primaryEntity: string;
}
export interface RunState {
  id: string;
  targetId: string;
  status: RunStatus;
  error: string | null;
  /** Done, and every email it queued delivered or failed for good. */
  settled: boolean;
  /** Why a run that succeeded sent nothing (no primary email), if so. */
  skipped: string | null;
}
export interface InvitationFilter {
  status?: 'new' | 'sent' | undefined;
  nameContains?: string | undefined;
}

export interface InvitationsTarget {
  timeZone(): Promise<string>;
  /** The records named (each by id, or by name/email, any letter case). */
  users(email: string): Promise<Named[]>;
  webRoles(q: string): Promise<Named[]>;
  accounts(q: string): Promise<Named[]>;
  contactsWithEmail(email: string): Promise<Named[]>;
  workflows(): Promise<WorkflowInfo[]>;
  exists(kind: 'user' | 'webRole' | 'account' | 'contact', id: string): Promise<boolean>;
  /** Contacts by id / by lower-cased primary email (several contacts with one email: all of them). */
  contactsByIds(ids: string[]): Promise<Map<string, FoundContact>>;
  contactsByEmails(lowerEmails: string[]): Promise<Map<string, FoundContact[]>>;
  bulkCreate(contactIds: string[], settings: InvitationSettings): Promise<BulkCreated>;
  invitations(filter: InvitationFilter): Promise<Named[]>;
  invitation(id: string): Promise<Named | undefined>;
  runWorkflow(workflowId: string, targetIds: string[]): Promise<Array<{ id: string; targetId: string }>>;
  /** Local: runs the due jobs in this process, as a worker does. Remote: nothing (the server's worker does). */
  work(): Promise<void>;
  runStates(runIds: string[]): Promise<RunState[]>;
}

export const notFound = (err: unknown) => err instanceof AppError && err.code === 'not-found';
const FINAL_EMAIL = new Set(['sent', 'failed', 'unknown', 'bounced']);

export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

interface EmailOfRun {
  status: string;
  to: string;
  lastError: string | null;
}

/**
 * A run's state with the emails it queued. An email that failed for good fails its run (the
 * engine records that a moment after the email's own status): seen first, it counts already.
 */
export function stateOf(run: WorkflowRun, emails: EmailOfRun[]): RunState {
  const done = run.status === 'succeeded' || run.status === 'failed';
  const bad = emails.find((e) => e.status === 'failed' || e.status === 'bounced');
  if (run.status === 'succeeded' && bad)
    return {
      id: run.id,
      targetId: run.targetId,
      status: 'failed',
      error: `The email to ${bad.to} could not be delivered: ${bad.lastError ?? 'unknown error'}`,
      settled: true,
      skipped: null,
    };
  const skippedStep = run.steps.find((s) => s.type === 'send-invitation' && s.status === 'skipped');
  const reason = (skippedStep?.detail as { reason?: string } | null)?.reason;
  return {
    id: run.id,
    targetId: run.targetId,
    status: run.status,
    error: run.error,
    settled: done && emails.every((e) => FINAL_EMAIL.has(e.status)),
    skipped: run.status === 'succeeded' && skippedStep ? (reason ?? 'nothing was sent') : null,
  };
}

/** Many calls, a few at a time. */
export async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export function remoteTarget(api: StaffApiClient): InvitationsTarget {
  const missing = <T>(p: Promise<T>) =>
    p.then(() => true).catch((err) => (notFound(err) ? false : Promise.reject(err)));
  return {
    async timeZone() {
      const s = answered(await api.GET('/site-settings/{name}', { params: { path: { name: 'Site/TimeZone' } } }));
      return String(s.value ?? 'UTC');
    },
    users: async (email) =>
      answered(await api.GET('/users', { params: { query: { email, limit: 10 } } })).items.map((u) => ({
        id: u.id,
        name: u.email,
      })),
    webRoles: (q) =>
      allPages(async (cursor) =>
        answered(await api.GET('/web-roles', { params: { query: { q, limit: 500, ...(cursor ? { cursor } : {}) } } })),
      ),
    accounts: (q) =>
      allPages(async (cursor) =>
        answered(await api.GET('/accounts', { params: { query: { q, limit: 500, ...(cursor ? { cursor } : {}) } } })),
      ),
    contactsWithEmail: async (email) =>
      answered(await api.GET('/contacts', { params: { query: { email, limit: 10 } } })).items.map((c) => ({
        id: c.id,
        name: email,
      })),
    workflows: () =>
      allPages(async (cursor) =>
        answered(await api.GET('/workflows', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
      ),
    exists(kind, id) {
      const path = { path: { id } };
      if (kind === 'user') return missing(api.GET('/users/{id}', { params: path }).then(answered));
      if (kind === 'webRole') return missing(api.GET('/web-roles/{id}', { params: path }).then(answered));
      if (kind === 'account') return missing(api.GET('/accounts/{id}', { params: path }).then(answered));
      return missing(api.GET('/contacts/{id}', { params: path }).then(answered));
    },
    async contactsByIds(ids) {
      const rows = await eachLimited(ids, 8, async (id) => {
        const r = await api.GET('/contacts/{id}', { params: { path: { id } } });
        if (r.response.status === 404) return undefined;
        const c = answered(r);
        return { id: c.id, hasEmail: Boolean(c.emailaddress1) };
      });
      return new Map(rows.filter((c): c is FoundContact => Boolean(c)).map((c) => [c.id, c]));
    },
    async contactsByEmails(lowerEmails) {
      const rows = await eachLimited(lowerEmails, 8, async (email) => {
        const page = answered(await api.GET('/contacts', { params: { query: { email, limit: 10 } } }));
        return [email, page.items.map((c) => ({ id: c.id, hasEmail: true }))] as const;
      });
      return new Map(rows.filter(([, cs]) => cs.length > 0).map(([e, cs]) => [e, [...cs]]));
    },
    bulkCreate: async (contactIds, settings) =>
      answered(await api.POST('/invitations/bulk', { body: { contactIds, settings } })),
    invitations: (f) =>
      allPages(async (cursor) =>
        answered(
          await api.GET('/invitations', {
            params: {
              query: {
                limit: 500,
                ...(f.status ? { status: f.status } : {}),
                ...(f.nameContains ? { q: f.nameContains } : {}),
                ...(cursor ? { cursor } : {}),
              },
            },
          }),
        ),
      ),
    async invitation(id) {
      const r = await api.GET('/invitations/{id}', { params: { path: { id } } });
      return r.response.status === 404 ? undefined : answered(r);
    },
    runWorkflow: async (workflowId, targetIds) =>
      answered(await api.POST('/workflows/{id}/run', { params: { path: { id: workflowId } }, body: { targetIds } }))
        .items,
    async work() {},
    runStates: (runIds) =>
      eachLimited(runIds, 8, async (id) => {
        const run = answered(await api.GET('/workflow-runs/{id}', { params: { path: { id } } })) as WorkflowRun;
        const emails =
          run.status === 'succeeded'
            ? answered(await api.GET('/emails', { params: { query: { workflowRunId: id, limit: 500 } } })).items
            : [];
        return stateOf(run, emails);
      }),
  };
}

/** Runs `work` on the local database (migrated first) or on the server --url names. */
export async function withInvitationsTarget<T>(
  run: CliRun,
  cmd: Command,
  work: (target: InvitationsTarget) => Promise<T>,
): Promise<T> {
  const remote = remoteOf(run, cmd);
  if (remote) return withRemoteClient(remote, (api) => work(remoteTarget(api)));
  return withCliContext(run.io.env, async ({ ctx, applied }) => {
    if (applied.length) note(run.io, run.json, `Applied migrations: ${applied.join(', ')}`);
    // The services are loaded only for the local database: a remote run needs just the client.
    const { localTarget } = await import('./invitations.local.ts');
    const target = localTarget(ctx);
    try {
      return await work(target);
    } finally {
      await target.close();
    }
  });
}
