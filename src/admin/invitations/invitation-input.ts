// The invitations area's form kit: the invitation form read as the API's create or update input
// (look-ups resolved, the expiry read in the site's time zone), the values an invitation shows in
// its form, and the labels of the records a page of invitations names.
import type { AppContext } from '../../context.ts';
import {
  createInvitationSchema,
  type Invitation,
  updateInvitationSchema,
} from '../../invitations/invitations.schema.ts';
import { getInvitation } from '../../invitations/invitations.service.ts';
import { checked, type FieldErrors, refuse, resolveLookups, type SubmittedForm } from '../forms.ts';
import { type LookupKind, type LookupOption, labelOf } from '../lookups.ts';
import type { StaffPageContext } from '../page-context.ts';

// ---------------------------------------------------------------------------------------------
// Times: a datetime-local field holds the wall time of the site's time zone (Site/TimeZone).

function wallClockMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

const safeZone = (tz: string | undefined): string => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz ?? 'UTC' });
    return tz ?? 'UTC';
  } catch {
    return 'UTC';
  }
};

/** An ISO time as a datetime-local value in the zone (`2099-01-31T13:00`). */
export function toLocalInput(iso: string | null | undefined, timeZone: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return new Date(wallClockMs(ms, safeZone(timeZone))).toISOString().slice(0, 16);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A datetime-local value (or a date alone: that day ends at midnight there, as SPEC says of a
 * date-only expiry) as the ISO time it means in the zone; anything else is returned as typed, for
 * the API's schema to refuse at its field.
 */
export function fromLocalInput(text: string, timeZone: string | undefined): string {
  const m = LOCAL.exec(text);
  if (!m) return text;
  const zone = safeZone(timeZone);
  const dateOnly = m[4] === undefined;
  const wall = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]) + (dateOnly ? 1 : 0),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  if (Number.isNaN(wall)) return text;
  let utc = wall - (wallClockMs(wall, zone) - wall);
  utc = wall - (wallClockMs(utc, zone) - utc);
  return new Date(utc).toISOString();
}

// ---------------------------------------------------------------------------------------------
// The form

const LOOKUPS: { name: string; kind: LookupKind; many?: boolean }[] = [
  { name: 'ownerId', kind: 'users' },
  { name: 'inviterContactId', kind: 'contacts' },
  { name: 'invitedContactIds', kind: 'contacts', many: true },
  { name: 'assignToAccountId', kind: 'accounts' },
  { name: 'redeemWorkflowId', kind: 'contact-workflows' },
  { name: 'webRoleIds', kind: 'web-roles', many: true },
];

const wholeNumber = (text: string | undefined): number | string | null =>
  text === undefined ? null : /^\d{1,10}$/.test(text) ? Number(text) : text;

/**
 * Reads the form as the API's input (create, or update of `existing`); a problem on any field is
 * thrown as validation-failed, for the route to show the form again.
 */
export async function invitationInput(
  ctx: AppContext,
  pc: StaffPageContext,
  form: SubmittedForm,
  existing: Invitation | null,
) {
  const lookups = await resolveLookups(ctx, pc.t, form, LOOKUPS);
  const type = existing?.type ?? (form.text('type') === 'group' ? 'group' : 'single');
  const expiry = form.text('expiresAt');
  const binding = form.text('binding');
  const locale = form.text('locale');
  const domains = (form.values.allowedDomains ?? '').split(/[\s,;]+/).filter(Boolean);
  const input: Record<string, unknown> = {
    name: form.text('name'),
    type,
    // The field shows minutes: the expiry as it was, when the field still shows it, is kept exactly.
    expiresAt: !expiry
      ? null
      : existing?.expiresAt && expiry === toLocalInput(existing.expiresAt, pc.timeZone)
        ? existing.expiresAt
        : fromLocalInput(expiry, pc.timeZone),
    inviterContactId: lookups.ids.inviterContactId ?? null,
    invitedContactIds: lookups.sets.invitedContactIds ?? [],
    assignToAccountId: lookups.ids.assignToAccountId ?? null,
    redeemWorkflowId: lookups.ids.redeemWorkflowId ?? null,
    webRoleIds: lookups.sets.webRoleIds ?? [],
    allowedDomains: domains,
    locale: locale ?? null,
    signInProviderId: form.text('signInProviderId') ?? null,
  };
  // Empty owner: the creator (on create), unchanged (on edit); the API has no "no owner".
  if (lookups.ids.ownerId) input.ownerId = lookups.ids.ownerId;
  // Empty binding on create: the site's Invitations/DefaultBinding.
  if (binding) input.binding = binding;
  if (type === 'group') input.maxRedemptions = wholeNumber(form.text('maxRedemptions'));
  const english = pc.locale === 'en';
  const result = existing
    ? checked(pc.t, updateInvitationSchema, input, english)
    : checked(pc.t, createInvitationSchema, input, english);
  const errors: FieldErrors = { ...(result.errors ?? {}), ...lookups.errors };
  if (Object.keys(errors).length || !result.data) refuse(errors);
  return result.data;
}

