// HTML forms: the submitted fields as trimmed strings, checked by one zod schema per form, with zod's
// issues turned into the page dictionary's messages; and the form state a refusal page shows again
// (what was typed, never a password, and the problem per field).
import { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { PASSWORD_MAX_LENGTH, passwordProblem } from '../shared/passwords.ts';
import { emailSchema } from '../shared/schemas.ts';

export type FormValues = Record<string, string>;

/** The messages a dictionary must hold for parseForm. */
export interface FormTexts {
  fieldRequired: string;
  fieldTooLong: string;
  fieldInvalidEmail: string;
  passwordRule: string;
}

/** What parseForm can say about a field; a field with several problems shows the first of these. */
const formMessages = ['too-long', 'required', 'invalid-email', 'password-rule'] as const;
export type FormMessage = (typeof formMessages)[number];

const textOf: Record<FormMessage, keyof FormTexts> = {
  'too-long': 'fieldTooLong',
  required: 'fieldRequired',
  'invalid-email': 'fieldInvalidEmail',
  'password-rule': 'passwordRule',
};

/** Names the message of a refinement (`.refine(ok, formMessage('password-rule'))`). */
export const formMessage = (message: FormMessage) => ({ params: { formMessage: message } });

// The pieces form schemas are made of. Maxima as the API's: 320 for an email or a login.
export const requiredField = (max = 320) => z.string().max(max).min(1);
/** An optional field; left empty it is absent. */
export const optionalField = (max = 320) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => v || undefined);
export const emailField = requiredField(320).pipe(emailSchema);
export const passwordField = requiredField(PASSWORD_MAX_LENGTH);
/** A password being chosen: the password rule too. */
export const newPasswordField = passwordField.refine((v) => !passwordProblem(v), formMessage('password-rule'));

function messageOf(issue: z.core.$ZodIssue): FormMessage {
  switch (issue.code) {
    case 'too_big':
      return 'too-long';
    case 'invalid_format':
      return issue.format === 'email' ? 'invalid-email' : 'required';
    case 'custom': {
      const named = (issue.params as { formMessage?: FormMessage } | undefined)?.formMessage;
      return named ?? 'required';
    }
    default:
      // Missing, empty, or not one of the choices: nothing usable was given.
      return 'required';
  }
}

/** The submitted form as single trimmed strings (a repeated field counts once). Passwords are not trimmed. */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') out[k] = k === 'password' ? value : value.trim();
  }
  return out;
}

export interface ParsedForm<T> {
  /** Every submitted field (also those the schema does not name, like `next` or `_csrf`). */
  values: FormValues;
  /** A message per field that is not right, in the visitor's language. */
  errors: Record<string, string>;
  /** The schema's output when nothing is wrong. */
  data: T | undefined;
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown, t: FormTexts): ParsedForm<z.output<S>> {
  const values = formValues(body);
  const result = schema.safeParse(values);
  if (result.success) return { values, errors: {}, data: result.data };
  const found: Record<string, FormMessage> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.');
    const message = messageOf(issue);
    const before = found[field];
    if (!before || formMessages.indexOf(message) < formMessages.indexOf(before)) found[field] = message;
  }
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(found)) errors[field] = t[textOf[message]];
  return { values, errors, data: undefined };
}

/** The checked form's data, or the `validation-failed` refusal naming its fields. */
export function validData<T>(form: ParsedForm<T>): T {
  if (form.data !== undefined) return form.data;
  const fields = Object.keys(form.errors);
  throw new AppError('validation-failed', fields.join(', '), {
    errors: fields.map((field) => ({ field, message: 'is not valid' })),
  });
}

/** Values typed into a form (never the password) and the errors found in them. */
export interface FormState {
  values: FormValues;
  errors: Record<string, string>;
  problem: AppError | null;
}

export const emptyForm = (values: FormValues = {}): FormState => ({ values, errors: {}, problem: null });

/** A form state after a refusal: what was typed (never the password) and the problem, per field where it names one. */
export function refusedForm(t: FormTexts, form: ParsedForm<unknown>, err: AppError): FormState {
  const { password: _password, _csrf, ...kept } = form.values;
  const errors = { ...form.errors };
  for (const e of err.errors ?? [])
    if (!errors[e.field]) errors[e.field] = e.field === 'password' ? t.passwordRule : e.message;
  return { values: kept, errors, problem: err };
}
