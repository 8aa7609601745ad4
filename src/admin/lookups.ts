// Look-ups: choosing a related record by typing its name. Each kind of record says how it is
// searched and labelled, through its own service. A look-up field submits the text typed (and the
// id it held); the server resolves the text to one record — an exact label (any letter case), an
// email for people, or the id the suggestion carried when two records share a label — so choosing
// works without JavaScript, and htmx only refreshes the suggestions while typing. A label is looked
// up as such (each kind asks its service for the records of that name), never among the suggestions,
// which show only the first 20 of a search.
import type { AppContext } from '../context.ts';
import { accountsNamed, getAccount, listAccounts } from '../accounts/accounts.service.ts';
import { contactName, contactsNamed, listContacts } from '../contacts/contacts.service.ts';
import { getWebRole, listWebRoles, webRolesNamed } from '../web-roles/web-roles.service.ts';
import { getInvitation, invitationsNamed, listInvitations } from '../invitations/invitations.service.ts';
import { getWorkflow, listWorkflows, workflowsNamed } from '../workflows/workflows.service.ts';
import { findOwner, findOwnerByEmail, searchOwners } from '../users/users.service.ts';
import { AppError } from '../shared/errors.ts';

export const lookupKinds = [
  'accounts',
  'contacts',
  'users',
  'web-roles',
  'invitations',
  'workflows',
  'invitation-workflows',
  'contact-workflows',
] as const;
export type LookupKind = (typeof lookupKinds)[number];

export interface LookupOption {
  id: string;
  label: string;
}

const SUGGESTIONS = 20;
/** Records of one label read to resolve it: one is the answer, a second makes it ambiguous. */
const ENOUGH_TO_TELL = 2;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_IN = /<([^<>\s]+@[^<>\s]+)>\s*$/;
const ID_SUFFIX = / — ([0-9a-f-]{36})$/i;

const person = (name: string, email: string | null) => (email ? (name ? `${name} <${email}>` : email) : name || '—');
/** A typed text that is an email by itself (as the contacts' search takes it). */
const bareEmail = (text: string) => text.includes('@') && !text.includes(' ');
/** "Name <email>": the name before the email, and the email; undefined for other text. */
function nameAndEmail(text: string): { name: string; email: string } | undefined {
  const m = EMAIL_IN.exec(text);
  return m?.[1] ? { name: text.slice(0, m.index).trim(), email: m[1] } : undefined;
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof AppError && err.code === 'not-found') return undefined;
    throw err;
  }
}

const workflowsOf = (primaryEntity?: 'invitation' | 'contact') => ({
  async search(ctx: AppContext, text: string): Promise<LookupOption[]> {
    const page = await listWorkflows(ctx, { limit: 200, ...(primaryEntity ? { primaryEntity } : {}) });
    const t = text.toLowerCase();
    return page.items
      .filter((w) => !t || w.name.toLowerCase().includes(t))
      .slice(0, SUGGESTIONS)
      .map((w) => ({ id: w.id, label: w.name }));
  },
  async byId(ctx: AppContext, id: string): Promise<LookupOption | undefined> {
    const w = await orUndefined(getWorkflow(ctx, id));
    return w && (!primaryEntity || w.primaryEntity === primaryEntity) ? { id: w.id, label: w.name } : undefined;
  },
  byLabel: async (ctx: AppContext, text: string): Promise<LookupOption[]> =>
    (await workflowsNamed(ctx, text, primaryEntity, ENOUGH_TO_TELL)).map((w) => ({ id: w.id, label: w.name })),
});

const kinds: Record<
  LookupKind,
  {
    search(ctx: AppContext, text: string): Promise<LookupOption[]>;
    byId(ctx: AppContext, id: string): Promise<LookupOption | undefined>;
    /** The records whose label is `text` in any letter case (people: or whose email is), at most ENOUGH_TO_TELL. */
    byLabel(ctx: AppContext, text: string): Promise<LookupOption[]>;
  }