/** The labels of records of one kind, by id (lookups of the same turn share their queries). */
export async function labelsOf(ctx: AppContext, kind: LookupKind, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => labelOf(ctx, kind, id)));
  return new Map(found.filter((o): o is LookupOption => Boolean(o)).map((o) => [o.id, o.label]));
}

/** The options of a set of ids, with their labels (an id whose record is gone shows as itself). */
export const optionsOf = (ids: readonly string[], labels: Map<string, string>): LookupOption[] =>
  ids.map((id) => ({ id, label: labels.get(id) ?? id }));

/** What an invitation's form shows: its values as typed text, and its look-ups with labels. */
export async function invitationFormState(ctx: AppContext, pc: StaffPageContext, inv: Invitation) {
  const one = async (kind: LookupKind, id: string | null) => (id ? await labelOf(ctx, kind, id) : undefined);
  const contacts = await labelsOf(ctx, 'contacts', [...inv.invitedContactIds, ...inv.redeemedContactIds]);
  const roles = await labelsOf(ctx, 'web-roles', inv.webRoleIds);
  const values: Record<string, string> = {
    name: inv.name,
    type: inv.type,
    expiresAt: toLocalInput(inv.expiresAt, pc.timeZone),
    maxRedemptions: inv.maxRedemptions === null || inv.type === 'single' ? '' : String(inv.maxRedemptions),
    binding: inv.binding,
    allowedDomains: inv.allowedDomains.join('\n'),
    locale: inv.locale ?? '',
    signInProviderId: inv.signInProviderId ?? '',
  };
  return {
    values,
    errors: {} as FieldErrors,
    lookups: {
      ownerId: await one('users', inv.ownerId),
      inviterContactId: await one('contacts', inv.inviterContactId),
      assignToAccountId: await one('accounts', inv.assignToAccountId),
      redeemWorkflowId: await one('contact-workflows', inv.redeemWorkflowId),
    },
    sets: {
      invitedContactIds: optionsOf(inv.invitedContactIds, contacts),
      webRoleIds: optionsOf(inv.webRoleIds, roles),
    },
    redeemed: optionsOf(inv.redeemedContactIds, contacts),
  };
}

export type InvitationFormState = Awaited<ReturnType<typeof invitationFormState>>;

/** The form shown again after a refusal: what was typed, the chosen records with their labels. */
export async function keptFormState(ctx: AppContext, form: SubmittedForm, errors: FieldErrors, inv: Invitation | null) {
  const one = async (kind: LookupKind, name: string) => {
    const id = form.text(name);
    return id ? await labelOf(ctx, kind, id) : undefined;
  };
  const contacts = await labelsOf(ctx, 'contacts', [
    ...form.list('invitedContactIds'),
    ...(inv?.redeemedContactIds ?? []),
  ]);
  const roles = await labelsOf(ctx, 'web-roles', form.list('webRoleIds'));
  return {
    values: form.kept(),
    errors,
    lookups: {
      ownerId: await one('users', 'ownerId'),
      inviterContactId: await one('contacts', 'inviterContactId'),
      assignToAccountId: await one('accounts', 'assignToAccountId'),
      redeemWorkflowId: await one('contact-workflows', 'redeemWorkflowId'),
    },
    sets: {
      invitedContactIds: optionsOf(form.list('invitedContactIds'), contacts),
      webRoleIds: optionsOf(form.list('webRoleIds'), roles),
    },
    redeemed: optionsOf(inv?.redeemedContactIds ?? [], contacts),
  } satisfies InvitationFormState;
}

/** The names of invitations, by id (one that is gone is left out); lookups of one turn share their queries. */
export async function invitationNames(ctx: AppContext, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => getInvitation(ctx, id).catch(() => undefined)));
  return new Map(found.filter((i): i is Invitation => Boolean(i)).map((i) => [i.id, i.name]));
}
