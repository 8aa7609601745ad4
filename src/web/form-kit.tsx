// The pieces every server-rendered form uses: a labelled field with its hint and error, the hidden
// CSRF field, and the problem box above a form. Text is escaped by preact-render-to-string; nothing
// here sets raw HTML.
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

/** A problem shown inside a page (above a form), with its stable code. */
export function ProblemBox({ pc, err }: { pc: WebPageContext; err: AppError | null }) {
  if (!err) return null;
  const text = problemText(pc.t, err, pc.locale === 'en');
  return (
    <div class="notice problem" role="alert" data-code={err.code}>
      <p>
        <strong>{text.title}</strong>
      </p>
      <p>{text.body}</p>
      <p class="problem-code">
        {pc.t.codeLabel}: <code>{err.code}</code>
      </p>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  optionalLabel?: string;
  autocomplete?: string;
  idPrefix?: string;
  autofocus?: boolean;
}

export function Field(p: FieldProps) {
  const id = `${p.idPrefix ?? 'f'}-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={id}>
        {p.label}
        {p.optionalLabel ? <span class="optional"> ({p.optionalLabel})</span> : null}
      </label>
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
      <input
        id={id}
        name={p.name}
        // preact types <input> per type as a union; one element serves the three text-like types here.
        type={(p.type ?? 'text') as 'text'}
        value={p.type === 'password' ? undefined : p.value}
        required={p.required}
        autocomplete={p.autocomplete}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy}
        autofocus={p.autofocus}
      />
    </div>
  );
}
