// Text a client sends may not carry control characters: PostgreSQL refuses U+0000 in text (a 500
// before this), SQLite stores it, and no field of this product means one. Checked once at the edge,
// for every API call, portal JSON call and form, before any schema or handler sees the request:
// U+0000–U+001F are refused except tab, line feed and carriage return (which multi-line fields
// such as template bodies need), with 422 `validation-failed` naming the field.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../shared/errors.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** The fields (as the API names them: `a.b.0`) whose text holds a control character. */
export function controlCharacterFields(value: unknown, path: string, out: FieldError[] = [], depth = 0): FieldError[] {
  if (out.length >= 20 || depth > 32) return out;
  if (typeof value === 'string') {
    if (CONTROL.test(value)) out.push({ field: path, message: 'must not contain control characters' });
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) controlCharacterFields(v, path ? `${path}.${i}` : String(i), out, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const field = path ? `${path}.${k}` : k;
      if (CONTROL.test(k)) out.push({ field, message: 'must not contain control characters' });
      controlCharacterFields(v, field, out, depth + 1);
    }
  }
  return out;
}

function check(request: FastifyRequest): void {
  // An address no route answers is a 404 or 405 whatever it carries (the not-found handler runs these hooks too).
  if (request.is404) return;
  const errors = [
    ...controlCharacterFields(request.params, ''),
    ...controlCharacterFields(request.query, ''),
    ...controlCharacterFields(request.body, ''),
  ];
  if (errors.length > 0)
    throw new AppError('validation-failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/** Installs the check for every route registered after it (all scopes inherit it). */
export function refuseControlCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => check(request));
}
