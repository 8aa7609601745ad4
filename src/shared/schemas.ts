// Small zod pieces shared by the feature schemas.
import { z } from 'zod';
import { locales } from './locale.ts';

/** The largest value of an `integer` column (32 bits on PostgreSQL): every integer input is bounded by it. */
export const INT32_MAX = 2_147_483_647;

export const idSchema = z.uuid({ error: 'must be a UUID' });
export const idParams = z.object({ id: idSchema });
export const emailSchema = z.email({ error: 'must be an email address' }).max(320);
export const localeSchema = z.enum(locales, { error: 'must be "da" or "en"' });
export const isoTimeSchema = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time' })
  .transform((s) => new Date(s).toISOString());
export const nameSchema = (max = 200) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
/** Optional text that may also be cleared with null or "". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullable()
    .transform((v) => (v === '' ? null : v));
export const optionalEmail = z.union([z.literal(''), emailSchema, z.null()]).transform((v) => (v === '' ? null : v));
/** A time in an answer (ISO 8601 UTC, as stored): plain text to the serializer, `date-time` in the OpenAPI document. */
export const timeOut = z.string().meta({ format: 'date-time' });
