// The pieces every server-rendered form uses: a labelled field with its hint and error, the hidden
// CSRF field, and the problem box above a form. Text is escaped by preact-render-to-string; nothing
// here sets raw HTML.
import type { ComponentChildren } from 'preact';
import type { AppError } from '../shared/errors.ts';
import type { Locale } from '../shared/locale.ts';
import type { FormTexts } from './forms.ts';
import { problemText, type RefusalTexts } from './refusal.ts';

/** What the kit's pieces need of a page's context; the portal's and the back office's add their own. */
export interface WebPageContext {
  locale: Locale;
  t: RefusalTexts & FormTexts;
  /** The session's CSRF token, for the hidden field of every form that posts. */
  csrfToken: string;
}

export const Csrf = ({ pc }: { pc: WebPageContext }) => <input type="hidden" name="_csrf" value={pc.csrfToken} />;

/** A field named by an error summary: its control's id, its label and what is wrong with it. */
export interface SummaryField {
  id: string;
  label: string;
  message: string;
}

/** The fields of a refused form, in the order given by `labels` (field name → label). */
export function summaryFields(
  errors: Record<string, string>,
  idPrefix: string,
  labels: Record<string, string>,
): SummaryField[] {
  return Object.entries(labels)
    .filter(([name]) => errors[name])
    .map(([name, label]) => ({ id: `${idPrefix}-${name}`, label, message: errors[name] as string }));
}

/**
 * A problem shown inside a page (above a form), with its stable code as a small reference. With
 * `focus` it is the page's error summary: focused on load (autofocus on a tabindex="-1" box works
 * without JavaScript and scrolls it into view), naming each field with a link to it.
 */
export function ProblemBox({
  pc,
  err,
  fields = [],
  focus = false,
  title,
}: {
  pc: WebPageContext;
  err: AppError | null;
  fields?: SummaryField[];
  focus?: boolean;
  title?: string;
}) {
  if (!err) return null;
  const text = problemText(pc.t, err, pc.locale === 'en');
  return (
    <div
      class="notice problem"
      role="alert"
      data-code={err.code}
      data-error-summary={focus ? '' : undefined}
      tabindex={focus ? -1 : undefined}
      autofocus={focus || undefined}
    >
      <p>
        <strong>{title ?? text.title}</strong>
      </p>
      <p>{text.body}</p>
      {fields.length > 0 ? (
        <ul class="error-list">
          {fields.map((f) => (
            <li>
              <a href={`#${f.id}`}>
                {f.label}: {f.message}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="problem-code">
        <small>
          {pc.t.codeLabel}: <code>{err.code}</code>
        </small>
      </p>
    </div>
  );
}

export interface FieldFrameProps {
  /** The control's id; the hint and error ids are made from it. */
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  optionalLabel?: string | undefined;
  /** The control, given the ids it must name in aria-describedby. */
  children: (describedBy: string | undefined) => ComponentChildren;
}

/** A control's label, hint and error around it, with the ids the control refers to. */
export function FieldFrame(p: FieldFrameProps) {
  const describedBy =
    [p.hint ? `${p.id}-hint` : '', p.error ? `${p.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.id}>
        {p.label}
        {p.optionalLabel ? <span class="optional"> ({p.optionalLabel})</span> : null}
      </label>
      {p.hint ? (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
      {p.children(describedBy)}
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'number' | 'date' | 'datetime-local' | 'url';
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  optionalLabel?: string;
  autocomplete?: string;
  idPrefix?: string;
  autofocus?: boolean;
  maxLength?: number;
  min?: string;
  max?: string;
  readOnly?: boolean;
}

export function Field(p: FieldProps) {
  const id = `${p.idPrefix ?? 'f'}-${p.name}`;
  return (
    <FieldFrame id={id} label={p.label} error={p.error} hint={p.hint} optionalLabel={p.optionalLabel}>
      {(describedBy) => (
        <input
          id={id}
          name={p.name}
          // preact types <input> per type as a union; one element serves the text-like types here.
          type={(p.type ?? 'text') as 'text'}
          value={p.type === 'password' ? undefined : p.value}
          required={p.required}
          autocomplete={p.autocomplete}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={describedBy}
          autofocus={p.autofocus}
          maxLength={p.maxLength}
          min={p.min}
          max={p.max}
          readOnly={p.readOnly}
        />
      )}
    </FieldFrame>
  );
}
