// The workflow form's steps as typed: a tree of drafts read from named fields (`steps.0.type`,
// `steps.2.then.0.webRoleId`), edited by the form's buttons (add, remove, move) without saving, and
// turned into the API's `steps` JSON on Save. Look-ups are resolved as every back-office form does;
// the services then check the steps exactly as for the API.
import type { AppContext } from '../../context.ts';
import { conditionOperators, type Step } from '../../workflows/workflows.schema.ts';
import { type FieldErrors, resolveLookups, SubmittedForm } from '../forms.ts';
import type { AdminDict } from '../i18n/index.ts';
import { type LookupKind, labelOf } from '../lookups.ts';

export const stepTypes = [
  'send-email',
  'update-contact',
  'add-web-role',
  'remove-web-role',
  'set-account',
  'create-invitation',
  'webhook',
  'condition',
  'stop',
  'send-invitation',
] as const satisfies readonly Step['type'][];

/** One step as typed: its values by name relative to the step (`templateId`, `fields.firstName`). */
export interface StepDraft {
  type: string;
  values: Record<string, string>;
  lists: Record<string, string[]>;
  then: StepDraft[];
  else: StepDraft[];
}

const MAX_LIST = 100;
const MAX_DEPTH = 8;
export const updatableTextFields = ['firstName', 'lastName', 'emailaddress2', 'emailaddress3'] as const;

/** The look-ups of each step type: relative name, kind, and whether it holds a set. */
export const stepLookups: Record<string, { name: string; kind: LookupKind; many?: boolean }[]> = {
  'add-web-role': [{ name: 'webRoleId', kind: 'web-roles' }],
  'remove-web-role': [{ name: 'webRoleId', kind: 'web-roles' }],
  'set-account': [{ name: 'accountId', kind: 'accounts' }],
  'create-invitation': [
    { name: 'invitation.ownerId', kind: 'users' },
    { name: 'invitation.inviterContactId', kind: 'contacts' },
    { name: 'invitation.assignToAccountId', kind: 'accounts' },
    { name: 'invitation.redeemWorkflowId', kind: 'contact-workflows' },
    { name: 'invitation.webRoleIds', kind: 'web-roles', many: true },
  ],
};

export const emptyDraft = (type: string): StepDraft => ({ type, values: { type }, lists: {}, then: [], else: [] });

