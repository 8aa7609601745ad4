// Portal content pages: a slug, a title and a Liquid body, optionally limited to web roles (none = public).
import { z } from 'zod';
import { idSchema, nameSchema, timeOut } from '../shared/schemas.ts';
import { listSchema, pageQuerySchema } from '../shared/pagination.ts';

/** Lower-case letters, digits and hyphens, in segments separated by single slashes: `help`, `partners/price-list`. */
export const SLUG_PATTERN = /^[a-z0-9-]+(?:\/[a-z0-9-]+)*$/;
export const BODY_MAX = 200_000;

const slugSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(
    SLUG_PATTERN,
    'must be lower-case letters, digits and hyphens, in parts separated by single slashes (like "partners/price-list")',
  );
const bodySchema = z.string().max(BODY_MAX, `must be at most ${BODY_MAX} characters`);
const webRoleIdsSchema = z.array(idSchema).max(100, 'must name at most 100 web roles');

export const contentPageSchema = z.object({
  id: idSchema,
  slug: z.string(),
  title: z.string(),
  body: z.string(),
  webRoleIds: z.array(z.string()),
  url: z.string(),
  createdAt: timeOut,
  updatedAt: timeOut,
});
export type ContentPage = z.infer<typeof contentPageSchema>;

export const createContentPageSchema = z.strictObject({
  slug: slugSchema,
  title: nameSchema(200),
  body: bodySchema.default(''),
  webRoleIds: webRoleIdsSchema.default([]),
});
export type CreateContentPageInput = z.infer<typeof createContentPageSchema>;

export const updateContentPageSchema = z.strictObject({
  slug: slugSchema.optional(),
  title: nameSchema(200).optional(),
  body: bodySchema.optional(),
  webRoleIds: webRoleIdsSchema.optional(),
});
export type UpdateContentPageInput = z.infer<typeof updateContentPageSchema>;

export const contentPageListQuery = pageQuerySchema.extend({ slug: z.string().max(200).optional() });
export const contentPageListSchema = listSchema(contentPageSchema);
