// Back-office forms: the submitted fields read as the API's fields (text, lists of ids, switches,
// look-ups), checked by the API's own zod schema, so the services see exactly what the API would
// pass them; problems come back per field, in the page's language, with what was typed kept.
import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../shared/errors.ts';
import type { AdminDict } from './i18n/index.ts';
import { type LookupKind, resolveLookup } from './lookups.ts';

/** The submitted form: single values trimmed (passwords untouched), repeated fields as lists. */
export class SubmittedForm {
  readonly values: Record<string, string> = {};
  readonly lists: Record<string, string[]> = {};

  constructor(body: unknown) {
    if (!body || typeof body !== 'object') return;
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const all = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      this.lists[k] = all.map((x) => x.trim()).filter(Boolean);
      // A check box sends "false" (the hidden field) and then "true" when checked: the last one wins.
      const last = all[all.length - 1];
      if (last !== undefined) this.values[k] = /password/i.test(k) ? last : last.trim();
    }
  }

  /** The text of a field; empty is undefined. */
  text(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined || v === '' ? undefined : v;
  }

  /** The text, or null when emptied (for PATCH: clears the field). */
  textOrNull(name: string): string | null {
    return this.text(name) ?? null;
  }

  list(name: string): string[] {
    return [...new Set(this.lists[name] ?? [])];
  }

  flag(name: string): boolean {
    return this.values[name] === 'true' || this.values[name] === 'on';
  }

  /** Values to show again after a refusal (never a password or the CSRF token). */
  kept(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.values)) if (!/password/i.test(k) && k !== '_csrf') out[k] = v;
    return out;
  }
}

/** Problems per field, in the page's language. */
export type FieldErrors = Record<string, string>;

/**
 * A refusal's field problems: the service's own words on an English page, the dictionary's on a Danish
 * one; a form's own refusal (`refuse`) already speaks the page's language and is kept as it is.
 */
export function errorsOf(t: AdminDict, err: AppError, english: boolean): FieldErrors {
  const out: FieldErrors = {};
  const translated = err instanceof FormRefusal;
  for (const e of err.errors ?? [])
    out[e.field] = translated ? e.message : english ? capitalised(e.message) : t.form.invalidValue;
  return out;
}

/** Checks `input` with the API's schema; the problems name the API's fields. */
export function checked<S extends z.ZodType>(
  t: AdminDict,
  schema: S,
  input: unknown,
  english: boolean,
): { data: z.output<S>; errors?: undefined } | { data?: undefined; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (errors[field]) continue;
    if (issue.code === 'invalid_type' && issue.input === undefined) errors[field] = t.fieldRequired;
    else if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1)
      errors[field] = t.fieldRequired;
    else if (issue.code === 'too_big' && issue.origin === 'string') errors[field] = t.fieldTooLong;
    else if (issue.code === 'invalid_format' && issue.format === 'email') errors[field] = t.fieldInvalidEmail;
    else errors[field] = english ? capitalised(issue.message) : t.form.invalidValue;
  }
  return { errors };
}

const capitalised = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** A form's own validation-failed, its messages already in the page's language (see `checked`). */
class FormRefusal extends AppError {}

/** Throws the refusal a form page shows next to its fields (the route catches it and renders the form). */
export function refuse(errors: FieldErrors): never {
  throw new FormRefusal('validation-failed', Object.keys(errors).join(', '), {
    errors: Object.entries(errors).map(([field, message]) => ({ field, message })),
  });
}

/**
 * Resolves the look-ups of a form: one record (`kind`, field name) or a set (`many`). What cannot be
 * resolved is a problem on that field; the others are returned as ids.
 */
export async function resolveLookups(
  ctx: AppContext,
  t: AdminDict,
  form: SubmittedForm,
  fields: { name: string; kind: LookupKind; many?: boolean }[],
): Promise<{ ids: Record<string, string | null>; sets: Record<string, string[]>; errors: FieldErrors }> {
  const ids: Record<string, string | null> = {};
  const sets: Record<string, string[]> = {};
  const errors: FieldErrors = {};
  for (const f of fields) {
    const typed = form.values[`${f.name}Lookup`] ?? '';
    if (f.many) {
      const chosen = form.list(f.name);
      const added = typed.trim() ? await resolveLookup(ctx, f.kind, typed) : { id: null };
      if ('problem' in added)
        errors[f.name] = added.problem === 'ambiguous' ? t.form.lookupAmbiguous : t.form.lookupNoMatch;
      sets[f.name] = 'id' in added && added.id && !chosen.includes(added.id) ? [...chosen, added.id] : chosen;
    } else {
      const r = await resolveLookup(ctx, f.kind, typed, form.values[f.name]);
      if ('problem' in r) errors[f.name] = r.problem === 'ambiguous' ? t.form.lookupAmbiguous : t.form.lookupNoMatch;
      else ids[f.name] = r.id;
    }
  }
  return { ids, sets, errors };
}
