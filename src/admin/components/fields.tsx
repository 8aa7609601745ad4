// The back office's form controls beyond the web kit's text Field: choices, text areas, check boxes,
// read-only values, look-ups (one record, or a set of them), sections and the error summary. Every
// control has a label; an error sits next to its field and the field says so (aria-invalid,
// aria-describedby). Names are the API's field names, so a service's 422 lands on its field.
import type { ComponentChildren } from 'preact';
import { FieldFrame } from '../../web/form-kit.tsx';
import type { LookupKind, LookupOption } from '../lookups.ts';
import type { AdminPageContext } from '../page-context.ts';

const idFor = (name: string) => `f-${name}`;

export interface SelectFieldProps {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  /** Offer an empty choice ("—") first. */
  empty?: string;
  required?: boolean;
  /** htmx: re-render a part of the form when the choice changes (the type switch). */
  attrs?: Record<string, string>;
}

export function SelectField(p: SelectFieldProps) {
  const id = idFor(p.name);
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint}>
      {(describedBy) => (
        <select
          id={id}
          name={p.name}
          required={p.required}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
          {...(p.attrs ?? {})}
        >
          {p.empty !== undefined ? <option value="">{p.empty}</option> : null}
          {p.options.map((o) => (
            <option value={o.value} selected={o.value === (p.value ?? '')}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export function TextAreaField(p: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  rows?: number;
  required?: boolean;
  maxLength?: number;
  code?: boolean;
}) {
  const id = idFor(p.name);
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint}>
      {(describedBy) => (
        <textarea
          id={id}
          name={p.name}
          rows={p.rows ?? 4}
          required={p.required}
          maxLength={p.maxLength}
          class={p.code ? 'code' : undefined}
          spellcheck={p.code ? false : undefined}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
        >
          {p.value ?? ''}
        </textarea>
      )}
    </FieldFrame>
  );
}

/** A yes/no switch. An unchecked box sends nothing, so a hidden "false" goes first. */
export function CheckboxField(p: {
  name: string;
  label: string;
  checked: boolean;
  hint?: string | undefined;
  error?: string | undefined;
  /** The control's id when the name is a path (`steps.0.send`); default `f-<name>`. */
  controlId?: string;
}) {
  const id = p.controlId ?? idFor(p.name);
  return (
    <div class={p.error ? 'field check has-error' : 'field check'}>
      <input type="hidden" name={p.name} value="false" />
      <input
        type="checkbox"
        id={id}
        name={p.name}
        value="true"
        checked={p.checked}
        aria-describedby={
          [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
        }
      />
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

/** A value shown on a form that cannot be changed there. */
export function ReadOnlyField(p: { label: string; children: ComponentChildren }) {
  return (
    <div class="field read-only">
      <span class="label">{p.label}</span>
      <span class="value">{p.children}</span>
    </div>
  );
}

/** Suggestions for a look-up: what the type-ahead swaps into the field's datalist. */
export function LookupOptions({ options }: { options: LookupOption[] }) {
  return (
    <>
      {options.map((o) => (
        <option value={o.label} />
      ))}
    </>
  );
}

export interface LookupFieldProps {
  pc: AdminPageContext;
  /** The API's field name (`assignToAccountId`); the typed text goes as `<name>Lookup`. */
  name: string;
  label: string;
  kind: LookupKind;
  /** The record chosen now. */
  value?: LookupOption | undefined;
  /** What was typed, when a refused form is shown again. */
  typed?: string | undefined;
  /** Suggestions to start with (without JavaScript the browser offers these). */
  options?: LookupOption[];
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  /** The control's id when the name is a path (`steps.0.webRoleId`); default `f-<name>`. */
  controlId?: string;
  /** Without the hidden field holding the chosen id (the text alone names the record). */
  noHidden?: boolean;
}

/** One related record, chosen by typing: type-ahead fills the datalist; the server resolves the text. */
export function LookupField(p: LookupFieldProps) {
  const id = p.controlId ?? idFor(p.name);
  const listId = `${id}-options`;
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint ?? p.pc.t.form.lookupHint}>
      {(describedBy) => (
        <div class="lookup" data-lookup={p.kind}>
          {p.noHidden ? null : <input type="hidden" name={p.name} value={p.value?.id ?? ''} />}
          <input
            id={id}
            type="text"
            name={`${p.name}Lookup`}
            value={p.typed ?? p.value?.label ?? ''}
            list={listId}
            autocomplete="off"
            required={p.required}
            maxLength={400}
            aria-invalid={p.error ? 'true' : undefined}
            aria-describedby={describedBy}
            hx-get={`/admin/lookup/${p.kind}?field=${encodeURIComponent(`${p.name}Lookup`)}`}
            hx-trigger="input changed delay:200ms, focus once"
            hx-target={`#${listId}`}
            hx-swap="innerHTML"
          />
          <datalist id={listId}>
            <LookupOptions options={p.options ?? []} />
          </datalist>
        </div>
      )}
    </FieldFrame>
  );
}

export interface MultiLookupFieldProps extends Omit<LookupFieldProps, 'value'> {
  /** The records chosen now: each a checked box; unchecking one removes it on save. */
  values: LookupOption[];
}

/** A set of related records: the chosen ones as check boxes, and a look-up to add one more. */
export function MultiLookupField(p: MultiLookupFieldProps) {
  const id = idFor(p.name);
  const listId = `${id}-options`;
  return (
    <fieldset class={p.error ? 'field multi-lookup has-error' : 'field multi-lookup'} data-lookup={p.kind}>
      <legend>{p.label}</legend>
      {p.error ? (
        <p class="field-error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      {p.values.length ? (
        <ul class="chosen">
          {p.values.map((v, i) => (
            <li>
              <input type="checkbox" id={`${id}-chosen-${i}`} name={p.name} value={v.id} checked />
              <label for={`${id}-chosen-${i}`}>{v.label}</label>
            </li>
          ))}
        </ul>
      ) : null}
      <label for={id} class="add-label">
        {p.pc.t.form.add}
      </label>
      <input
        id={id}
        type="text"
        name={`${p.name}Lookup`}
        value={p.typed ?? ''}
        list={listId}
        autocomplete="off"
        maxLength={400}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={[`${id}-hint`, p.error ? `${id}-error` : ''].filter(Boolean).join(' ')}
        hx-get={`/admin/lookup/${p.kind}?field=${encodeURIComponent(`${p.name}Lookup`)}`}
        hx-trigger="input changed delay:200ms, focus once"
        hx-target={`#${listId}`}
        hx-swap="innerHTML"
      />
      <p class="hint" id={`${id}-hint`}>
        {p.hint ?? p.pc.t.form.lookupHint}
      </p>
      <datalist id={listId}>
        <LookupOptions options={p.options ?? []} />
      </datalist>
    </fieldset>
  );
}

/** A titled group of fields on a form (a Dynamics form's section). */
export function Section(p: { title: string; children: ComponentChildren; id?: string }) {
  const headingId = `${p.id ?? p.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section class="form-section" aria-labelledby={headingId} id={p.id}>
      <h2 id={headingId}>{p.title}</h2>
      <div class="section-fields">{p.children}</div>
    </section>
  );
}

/** Above a refused form: what is wrong, each field named with a link to it. */
export function ErrorSummary(p: {
  pc: AdminPageContext;
  errors: Record<string, string>;
  labels: Record<string, string>;
}) {
  const fields = Object.keys(p.errors);
  if (!fields.length) return null;
  return (
    <div class="notice problem error-summary" role="alert" tabindex={-1} id="error-summary">
      <p>
        <strong>{p.pc.t.form.fixFields}</strong>
      </p>
      <ul>
        {fields.map((f) => (
          <li>
            <a href={`#${idFor(f)}`}>
              {p.labels[f] ?? f}: {p.errors[f]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
