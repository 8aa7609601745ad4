// The step editor's controls: labelled selects, texts, text areas, check boxes and look-ups whose
// names are dotted paths (`steps.2.then.0.webRoleId`); their ids drop the dots, so that they also
// work as selectors (htmx targets `#f-steps-2-then-0-webRoleId-options`).
import { FieldFrame } from '../../../web/form-kit.tsx';
import { CheckboxField, LookupField } from '../../components/fields.tsx';
import type { LookupKind } from '../../lookups.ts';
import type { AdminPageContext } from '../../page-context.ts';

/** Ids without dots, so that they also work as selectors (`#f-steps-0-webRoleId-options`). */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function Select(p: {
  name: string;
  label: string;
  value?: string | undefined;
  options: { value: string; label: string }[];
  empty?: string;
  error?: string | undefined;
  hint?: string | undefined;
  'data-operator'?: boolean;
}) {
  const id = fieldId(p.name);
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint}>
      {(describedBy) => (
        <select
          id={id}
          name={p.name}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
          data-operator={p['data-operator'] ? '' : undefined}
        >
          {p.empty !== undefined ? <option value="">{p.empty || '—'}</option> : null}
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

export function Text(p: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  type?: string;
}) {
  const id = fieldId(p.name);
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint}>
      {(describedBy) => (
        <input
          id={id}
          name={p.name}
          type={(p.type === 'number' ? 'text' : (p.type ?? 'text')) as 'text'}
          inputMode={p.type === 'number' ? 'numeric' : undefined}
          value={p.value ?? ''}
          maxLength={2000}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
        />
      )}
    </FieldFrame>
  );
}

export function Area(p: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
}) {
  const id = fieldId(p.name);
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint}>
      {(describedBy) => (
        <textarea
          id={id}
          name={p.name}
          rows={2}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
        >
          {p.value ?? ''}
        </textarea>
      )}
    </FieldFrame>
  );
}

export const Check = (p: { name: string; label: string; checked: boolean; error?: string | undefined }) => (
  <CheckboxField name={p.name} controlId={fieldId(p.name)} label={p.label} checked={p.checked} error={p.error} />
);

/** A look-up with a dotted name: the held id (`name`), the typed text (`nameLookup`) and type-ahead. */
/** A look-up inside the step editor: its name is the step field's path, its id made from it. */
export function StepLookup(p: {
  pc: AdminPageContext;
  name: string;
  label: string;
  kind: LookupKind;
  id?: string | undefined;
  typed?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  noHidden?: boolean;
}) {
  return (
    <LookupField
      pc={p.pc}
      name={p.name}
      controlId={fieldId(p.name)}
      label={p.label}
      kind={p.kind}
      value={p.id ? { id: p.id, label: '' } : undefined}
      typed={p.typed ?? ''}
      error={p.error}
      hint={p.hint}
      noHidden={p.noHidden ?? false}
    />
  );
}