/** Reads the step list under `prefix` from the submitted form (each level scans only its own keys). */
export function parseSteps(
  form: SubmittedForm,
  prefix = 'steps',
  depth = 0,
  keys: readonly string[] = [...new Set([...Object.keys(form.values), ...Object.keys(form.lists)])],
): StepDraft[] {
  if (depth > MAX_DEPTH) return [];
  const start = `${prefix}.`;
  const byIndex = new Map<number, { draft: StepDraft; nested: string[] }>();
  for (const key of keys) {
    if (!key.startsWith(start)) continue;
    const m = /^(\d{1,3})\.(.+)$/.exec(key.slice(start.length));
    if (!m) continue;
    const index = Number(m[1]);
    const rel = m[2] as string;
    const entry = byIndex.get(index) ?? { draft: emptyDraft(''), nested: [] };
    byIndex.set(index, entry);
    if (rel.startsWith('then.') || rel.startsWith('else.')) {
      entry.nested.push(key);
      continue;
    }
    if (form.values[key] !== undefined) entry.draft.values[rel] = form.values[key] as string;
    if (form.lists[key] !== undefined) entry.draft.lists[rel] = form.lists[key] as string[];
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .slice(0, MAX_LIST)
    .map(([index, { draft, nested }]) => {
      draft.type = draft.values.type ?? '';
      draft.then = parseSteps(form, `${prefix}.${index}.then`, depth + 1, nested);
      draft.else = parseSteps(form, `${prefix}.${index}.else`, depth + 1, nested);
      return draft;
    });
}

const str = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** The drafts of saved steps (from the API's JSON), with the labels their look-ups show. */
export async function draftsOf(ctx: AppContext, steps: readonly unknown[]): Promise<StepDraft[]> {
  const out: StepDraft[] = [];
  for (const raw of steps) {
    const step = (raw ?? {}) as Record<string, unknown>;
    const type = String(step.type ?? '');
    const d = emptyDraft(type);
    const set = (rel: string, v: unknown) => {
      const s = str(v);
      if (s !== undefined) d.values[rel] = s;
    };
    for (const k of ['templateId', 'to', 'webRoleId', 'accountId', 'url', 'event', 'field', 'operator'])
      set(k, step[k]);
    if ('value' in step) set('value', step.value);
    if (step.send === true) d.values.send = 'true';
    const fields = (step.fields ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      if (v === null && k === 'locale') d.values['fields.locale'] = 'none';
      else if (v === null) d.values[`fields.${k}.clear`] = 'true';
      else set(`fields.${k}`, v);
    }
    const inv = (step.invitation ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(inv)) {
      if (k === 'webRoleIds' && Array.isArray(v)) d.lists['invitation.webRoleIds'] = v.map(String);
      else if (k === 'allowedDomains' && Array.isArray(v)) d.values['invitation.allowedDomains'] = v.join('\n');
      else set(`invitation.${k}`, v);
    }
    for (const l of stepLookups[type] ?? []) {
      const id = d.values[l.name];
      if (!l.many && id) d.values[`${l.name}Lookup`] = (await labelOf(ctx, l.kind, id))?.label ?? id;
    }
    if (type === 'condition') {
      d.then = await draftsOf(ctx, Array.isArray(step.then) ? step.then : []);
      d.else = await draftsOf(ctx, Array.isArray(step.else) ? step.else : []);
    }
    out.push(d);
  }
  return out;
}

/** The labels of the records chosen in look-ups that hold sets (web roles of create-invitation). */
export async function chosenLabels(ctx: AppContext, drafts: readonly StepDraft[]): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const visit = async (list: readonly StepDraft[]) => {
    for (const d of list) {
      for (const l of stepLookups[d.type] ?? [])
        if (l.many)
          for (const id of d.lists[l.name] ?? [])
            if (!labels.has(id)) labels.set(id, (await labelOf(ctx, l.kind, id))?.label ?? id);
      await visit(d.then);
      await visit(d.else);
    }
  };
  await visit(drafts);
  return labels;
}

/** The step list a path names (`steps`, `steps.2.then`), or undefined. */
function listAt(root: StepDraft[], path: string): StepDraft[] | undefined {
  const parts = path.split('.');
  if (parts[0] !== 'steps' || parts.length % 2 === 0) return undefined;
  let list = root;
  for (let i = 1; i < parts.length; i += 2) {
    const step = list[Number(parts[i])];
    const branch = parts[i + 1];
    if (!step || !/^\d+$/.test(parts[i] ?? '') || (branch !== 'then' && branch !== 'else')) return undefined;
    list = step[branch];
  }
  return list;
}

/** The list holding the step at a path (`steps.2.then.0`) and the step's index in it. */
function stepAt(root: StepDraft[], path: string): { list: StepDraft[]; index: number } | undefined {
  const cut = path.lastIndexOf('.');
  const list = listAt(root, path.slice(0, cut));
  const index = Number(path.slice(cut + 1));
  return list && Number.isInteger(index) && index >= 0 && index < list.length ? { list, index } : undefined;
}

export type FormAction = { kind: 'save' } | { kind: 'edit' };

/**
 * Applies a button of the step editor to the drafts: `add:<list>` (with the type chosen in
 * `add.<list>`), `remove:<step>`, `up:<step>`, `down:<step>`; anything else (Apply) only re-renders.
 */
export function applyStepAction(root: StepDraft[], action: string, form: SubmittedForm): void {
  const [verb, path = ''] = action.split(/:(.*)/s);
  if (verb === 'add') {
    const list = listAt(root, path);
    const type = form.text(`add.${path}`) ?? 'send-email';
    if (list && list.length < MAX_LIST)
      list.push(emptyDraft((stepTypes as readonly string[]).includes(type) ? type : 'send-email'));
    return;
  }
  const at = stepAt(root, path);
  if (!at) return;
  const { list, index } = at;
  if (verb === 'remove') list.splice(index, 1);
  else if (verb === 'up' && index > 0) list.splice(index - 1, 0, ...list.splice(index, 1));
  else if (verb === 'down' && index < list.length - 1) list.splice(index + 1, 0, ...list.splice(index, 1));
}

/** The drafts as form fields again, under their current positions. */
export function flatten(drafts: readonly StepDraft[], prefix = 'steps', out: Record<string, string | string[]> = {}) {
  drafts.forEach((d, i) => {
    const p = `${prefix}.${i}`;
    for (const [k, v] of Object.entries(d.values)) out[`${p}.${k}`] = v;
    for (const [k, v] of Object.entries(d.lists)) out[`${p}.${k}`] = v;
    out[`${p}.type`] = d.type;
    flatten(d.then, `${p}.then`, out);
    flatten(d.else, `${p}.else`, out);
  });
  return out;
}

const operatorNeedsValue = (op: string | undefined) => op === 'equals' || op === 'not-equals' || op === 'contains';
export const takesValue = (op: string | undefined) =>
  operatorNeedsValue(op) || !(conditionOperators as readonly string[]).includes(op ?? '');

/** A number when the text is one, else the text (the schema then says what is wrong). */
const numberOr = (s: string | undefined) => (s === undefined ? undefined : /^-?\d+$/.test(s) ? Number(s) : s);

/**
 * The API's `steps` JSON for the drafts, with look-ups resolved; problems of the look-ups are
 * returned by field (`steps.1.webRoleId`), the rest is left to the service's checks.
 */
export async function stepsOf(
  ctx: AppContext,
  t: AdminDict,
  drafts: readonly StepDraft[],
): Promise<{ steps: unknown[]; errors: FieldErrors }> {
  const form = new SubmittedForm(flatten(drafts));
  const lookups: { name: string; kind: LookupKind; many?: boolean }[] = [];
  const collect = (list: readonly StepDraft[], prefix: string) =>
    list.forEach((d, i) => {
      for (const l of stepLookups[d.type] ?? []) lookups.push({ ...l, name: `${prefix}.${i}.${l.name}` });
      collect(d.then, `${prefix}.${i}.then`);
      collect(d.else, `${prefix}.${i}.else`);
    });
  collect(drafts, 'steps');
  const resolved = await resolveLookups(ctx, t, form, lookups);
  const build = (list: readonly StepDraft[], prefix: string): unknown[] =>
    list.map((d, i) => {
      const p = `${prefix}.${i}`;
      const v = (rel: string) => form.text(`${p}.${rel}`);
      const id = (rel: string) => resolved.ids[`${p}.${rel}`] ?? undefined;
      switch (d.type) {
        case 'send-email':
          return { type: d.type, templateId: v('templateId'), ...(v('to') ? { to: v('to') } : {}) };
        case 'update-contact': {
          const fields: Record<string, unknown> = {};
          for (const f of updatableTextFields) {
            if (form.flag(`${p}.fields.${f}.clear`)) fields[f] = null;
            else if (v(`fields.${f}`) !== undefined) fields[f] = v(`fields.${f}`);
          }
          const locale = v('fields.locale');
          if (locale) fields.locale = locale === 'none' ? null : locale;
          const login = v('fields.loginEnabled');
          if (login) fields.loginEnabled = login === 'true' ? true : login === 'false' ? false : login;
          return { type: d.type, fields };
        }
        case 'add-web-role':
        case 'remove-web-role':
          return { type: d.type, webRoleId: id('webRoleId') };
        case 'set-account':
          return { type: d.type, accountId: resolved.ids[`${p}.accountId`] ?? null };
        case 'create-invitation': {
          const invitation: Record<string, unknown> = {};
          if (v('invitation.name')) invitation.name = v('invitation.name');
          if (v('invitation.expiresInDays')) invitation.expiresInDays = numberOr(v('invitation.expiresInDays'));
          for (const k of ['ownerId', 'inviterContactId', 'assignToAccountId', 'redeemWorkflowId']) {
            const chosen = id(`invitation.${k}`);
            if (chosen) invitation[k] = chosen;
          }
          const roles = resolved.sets[`${p}.invitation.webRoleIds`] ?? [];
          if (roles.length) invitation.webRoleIds = roles;
          if (v('invitation.binding')) invitation.binding = v('invitation.binding');
          const domains = (v('invitation.allowedDomains') ?? '').split(/[\s,;]+/).filter(Boolean);
          if (domains.length) invitation.allowedDomains = domains;
          if (v('invitation.locale')) invitation.locale = v('invitation.locale');
          return { type: d.type, invitation, ...(form.flag(`${p}.send`) ? { send: true } : {}) };
        }
        case 'webhook':
          return { type: d.type, url: v('url'), event: v('event') };
        case 'condition': {
          const operator = v('operator');
          const value = form.values[`${p}.value`] ?? '';
          return {
            type: d.type,
            field: v('field'),
            operator,
            ...(takesValue(operator) ? { value } : {}),
            then: build(d.then, `${p}.then`),
            else: build(d.else, `${p}.else`),
          };
        }
        case 'stop':
        case 'send-invitation':
          return { type: d.type };
        default:
          return { type: d.type || undefined };
      }
    });
  return { steps: build(drafts, 'steps'), errors: resolved.errors };
}