> = {
  accounts: {
    search: async (ctx, text) =>
      (await listAccounts(ctx, { limit: SUGGESTIONS, q: text || undefined, match: 'prefix' })).items.map((a) => ({
        id: a.id,
        label: a.name,
      })),
    byId: async (ctx, id) => {
      const a = await orUndefined(getAccount(ctx, id));
      return a && { id: a.id, label: a.name };
    },
    byLabel: async (ctx, text) =>
      (await accountsNamed(ctx, text, ENOUGH_TO_TELL)).map((a) => ({ id: a.id, label: a.name })),
  },
  contacts: {
    async search(ctx, text) {
      const email = EMAIL_IN.exec(text)?.[1] ?? (text.includes('@') && !text.includes(' ') ? text : undefined);
      const page = await listContacts(
        ctx,
        email ? { limit: SUGGESTIONS, email } : { limit: SUGGESTIONS, q: text || undefined, match: 'prefix' },
      );
      return page.items.map((c) => ({ id: c.id, label: person(c.fullName, c.emailaddress1) }));
    },
    byId: async (ctx, id) => {
      const c = await contactName(ctx, id);
      return c && { id: c.id, label: person(c.fullName, c.emailaddress1) };
    },
    async byLabel(ctx, text) {
      const label = (c: { id: string; fullName: string; emailaddress1: string | null }) => ({
        id: c.id,
        label: person(c.fullName, c.emailaddress1),
      });
      // "Name <email>": that name with that email. Other text: the name of a contact without an
      // email (whose label is the name alone), or, an email by itself, every contact with it.
      const both = nameAndEmail(text);
      if (both) return both.name ? (await contactsNamed(ctx, both.name, both.email, ENOUGH_TO_TELL)).map(label) : [];
      const unmailed = await contactsNamed(ctx, text, null, ENOUGH_TO_TELL);
      const mailed = bareEmail(text) ? (await listContacts(ctx, { limit: ENOUGH_TO_TELL, email: text })).items : [];
      return [...unmailed, ...mailed].slice(0, ENOUGH_TO_TELL).map(label);
    },
  },
  users: {
    search: async (ctx, text) =>
      (await searchOwners(ctx, EMAIL_IN.exec(text)?.[1] ?? text, SUGGESTIONS)).map((u) => ({
        id: u.id,
        label: person(u.fullName, u.email),
      })),
    byId: async (ctx, id) => {
      const u = await findOwner(ctx, id);
      return u && { id: u.id, label: person(u.fullName, u.email) };
    },
    async byLabel(ctx, text) {
      // Every user has an email (unique): its label is "Name <email>", or the email when it has no name.
      const both = nameAndEmail(text);
      let u: Awaited<ReturnType<typeof findOwnerByEmail>>;
      if (both) u = both.name ? await findOwnerByEmail(ctx, both.email, both.name) : undefined;
      else if (bareEmail(text)) u = await findOwnerByEmail(ctx, text);
      return u ? [{ id: u.id, label: person(u.fullName, u.email) }] : [];
    },
  },
  'web-roles': {
    search: async (ctx, text) =>
      (await listWebRoles(ctx, { limit: SUGGESTIONS, q: text || undefined })).items.map((r) => ({
        id: r.id,
        label: r.name,
      })),
    byId: async (ctx, id) => {
      const r = await orUndefined(getWebRole(ctx, id));
      return r && { id: r.id, label: r.name };
    },
    byLabel: async (ctx, text) =>
      (await webRolesNamed(ctx, text, ENOUGH_TO_TELL)).map((r) => ({ id: r.id, label: r.name })),
  },
  invitations: {
    search: async (ctx, text) =>
      (await listInvitations(ctx, { limit: SUGGESTIONS, q: text || undefined, match: 'prefix' })).items.map((i) => ({
        id: i.id,
        label: i.name,
      })),
    byId: async (ctx, id) => {
      const i = await orUndefined(getInvitation(ctx, id));
      return i && { id: i.id, label: i.name };
    },
    byLabel: async (ctx, text) =>
      (await invitationsNamed(ctx, text, ENOUGH_TO_TELL)).map((i) => ({ id: i.id, label: i.name })),
  },
  workflows: workflowsOf(),
  'invitation-workflows': workflowsOf('invitation'),
  'contact-workflows': workflowsOf('contact'),
};

/** Suggestions for what was typed; labels two records share carry the id, so each can be chosen. */
export async function suggest(ctx: AppContext, kind: LookupKind, text: string): Promise<LookupOption[]> {
  const found = await kinds[kind].search(ctx, text.trim().slice(0, 200));
  const count = new Map<string, number>();
  for (const o of found) count.set(o.label.toLowerCase(), (count.get(o.label.toLowerCase()) ?? 0) + 1);
  return found.map((o) =>
    (count.get(o.label.toLowerCase()) ?? 0) > 1 ? { id: o.id, label: `${o.label} — ${o.id}` } : o,
  );
}

/** The label a chosen id shows in its field (undefined when the record is gone). */
export const labelOf = async (ctx: AppContext, kind: LookupKind, id: string): Promise<LookupOption | undefined> =>
  kinds[kind].byId(ctx, id);

export type Resolved = { id: string | null } | { problem: 'no-match' | 'ambiguous' };

/**
 * What a look-up field's submitted text names: null when it was emptied, the held id when the text
 * is still that record's label, else the one record the text names.
 */
export async function resolveLookup(
  ctx: AppContext,
  kind: LookupKind,
  text: string,
  heldId?: string,
): Promise<Resolved> {
  const typed = text.trim();
  if (!typed) return { id: null };
  const k = kinds[kind];
  if (heldId && UUID.test(heldId)) {
    const held = await k.byId(ctx, heldId);
    if (held && (held.label.toLowerCase() === typed.toLowerCase() || typed.endsWith(held.id))) return { id: held.id };
  }
  const idText = ID_SUFFIX.exec(typed)?.[1] ?? (UUID.test(typed) ? typed : undefined);
  if (idText) {
    const byId = await k.byId(ctx, idText);
    return byId ? { id: byId.id } : { problem: 'no-match' };
  }
  const named = await k.byLabel(ctx, typed);
  if (named.length === 1 && named[0]) return { id: named[0].id };
  return { problem: named.length > 1 ? 'ambiguous' : 'no-match' };
}
